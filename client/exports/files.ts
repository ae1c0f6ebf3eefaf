// Getting text and pictures out of the browser: copy to the clipboard (with a fallback for browsers or
// contexts that refuse the async clipboard) and download as a file, without any server round trip.

import { getSvgAsImage } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { betToJiraCsv, betToJson, betToMarkdown } from '../../shared/bet'
import type { LockedBet } from '../../shared/bet'
import { treeToCsv } from '../../shared/formats/csv'
import { boardState } from '../editor/state'
import { CONNECTOR_STROKE, connectorPaths } from '../shapes/Connectors'

export type TextFormat = 'md' | 'json' | 'csv'

export const FORMAT_LABEL: Record<TextFormat, string> = { md: 'Markdown', json: 'JSON', csv: 'CSV' }
const MIME: Record<TextFormat, string> = {
  md: 'text/markdown;charset=utf-8',
  json: 'application/json;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    // Not allowed here (no permission, not focused): the old way still works from a click.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('The browser did not allow copying')
}

export function fileName(base: string, ext: string) {
  const safe = base.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'board'
  return `${safe}.${ext}`
}

export function downloadBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadText(text: string, base: string, format: TextFormat) {
  downloadBlob(new Blob([text], { type: MIME[format] }), fileName(base, format))
}

/** The tree export's format code (the export menu asks for it when it opens, so a click finds it here). */
export const loadTreeFormats = () =>
  import('../platform/zod-jitless').then(() => Promise.all([import('../../shared/formats/tree-json'), import('../../shared/formats/outline')]))

/** The whole tree as the server's GET /export would give it (same shared functions, from the live doc). The
 *  Tree JSON and outline modules load on first use: they share theirs with the import validators, whose schema
 *  library would otherwise be loaded and evaluated with every board. */
export async function treeExport(editor: Editor, title: string, format: TextFormat): Promise<string> {
  const [{ treeToJson }, { treeToOutline }] = await loadTreeFormats()
  const json = treeToJson(boardState(editor).tree.get(), title)
  if (format === 'md') return treeToOutline(json)
  if (format === 'csv') return treeToCsv(json)
  return JSON.stringify(json, null, 2) + '\n'
}

/** The bet's exports link to the board's view link (read-only; they say it grants read access), as the
 *  server's GET /bet/export does. A link without a token only says "This link has no token", so without the
 *  view link (an editor offline who never opened the board online) the export is refused. */
export function betExport(bet: LockedBet, viewUrl: string | undefined, format: TextFormat): string {
  if (!viewUrl) throw new Error('the board’s view link is not known here yet: open the board online once')
  const opts = { boardUrl: viewUrl }
  if (format === 'md') return betToMarkdown(bet, opts)
  if (format === 'csv') return betToJiraCsv(bet, opts)
  return JSON.stringify(betToJson(bet, opts), null, 2) + '\n'
}

/** The tree's connectors as SVG paths in page space (on the canvas they are an overlay, not shapes), drawn
 *  as on the canvas (board/Connectors.tsx); cards a fold hides are not in the picture, nor their lines. */
function exportConnectorPaths(editor: Editor, drawn: ReadonlySet<string>): string {
  const out = connectorPaths(editor, (id) => drawn.has(id) && !editor.isShapeHidden(id as TLShapeId)).map(
    ({ kind, d }) => `<path d="${d}" stroke="${CONNECTOR_STROKE[kind]}" fill="none" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" opacity="0.7"/>`,
  )
  return out.length ? `<g class="ob-export-connectors">${out.join('')}</g>` : ''
}

/** The shapes a picture shows: the selection when there is one, else everything on the page. Ids, not the
 *  viewport: tldraw's export draws each shape whether it is on screen or not (the cards draw themselves in
 *  full while exported, see NodeCard). */
export function pictureShapeIds(editor: Editor): TLShapeId[] {
  const selected = editor.getSelectedShapeIds()
  return selected.length ? [...selected] : [...editor.getCurrentPageShapeIds()]
}

/** A picture of the whole tree or the selection (cards, the connectors between them, notes around them) via
 *  tldraw's export, whatever the viewport. */
export async function treePicture(editor: Editor, format: 'png' | 'svg'): Promise<Blob> {
  const ids = pictureShapeIds(editor)
  if (!ids.length) throw new Error('The board is empty: nothing to draw')
  const result = await editor.getSvgString(ids, { background: true, padding: 32 })
  if (!result) throw new Error('Nothing to draw')
  // The export's viewBox is in page coordinates, so the connectors go in as they are, under the cards.
  const lines = exportConnectorPaths(editor, new Set<string>(ids))
  const defs = /<\/defs>|<defs[^>]*\/>/.exec(result.svg)
  const svg = defs
    ? result.svg.slice(0, defs.index + defs[0].length) + lines + result.svg.slice(defs.index + defs[0].length)
    : result.svg.replace(/(<svg[^>]*>)/, `$1${lines}`)
  if (format === 'svg') return new Blob([svg], { type: 'image/svg+xml' })
  const png = await getSvgAsImage(svg, { type: 'png', width: result.width, height: result.height, pixelRatio: 2 })
  if (!png) throw new Error('The browser could not draw the picture')
  return png
}
