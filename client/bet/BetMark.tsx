// The mark on every card of the locked bet's path: a gold ring and a tab above the card ("★ The bet" on the
// solution, "Bet path" on its outcome, opportunities and assumptions). Read from the document's bet, so it
// appears and clears for everyone at once.

import { useValue } from '@tldraw/tldraw'
import { betPathIds, lockedBet } from './state'
import { LockGlyph } from './LockGlyph'

export function BetMark({ id }: { id: string }) {
  const role = useValue(
    'bet mark',
    () => {
      if (!betPathIds.get().has(id)) return null
      return lockedBet.get()?.solutionId === id ? 'bet' : 'path'
    },
    [id],
  )
  if (!role) return null
  return (
    <div className={`ob-betmark ob-betmark--${role}`} data-testid="bet-mark" data-bet-role={role} aria-hidden>
      <span className="ob-betmark__tab" title="Locked: part of the team’s bet. The owner can unlock it.">
        {role === 'bet' ? '★ The bet' : '★ Bet path'} <LockGlyph size={11} />
      </span>
    </div>
  )
}
