// In the node panel: "Lock in as the bet…" on a solution (editors and owner; a view link sees it disabled with
// the reason), and a note on every card of the locked path that it is locked and who can unlock it.

import { useValue } from '@tldraw/tldraw'
import type { TreeNode } from '../../shared/tree'
import { LockGlyph } from '../ui/LockGlyph'
import { boardContext, canEditBoard } from '../editor/board-context'
import { betPathIds, lockedBet } from '../editor/bet'
import { lockDialogFor, openDrawer } from './state'

export function BetNodeSection({ node }: { node: TreeNode }) {
  const ctx = useValue('bet context', () => boardContext.get(), [])
  const bet = useValue('locked bet', () => lockedBet.get(), [])
  const onPath = useValue('on bet path', () => betPathIds.get().has(node.id), [node.id])
  if (!ctx) return null
  if (onPath && bet) {
    return (
      <div className="ob-betnote" data-testid="bet-note">
        <span>
          <LockGlyph /> {bet.solutionId === node.id ? 'This is the locked bet.' : 'On the locked bet’s path.'} Locked for everyone
          {ctx.role === 'owner' ? ' — you can unlock it from the bet panel.' : '; only the owner can unlock it.'}
        </span>
        <button className="ob-btn ob-small" onClick={() => openDrawer.set('bet')} data-action="open-bet">
          Open the bet
        </button>
      </div>
    )
  }
  if (node.kind !== 'solution') return null
  const allowed = canEditBoard(ctx)
  const why = !allowed ? 'A view link cannot lock the bet' : bet ? `Another bet is locked (“${bet.title}”): the owner must unlock it first` : 'Review the path and its open questions, then commit to this solution'
  return (
    <div className="ob-betlock">
      <button
        className="ob-btn ob-btn--bet ob-small"
        onClick={() => lockDialogFor.set(node.id)}
        disabled={!allowed}
        title={why}
        data-action="lock-bet"
      >
        ★ Lock in as the bet…
      </button>
      {bet && allowed && <span className="ob-muted ob-small">Another bet is locked.</span>}
    </div>
  )
}
