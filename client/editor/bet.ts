// The locked bet as this browser sees it. The bet is read from the Yjs document (`board.bet`, written only
// by the server), so every client shows the same thing live; cards, panels and exports read it from here.

import { atom, computed } from '@tldraw/tldraw'
import { betPathIds as pathIdsOf } from '../../shared/bet'
import type { LockedBet } from '../../shared/bet'

export const lockedBet = atom<LockedBet | null>('locked bet', null)

/** Ids of the shapes on the locked bet's path (outcome, opportunities, solution, its assumptions). */
export const betPathIds = computed('bet path ids', () => {
  const bet = lockedBet.get()
  return new Set<string>(bet ? pathIdsOf(bet) : [])
})
