// Tree connectors, drawn from the data (each child's parentNode) in page space under the cards. They are
// not tldraw shapes: nobody can select, break or sync them; move a card and its lines follow.

import { useEditor, useValue } from '@tldraw/tldraw'
import type { TLShapeId } from '@tldraw/tldraw'
import type { NodeKind } from '../../shared/model'
import { walkTree } from '../../shared/tree'
import { boardState } from './state'

const STROKE: Record<NodeKind, string> = {
  outcome: '#6366f1',
  opportunity: '#f59e0b',
  solution: '#10b981',
  assumption: '#ec4899',
}

const KINDS = Object.keys(STROKE) as NodeKind[]

/** One path per child kind (the line into a card takes the card's colour): four elements, not one per
 *  card, however big the board. */
export function Connectors() {
  const editor = useEditor()
  const paths = useValue(
    'connectors',
    () => {
      const tree = boardState(editor).tree.get()
      const byKind = new Map<NodeKind, string[]>(KINDS.map((kind) => [kind, []]))
      for (const node of walkTree(tree)) {
        if (!node.parentId) continue
        const a = editor.getShapePageBounds(node.parentId as TLShapeId)
        const b = editor.getShapePageBounds(node.id as TLShapeId)
        if (!a || !b) continue
        const x1 = a.midX
        const y1 = a.maxY
        const x2 = b.midX
        const y2 = b.minY
        const dy = Math.max(24, (y2 - y1) / 2)
        byKind.get(node.kind)!.push(`M ${x1} ${y1} C ${x1} ${y1 + dy}, ${x2} ${y2 - dy}, ${x2} ${y2}`)
      }
      return KINDS.filter((kind) => byKind.get(kind)!.length).map((kind) => ({ kind, d: byKind.get(kind)!.join(' ') }))
    },
    [editor],
  )
  if (!paths.length) return null
  return (
    <svg className="ob-connectors" aria-hidden>
      {paths.map((p) => (
        <path key={p.kind} d={p.d} stroke={STROKE[p.kind]} data-kind={p.kind} />
      ))}
    </svg>
  )
}
