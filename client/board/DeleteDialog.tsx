// Deleting a node with children asks what happens to them: delete the whole branch, or keep the children by
// moving them up to the deleted node's parent.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect, useRef } from 'react'
import { subtreeIds } from '../../shared/tree'
import { deleteNodes } from '../editor/actions'
import { boardState, pendingDelete } from '../editor/state'
import { KIND_LABEL } from '../editor/kinds'

export function DeleteDialog({ editor }: { editor: Editor }) {
  const ids = useValue('pending delete', () => pendingDelete.get(), [])
  const firstButton = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (ids) firstButton.current?.focus()
  }, [ids])
  if (!ids) return null
  const tree = boardState(editor).tree.get()
  const nodes = ids.map((id) => tree.byId.get(id)).filter((n) => !!n)
  const descendants = new Set<string>()
  for (const n of nodes) for (const d of subtreeIds(tree, n.id)) if (!ids.includes(d)) descendants.add(d)
  const name = nodes.length === 1 ? `“${nodes[0].props.title || `Untitled ${KIND_LABEL[nodes[0].kind].toLowerCase()}`}”` : `${nodes.length} cards`
  const close = () => pendingDelete.set(null)
  const run = (mode: 'subtree' | 'lift') => {
    close()
    deleteNodes(editor, ids, mode)
  }
  return (
    <div className="ob-backdrop" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="ob-dialog" role="alertdialog" aria-modal="true" aria-labelledby="ob-delete-title">
        <h2 id="ob-delete-title">Delete {name}?</h2>
        <p>
          It has {descendants.size} {descendants.size === 1 ? 'card' : 'cards'} below it. What should happen to them?
        </p>
        <div className="ob-dialog__actions ob-dialog__actions--stack">
          <button ref={firstButton} className="ob-btn" onClick={() => run('lift')} data-action="lift">
            Keep them — move the children up one level
          </button>
          <button className="ob-btn ob-btn--danger" onClick={() => run('subtree')} data-action="subtree">
            Delete the whole branch ({descendants.size + nodes.length} cards)
          </button>
          <button className="ob-btn ob-btn--ghost" onClick={close} data-action="cancel">
            Cancel
          </button>
        </div>
      </div>
    </div>
  )
}
