// Voting on a card. During an open round every candidate card shows this person's own dots and + / − (or
// select the card and press V / Shift+V); nobody sees anyone else's votes. A view link in a round the
// facilitator kept to the team sees no controls. After the reveal every card that was voted on shows its
// count (read from the document, so it stays with the board). The round comes from editor/votes.ts.

import { useValue } from '@tldraw/tldraw'
import { cardVoting } from '../editor/votes'

export function VoteBadge({ id }: { id: string }) {
  const state = useValue(
    'vote badge',
    () => {
      const session = cardVoting.get()
      if (!session) return null
      const round = session.openRound.get()
      if (round) {
        // A viewer kept out of the round sees no vote controls (the round bar says why).
        if (!round.candidates.includes(id) || !session.canVote.get()) return null
        return {
          mode: 'voting' as const,
          mine: session.mine.get()[id] ?? 0,
          left: session.votesLeft.get(),
          allowMultiple: round.allowMultiple,
        }
      }
      const result = session.counts.get()?.get(id)
      return result ? { mode: 'result' as const, votes: result.votes, rank: result.rank } : null
    },
    [id],
  )
  if (!state) return null
  const session = cardVoting.get()!
  if (state.mode === 'result') {
    return (
      <span
        className={`ob-votecount${state.rank === 1 && state.votes > 0 ? ' is-top' : ''}${state.votes === 0 ? ' is-zero' : ''}`}
        data-testid="vote-count"
        data-votes={state.votes}
        title={`${state.votes} ${state.votes === 1 ? 'vote' : 'votes'} · rank ${state.rank}`}
      >
        <span className="ob-votecount__dot" aria-hidden />
        {state.votes}
      </span>
    )
  }
  const canAdd = state.left > 0 && (state.allowMultiple || state.mine === 0)
  const stop = (e: React.PointerEvent | React.MouseEvent) => e.stopPropagation()
  return (
    <div className="ob-vote" data-testid="vote" data-mine={state.mine} onPointerDown={stop} onPointerUp={stop} onDoubleClick={stop}>
      {state.mine > 0 && (
        <button
          className="ob-vote__btn ob-vote__btn--minus"
          aria-label="Take back one vote"
          title="Take back one vote (Shift+V)"
          onClick={(e) => {
            e.stopPropagation()
            void session.vote(id, -1)
          }}
        >
          −
        </button>
      )}
      <span className="ob-vote__mine" aria-label={`Your votes: ${state.mine}`}>
        {state.mine > 0 ? Array.from({ length: Math.min(state.mine, 5) }, (_, i) => <span key={i} className="ob-votedot is-mine" />) : null}
        {state.mine > 5 && <small>×{state.mine}</small>}
      </span>
      <button
        aria-label="Add a vote"
        title={canAdd ? 'Add a vote (V) · Alt-click to take one back' : state.left <= 0 ? 'No votes left' : 'One vote per card in this round'}
        className={`ob-vote__btn ob-vote__btn--plus${canAdd ? '' : ' is-disabled'}`}
        onClick={(e) => {
          e.stopPropagation()
          // Alt-click takes one back; a refused add explains itself (no votes left, one per card).
          void session.vote(id, e.altKey ? -1 : 1)
        }}
      >
        + Vote
      </button>
    </div>
  )
}
