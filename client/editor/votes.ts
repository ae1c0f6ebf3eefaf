// What the cards and the scoring view read of the live voting round. The facilitation feature publishes its
// session here while a board is mounted, so the canvas shows votes without depending on facilitation.

import { atom } from '@tldraw/tldraw'
import type { Atom } from '@tldraw/tldraw'
import type { PublicRound, VoteResult } from '../../shared/voting'

interface Signal<T> {
  get(): T
}

export interface CardVoting {
  /** The round people are voting in now, or null. */
  readonly openRound: Signal<PublicRound | null>
  /** Whether this person may vote in it (a viewer can be kept out). */
  readonly canVote: Signal<boolean>
  /** This person's own dots by node id. */
  readonly mine: Signal<Record<string, number>>
  readonly votesLeft: Signal<number>
  /** Revealed vote counts by node id; null while a round is open or none was revealed. */
  readonly counts: Signal<Map<string, VoteResult> | null>
  /** Add (1) or take back (−1) one of this person's votes on a card; a refusal explains itself. */
  vote(nodeId: string, delta: 1 | -1): Promise<void>
}

export const cardVoting: Atom<CardVoting | null> = atom('card voting', null as CardVoting | null)
