// Reading the live tree out of a board: Tree JSON, and the whole tree as markdown outline, JSON or CSV.
// A stored document may hold records no reader can use: they are left out, never a 500. Tree JSON lists them
// in `skipped`; every format also says how many in the X-Skipped-Records header.
import type { Context } from 'hono'
import { treeToCsv } from '../../shared/formats/csv'
import { EXPORT_FORMATS, FORMAT_MEDIA_TYPE } from '../../shared/formats/export-format'
import type { ExportFormat } from '../../shared/formats/export-format'
import { treeToOutline } from '../../shared/formats/outline'
import { treeToJson, type TreeJson } from '../../shared/formats/tree-json'
import { deriveTree, type SkippedRecord } from '../../shared/tree'
import { requireRole } from '../auth'
import { readRecords } from '../board-doc'
import type { AppDeps, AppEnv, RouteModule } from '../deps'
import { HttpError } from '../http'


/** How many records an export left out because they could not be read (absent when none). */
export const SKIPPED_HEADER = 'X-Skipped-Records'

export function exportFormat(c: Context): ExportFormat {
  const format = c.req.query('format') ?? 'json'
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new HttpError(400, `format must be one of ${EXPORT_FORMATS.join(', ')}`)
  }
  return format as ExportFormat
}

/** A text download: `?download=1` asks the browser to save it under a readable file name. */
export function sendExport(c: Context, format: ExportFormat, body: string, baseName: string, skipped = 0): Response {
  const headers: Record<string, string> = { 'Content-Type': FORMAT_MEDIA_TYPE[format], 'Cache-Control': 'no-store' }
  if (skipped) headers[SKIPPED_HEADER] = String(skipped)
  if (c.req.query('download')) {
    const safe = baseName.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'board'
    headers['Content-Disposition'] = `attachment; filename="${safe}.${format}"`
  }
  return c.body(body, 200, headers)
}

/** The board's live tree as Tree JSON (the room is loaded if nobody is connected). */
export async function liveTreeJson(deps: AppDeps, c: Context<AppEnv>): Promise<TreeJson> {
  const board = c.get('board')
  const unreadable: SkippedRecord[] = []
  const records = await deps.rooms.withDoc(board.id, (doc) => [...readRecords(doc, unreadable).values()])
  const tree = deriveTree(records)
  tree.skipped.unshift(...unreadable)
  return treeToJson(tree, board.title)
}

export const exportRoutes: RouteModule = (app, deps) => {
  app.get('/api/boards/:id/tree', requireRole('viewer'), async (c) => {
    const tree = await liveTreeJson(deps, c)
    if (tree.skipped) c.header(SKIPPED_HEADER, String(tree.skipped.length))
    return c.json(tree)
  })

  app.get('/api/boards/:id/export', requireRole('viewer'), async (c) => {
    const format = exportFormat(c)
    const tree = await liveTreeJson(deps, c)
    const body =
      format === 'md' ? treeToOutline(tree) : format === 'csv' ? treeToCsv(tree) : JSON.stringify(tree, null, 2) + '\n'
    return sendExport(c, format, body, tree.title, tree.skipped?.length ?? 0)
  })
}
