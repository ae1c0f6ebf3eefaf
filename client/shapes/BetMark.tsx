// The mark on every card of the locked bet's path: a gold ring and a tab above the card ("★ The bet" on the
// solution, "Bet path" on its outcome, opportunities and assumptions). Read from the document's bet, so it
// appears and clears for everyone at once.

import { LockGlyph } from '../ui/LockGlyph'
import { betPathIds, lockedBet } from '../editor/bet'

/** A card's part in the locked bet (reactive: read inside a computed or useValue). */
export function betRole(id: string): 'bet' | 'path' | null {
  if (!betPathIds.get().has(id)) return null
  return lockedBet.get()?.solutionId === id ? 'bet' : 'path'
}

export function BetMark({ role }: { role: 'bet' | 'path' }) {
  return (
    <div className={`ob-betmark ob-betmark--${role}`} data-testid="bet-mark" data-bet-role={role} aria-hidden>
      <span className="ob-betmark__tab" title="Locked: part of the team’s bet. The owner can unlock it.">
        {role === 'bet' ? '★ The bet' : '★ Bet path'} <LockGlyph size={11} />
      </span>
    </div>
  )
}
