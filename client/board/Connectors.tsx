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

export function Connectors() {
  const editor = useEditor()
  const paths = useValue(
    'connectors',
    () => {
      const tree = boardState(editor).tree.get()
      const out: { key: string; d: string; kind: NodeKind }[] = []
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
        out.push({ key: node.id, kind: node.kind, d: `M ${x1} ${y1} C ${x1} ${y1 + dy}, ${x2} ${y2 - dy}, ${x2} ${y2}` })
      }
      return out
    },
    [editor],
  )
  if (!paths.length) return null
  return (
    <svg className="ob-connectors" aria-hidden>
      {paths.map((p) => (
        <path key={p.key} d={p.d} stroke={STROKE[p.kind]} />
      ))}
    </svg>
  )
}
