// Scoring actions in the node panel: sort the selected node's children by score, and open the compare view
// for an opportunity's solutions (from the opportunity or from one of its solutions).

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { atom } from '@tldraw/tldraw'
import type { TreeNode } from '../../shared/tree'
import { boardState } from '../editor/state'
import { CompareView } from './CompareView'
import { sortChildrenByScore, sortableChildren } from './sort'

/** The opportunity whose solutions the compare view shows (null when closed). */
export const comparing = atom<string | null>('comparing opportunity', null)

export function ScoringTools({ editor, node }: { editor: Editor; node: TreeNode }) {
  const readonly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const sortable = useValue('sortable', () => sortableChildren(editor, node.id).length, [editor, node.id])
  const opportunityId = node.kind === 'opportunity' ? node.id : node.kind === 'solution' ? node.parentId : null
  const solutions = useValue(
    'solutions to compare',
    () => (opportunityId ? (boardState(editor).tree.get().byId.get(opportunityId)?.children.filter((c) => c.kind === 'solution').length ?? 0) : 0),
    [editor, opportunityId],
  )
  if (sortable < 2 && !solutions) return null
  return (
    <div className="ob-scoring-tools">
      {solutions > 0 && opportunityId && (
        <button className="ob-btn ob-small" onClick={() => comparing.set(opportunityId)} data-action="compare-solutions">
          ⇆ Compare {solutions} {solutions === 1 ? 'solution' : 'solutions'}
        </button>
      )}
      {!readonly && sortable >= 2 && (
        <button
          className="ob-btn ob-small"
          onClick={() => sortChildrenByScore(editor, node.id)}
          title="Put the children in order, highest score first (unscored last)"
          data-action="sort-by-score"
        >
          ↓ Sort children by score
        </button>
      )}
    </div>
  )
}

/** Mounted once next to the board: the compare view when one is open. */
export function CompareHost({ editor }: { editor: Editor }) {
  const id = useValue('comparing', () => comparing.get(), [])
  if (!id) return null
  return <CompareView editor={editor} opportunityId={id} onClose={() => comparing.set(null)} />
}
