// Tree connectors, drawn from the data (each child's parentNode) in page space under the cards. They are
// not tldraw shapes: nobody can select, break or sync them; move a card and its lines follow. A card hidden
// by a fold (editor/fold.ts) has no line; cards the compact layout stacks under their parent are joined as
// an indented list: a trunk down their left side with a branch into each card.

import { useEditor, useValue } from '@tldraw/tldraw'
import type { Box, Editor, TLShapeId } from '@tldraw/tldraw'
import type { NodeKind } from '../../shared/model'
import { walkTree } from '../../shared/tree'
import { boardLayout } from '../editor/layout-mode'
import { boardState } from '../editor/state'

export const CONNECTOR_STROKE: Record<NodeKind, string> = {
  outcome: '#6366f1',
  opportunity: '#f59e0b',
  solution: '#10b981',
  assumption: '#ec4899',
}

const KINDS = Object.keys(CONNECTOR_STROKE) as NodeKind[]

/** How far left of a stacked list its trunk runs (half the layout's indent). */
const TRUNK = 16

/** Every connector's path, one string per child kind, between the cards `drawn` accepts. */
export function connectorPaths(editor: Editor, drawn: (id: string) => boolean): { kind: NodeKind; d: string }[] {
  const tree = boardState(editor).tree.get()
  const { stacked } = boardLayout(editor).get()
  const byKind = new Map<NodeKind, string[]>(KINDS.map((kind) => [kind, []]))
  const bounds = (id: string) => editor.getShapePageBounds(id as TLShapeId)
  // A list's column tops: where the line from its parent meets the trunk of each column.
  const columnTop = new Map<string, number>()
  const columnKey = (parentId: string, b: Box) => `${parentId} ${Math.round(b.minX)}`
  if (stacked.size) {
    for (const node of walkTree(tree)) {
      if (!node.parentId || !stacked.has(node.id) || stacked.has(node.parentId)) continue
      const b = bounds(node.id)
      if (!b) continue
      const key = columnKey(node.parentId, b)
      columnTop.set(key, Math.min(columnTop.get(key) ?? Infinity, b.minY))
    }
  }
  for (const node of walkTree(tree)) {
    if (!node.parentId || !drawn(node.id) || !drawn(node.parentId)) continue
    const a = bounds(node.parentId)
    const b = bounds(node.id)
    if (!a || !b) continue
    let d: string
    if (stacked.has(node.id) && b.minY > a.maxY) {
      if (stacked.has(node.parentId)) {
        // Within a list: down from under the parent, into the card's left side.
        const x = a.minX + TRUNK
        d = `M ${x} ${a.maxY} L ${x} ${b.midY} L ${b.minX} ${b.midY}`
      } else {
        // The head of a list: from the parent down to its column's trunk, then into the card.
        const x = b.minX - TRUNK
        const top = columnTop.get(columnKey(node.parentId, b)) ?? b.minY
        const dy = Math.max(24, (top - a.maxY) / 2)
        d = `M ${a.midX} ${a.maxY} C ${a.midX} ${a.maxY + dy}, ${x} ${top - dy}, ${x} ${top} L ${x} ${b.midY} L ${b.minX} ${b.midY}`
      }
    } else {
      const dy = Math.max(24, (b.minY - a.maxY) / 2)
      d = `M ${a.midX} ${a.maxY} C ${a.midX} ${a.maxY + dy}, ${b.midX} ${b.minY - dy}, ${b.midX} ${b.minY}`
    }
    byKind.get(node.kind)!.push(d)
  }
  return KINDS.filter((kind) => byKind.get(kind)!.length).map((kind) => ({ kind, d: byKind.get(kind)!.join(' ') }))
}

/** One path per child kind (the line into a card takes the card's colour): four elements, not one per
 *  card, however big the board. */
export function Connectors() {
  const editor = useEditor()
  const paths = useValue('connectors', () => connectorPaths(editor, (id) => !editor.isShapeHidden(id as TLShapeId)), [editor])
  if (!paths.length) return null
  return (
    <svg className="ob-connectors" aria-hidden>
      {paths.map((p) => (
        <path key={p.kind} d={p.d} stroke={CONNECTOR_STROKE[p.kind]} data-kind={p.kind} />
      ))}
    </svg>
  )
}
