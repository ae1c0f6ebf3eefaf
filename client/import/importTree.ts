// Reading a markdown outline or Tree JSON into the open board. Parsing is the shared code the server uses for
// new boards (line-numbered errors for outlines, line/column or JSON paths for Tree JSON); nothing touches
// the board unless the whole input is valid. Imported trees go beside the existing ones, then the tidy
// layout places everything.

import type { Editor, TLShapeId, TLShapePartial } from '@tldraw/tldraw'
import { generateNKeysBetween } from 'fractional-indexing'
import { parseOutline } from '../../shared/formats/outline'
import '../platform/zod-jitless'
import { parseTreeJson, treeJsonToRecords } from '../../shared/formats/tree-json'
import type { ParseResult, TreeJson, TreeJsonNode } from '../../shared/formats/tree-json'
import type { NodeShapeRecord } from '../../shared/model'
import { relayout } from '../editor/actions'
import { boardState } from '../editor/state'

export type ImportFormat = 'outline' | 'json'

/** Tree JSON starts with `{`; anything else is read as an outline. */
export function detectFormat(text: string): ImportFormat {
  return /^\s*[{[]/.test(text.replace(/^\uFEFF/, '')) ? 'json' : 'outline'
}

/** The parsed input, its format, and (outlines) how many items had their kind inferred from depth. */
export type ImportResult = ParseResult<TreeJson> & { format: ImportFormat; inferred?: number }

export function parseImport(text: string, format: ImportFormat = detectFormat(text)): ImportResult {
  if (!text.trim()) return { ok: false, errors: ['Nothing to import: paste an outline or Tree JSON, or choose a file.'], format }
  const result = format === 'json' ? parseTreeJson(text.replace(/^\uFEFF/, '')) : parseOutline(text)
  return { ...result, format }
}

export function countNodes(nodes: readonly TreeJsonNode[]): Record<TreeJsonNode['kind'], number> & { total: number } {
  const counts = { outcome: 0, opportunity: 0, solution: 0, assumption: 0, total: 0 }
  const stack = [...nodes]
  while (stack.length) {
    const n = stack.pop()!
    counts[n.kind]++
    counts.total++
    stack.push(...n.children)
  }
  return counts
}

/** Ids already on the board are replaced by fresh ones, so importing a board's own export adds a copy. */
function withoutTakenIds(nodes: TreeJsonNode[], taken: (id: string) => boolean): TreeJsonNode[] {
  return nodes.map((n) => {
    const { id, ...rest } = n
    const keep = id && !taken(id)
    return { ...rest, ...(keep ? { id } : {}), children: withoutTakenIds(n.children, taken) } as TreeJsonNode
  })
}

/** Adds the tree's nodes to the board as new roots after the existing ones; returns the new shape ids. */
export function importTree(editor: Editor, tree: TreeJson): TLShapeId[] {
  if (editor.getIsReadonly()) throw new Error('This is a read-only link: you can look, not import.')
  const roots = withoutTakenIds(tree.roots, (id) => !!editor.getShape(id as TLShapeId))
  const records = treeJsonToRecords({ title: tree.title, roots }) as NodeShapeRecord[]
  // New roots go after the board's own, in the imported order.
  const existing = boardState(editor).tree.get().roots.filter((r) => !r.detachedReason)
  const last = existing.length ? existing[existing.length - 1].props.order : null
  const newRoots = records.filter((r) => !r.props.parentNode)
  let orders: string[]
  try {
    orders = generateNKeysBetween(last, null, newRoots.length)
  } catch {
    orders = generateNKeysBetween(null, null, newRoots.length).map((k) => `${last ?? ''}${k}`)
  }
  newRoots.forEach((r, i) => (r.props = { ...r.props, order: orders[i] }))

  // Start them right of everything so the layout animation reads as "added beside".
  const bounds = editor.getCurrentPageBounds()
  const dx = bounds ? bounds.maxX + 160 : 0
  const dy = bounds ? bounds.minY : 0
  const pageId = editor.getCurrentPageId()
  const partials = records.map(
    (r) => ({ id: r.id as TLShapeId, type: r.type, x: r.x + dx, y: r.y + dy, parentId: pageId, props: r.props }) as TLShapePartial,
  )
  editor.run(() => {
    editor.createShapes(partials)
    editor.select(...newRoots.map((r) => r.id as TLShapeId))
  })
  relayout(editor, { animate: false })
  const ids = records.map((r) => r.id as TLShapeId)
  const box = editor.getShapesPageBounds(ids)
  if (box) editor.zoomToBounds(box, { inset: 80, animation: { duration: 300 }, targetZoom: Math.min(1, editor.getZoomLevel()) })
  return ids
}
