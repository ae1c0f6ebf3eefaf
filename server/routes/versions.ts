// Version history over HTTP (README, "HTTP API"): list a board's versions, read one as the tree exports
// read the live board (or as records, for a read-only canvas), name the present, restore a version.
import type { Context } from 'hono'
import { z } from 'zod'
import { treeToCsv } from '../../shared/formats/csv'
import { treeToOutline } from '../../shared/formats/outline'
import { treeToJson } from '../../shared/formats/tree-json'
import type { JsonRecord } from '../../shared/model'
import { deriveTree } from '../../shared/tree'
import { RESTORE_IDS_MAX, VERSION_NAME_MAX, type RestoreResult, type VersionInfo, type VersionPerson, type VersionRecords } from '../../shared/versions'
import { requireRole } from '../auth'
import type { AppDeps, AppEnv, RouteModule } from '../deps'
import { HttpError, parseBody, readJsonBody } from '../http'
import type { Role, StoredVersionInfo } from '../store/types'
import { restoreVersion } from '../versions/restore'
import { exportFormat, sendExport } from './exports'

const BY_MAX = 80
const by = z.string().trim().max(BY_MAX, `by must be at most ${BY_MAX} characters`).optional()
const versionName = z.string('name must be text').trim().min(1, 'name must not be empty').max(VERSION_NAME_MAX, `name must be at most ${VERSION_NAME_MAX} characters`)
// A named version needs its name; the client saves the present before an import with
// {reason: 'before-import'} (a name is optional then).
const nameBody = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('named').optional(), name: versionName, by }),
  z.object({ reason: z.literal('before-import'), name: versionName.optional(), by }),
], { error: "reason must be 'named' or 'before-import'" })
const restoreBody = z.object({
  ids: z
    .array(z.string().min(1).max(200), 'ids must be a list of record ids')
    .min(1, 'ids must name at least one record')
    .max(RESTORE_IDS_MAX, `at most ${RESTORE_IDS_MAX} ids`)
    .optional(),
  by,
})

/** The wire form: what the store keeps besides (hash, size) stays on the server. */
export const versionInfo = (v: StoredVersionInfo): VersionInfo => ({
  id: v.id,
  at: v.at,
  name: v.name,
  reason: v.reason,
  people: v.people,
  summary: v.summary,
})

const actorOf = (c: Context<AppEnv>, name: string | undefined): VersionPerson => ({ name: name || 'Anonymous', role: c.get('role') as Role })

/** The version named by `:v`, with its records; 404 when there is none. */
async function openVersion(deps: AppDeps, c: Context<AppEnv>): Promise<{ info: StoredVersionInfo; records: JsonRecord[] }> {
  const raw = c.req.param('v') ?? ''
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN
  const boardId = c.get('board').id
  const got = Number.isSafeInteger(id) && id > 0 ? await deps.store.getVersion(boardId, id) : null
  if (!got) throw new HttpError(404, 'version not found')
  return { info: got.info, records: await deps.versions.recordsOf(boardId, id) }
}

export const versionRoutes: RouteModule = (app, deps) => {
  app.get('/api/boards/:id/versions', requireRole('viewer'), async (c) =>
    c.json((await deps.store.listVersions(c.get('board').id)).map(versionInfo)),
  )

  app.post('/api/boards/:id/versions', requireRole('editor'), async (c) => {
    const body = parseBody(nameBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const made = await deps.versions.make(boardId, body.reason ?? 'named', { name: body.name ?? null, actor: actorOf(c, body.by) })
    return c.json(versionInfo(made!.info), 201)
  })

  app.get('/api/boards/:id/versions/:v/records', requireRole('viewer'), async (c) => {
    const { info, records } = await openVersion(deps, c)
    const out: VersionRecords = { version: versionInfo(info), records }
    return c.json(out)
  })

  // The version's tree exactly as /export formats the live one (same formats, headers and download names).
  app.get('/api/boards/:id/versions/:v', requireRole('viewer'), async (c) => {
    const format = exportFormat(c)
    const board = c.get('board')
    const { info, records } = await openVersion(deps, c)
    const tree = treeToJson(deriveTree(records), board.title)
    const body = format === 'md' ? treeToOutline(tree) : format === 'csv' ? treeToCsv(tree) : JSON.stringify(tree, null, 2) + '\n'
    return sendExport(c, format, body, `${tree.title}-version-${info.id}`, tree.skipped?.length ?? 0)
  })

  app.post('/api/boards/:id/versions/:v/restore', requireRole('owner'), async (c) => {
    const body = parseBody(restoreBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const { info, records } = await openVersion(deps, c)
    const target = new Map(records.map((r) => [r.id, r]))
    const done = await restoreVersion(deps, boardId, info.id, target, body.ids, actorOf(c, body.by))
    deps.log.info({ boardId, version: info.id, ids: body.ids?.length ?? null, written: done.written, deleted: done.deleted }, 'version restored')
    const out: RestoreResult = { restored: versionInfo(info), ...done }
    return c.json(out)
  })
}
