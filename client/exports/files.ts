// The live tree as an export, made in the browser without a server round trip: as text in any export format,
// and as a picture (PNG or SVG) with the connectors drawn in.

import { getSvgAsImage } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { treeToCsv } from '../../shared/formats/csv'
import type { ExportFormat } from '../../shared/formats/export-format'
import { boardState } from '../editor/state'
import { CONNECTOR_STROKE, connectorPaths } from '../shapes/Connectors'

/** The tree export's format code (the export menu asks for it when it opens, so a click finds it here). */
export const loadTreeFormats = () =>
  import('../platform/zod-jitless').then(() => Promise.all([import('../../shared/formats/tree-json'), import('../../shared/formats/outline')]))

/** The whole tree as the server's GET /export would give it (same shared functions, from the live doc). The
 *  Tree JSON and outline modules load on first use: they share theirs with the import validators, whose schema
 *  library would otherwise be loaded and evaluated with every board. */
export async function treeExport(editor: Editor, title: string, format: ExportFormat): Promise<string> {
  const [{ treeToJson }, { treeToOutline }] = await loadTreeFormats()
  const json = treeToJson(boardState(editor).tree.get(), title)
  if (format === 'md') return treeToOutline(json)
  if (format === 'csv') return treeToCsv(json)
  return JSON.stringify(json, null, 2) + '\n'
}

/** The tree's connectors as SVG paths in page space (on the canvas they are an overlay, not shapes), drawn
 *  as on the canvas (shapes/Connectors.tsx); cards a fold hides are not in the picture, nor their lines. */
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
