// Everything a live session adds to the board page: the voting round bar, the revealed results, the start
// round dialog, summons and follow banners, the flash at zero, and V / Shift+V to vote on the selected card.
// Mounted once per board by BoardEditor; the session itself is published in `currentSession` so the top bar
// and the cards (rendered deep inside tldraw) can read it.

import { getUserPreferences, useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'
import { TARGET_LABEL } from '../../shared/voting'
import type { Role } from '../platform/api'
import { focusNode, selectedNode } from '../editor/actions'
import { boardState } from '../editor/state'
import { cardVoting } from '../editor/votes'
import type { BoardSync } from '../sync/BoardSync'
import { FacilitationSession, currentSession } from './session'
import { StartRoundDialog } from './StartRoundDialog'
import { TimesUpFlash } from './TimerWidget'

declare global {
  interface Window {
    facilitation?: FacilitationSession
  }
}

export function Facilitation({ boardId, token, role, sync, editor }: { boardId: string; token: string; role: Role | null; sync: BoardSync; editor: Editor }) {
  const [session, setSession] = useState<FacilitationSession | null>(null)
  useEffect(() => {
    const s = new FacilitationSession({ boardId, token, role, sync })
    s.attach(editor)
    currentSession.set(s)
    cardVoting.set(s)
    window.facilitation = s
    setSession(s)
    const uninstallKeys = installVoteKeys(editor, s)
    return () => {
      uninstallKeys()
      s.destroy()
      if (currentSession.get() === s) currentSession.set(null)
      if (cardVoting.get() === s) cardVoting.set(null)
      if (window.facilitation === s) delete window.facilitation
    }
  }, [boardId, token, role, sync, editor])
  if (!session) return null
  // Centred over the canvas (not the window), whatever side panels are open.
  const canvas = editor.getContainer().parentElement ?? document.body
  return (
    <>
      {createPortal(
        <div className="ob-session-stack">
          <FollowBanner editor={editor} />
          <SummonToast session={session} />
          <RoundBar session={session} editor={editor} />
          <ResultsPanel session={session} editor={editor} />
        </div>,
        canvas,
      )}
      <StartRoundDialog session={session} editor={editor} />
      <TimesUpFlash session={session} />
    </>
  )
}

/** The facilitator's display name, sent with a summons ("Dana brought everyone here"). */
export function myName() {
  return getUserPreferences().name?.trim() || 'The facilitator'
}

function VoteDots({ used, total }: { used: number; total: number }) {
  if (total > 10) return null
  return (
    <span className="ob-votedots" aria-hidden>
      {Array.from({ length: total }, (_, i) => (
        <span key={i} className={`ob-votedot${i < total - used ? ' is-left' : ''}`} />
      ))}
    </span>
  )
}

function RoundBar({ session, editor }: { session: FacilitationSession; editor: Editor }) {
  const round = useValue('open round', () => session.openRound.get(), [session])
  const left = useValue('votes left', () => session.votesLeft.get(), [session])
  const canVote = useValue('can vote', () => session.canVote.get(), [session])
  const scopeTitle = useValue(
    'round scope',
    () => (round?.scopeId ? (boardState(editor).tree.get().byId.get(round.scopeId)?.props.title ?? null) : null),
    [editor, round?.scopeId],
  )
  if (!round) return null
  const used = round.votesPerPerson - left
  return (
    // On a narrow canvas (a side panel open at 1024 px) the bar's parts wrap rather than spill out of it.
    <section className="ob-roundbar" aria-label="Dot voting round" data-testid="round-bar" style={{ flexWrap: 'wrap', rowGap: 6 }}>
      <div className="ob-roundbar__what">
        <span className="ob-roundbar__icon" aria-hidden>
          ●
        </span>
        <div title={session.isFacilitator || !canVote ? undefined : 'Click + Vote on a card, or select it and press V (Shift+V or Alt-click takes one back). Votes stay hidden until the facilitator reveals them.'}>
          <strong>Dot voting on {TARGET_LABEL[round.target]}</strong>
          <span className="ob-muted ob-small ob-roundbar__sub">
            {scopeTitle ? `under “${scopeTitle}” · ` : ''}
            {round.allowMultiple ? 'stack votes if you like' : 'one vote per card'}
            {round.viewersCanVote === false ? ' · the team votes, view links watch' : ''} · hidden until the reveal
          </span>
        </div>
      </div>
      {canVote ? (
        <div className="ob-roundbar__mine" data-testid="votes-left" data-votes-left={left}>
          <VoteDots used={used} total={round.votesPerPerson} />
          <span>
            <strong>{left}</strong> {left === 1 ? 'vote' : 'votes'} left
          </span>
        </div>
      ) : (
        <div className="ob-roundbar__mine" data-testid="viewers-kept-out" title="The facilitator kept this round to the team: only the edit and owner links vote">
          <span>
            <strong>You’re watching</strong> · view links don’t vote in this round
          </span>
        </div>
      )}
      <div className="ob-roundbar__voters" data-testid="voters" data-voters={round.voters}>
        {round.voters} {round.voters === 1 ? 'person' : 'people'} voted
      </div>
      {session.isFacilitator ? (
        <div className="ob-roundbar__actions">
          <button className="ob-btn ob-btn--primary ob-small" onClick={() => void session.reveal()} data-action="reveal-votes">
            Reveal votes
          </button>
          <button className="ob-btn ob-btn--ghost ob-small" onClick={() => void session.cancel()} data-action="cancel-round">
            Cancel
          </button>
        </div>
      ) : null}
    </section>
  )
}

function ResultsPanel({ session, editor }: { session: FacilitationSession; editor: Editor }) {
  const open = useValue('results open', () => session.resultsOpen.get(), [session])
  const revealed = useValue('revealed', () => session.revealed.get(), [session])
  const round = useValue('round', () => session.round.get(), [session])
  const inRound = useValue('in round', () => !!session.openRound.get(), [session])
  // The document's copy is the board's record; the round event may arrive a moment before it.
  const results = revealed?.results ?? (round?.status === 'revealed' ? round.results : null)
  const target = revealed?.target ?? round?.target ?? 'solution'
  if (!open || inRound || !results?.length) return null
  const max = Math.max(1, ...results.map((r) => r.votes))
  const total = results.reduce((a, r) => a + r.votes, 0)
  return (
    <section className="ob-results" aria-label="Voting results" data-testid="results">
      <header className="ob-results__head">
        <div>
          <strong>Voting results · {TARGET_LABEL[target]}</strong>
          <span className="ob-muted ob-small">
            {total} {total === 1 ? 'vote' : 'votes'}
            {round?.status === 'revealed' ? ` from ${round.voters} ${round.voters === 1 ? 'person' : 'people'}` : ''} · a signal for discussion, not a verdict
          </span>
        </div>
        <button className="ob-btn ob-btn--ghost ob-small" aria-label="Close results" onClick={() => session.resultsOpen.set(false)}>
          ✕
        </button>
      </header>
      <ol className="ob-results__list">
        {results.map((r) => (
          <li key={r.nodeId} className={r.rank === 1 && r.votes > 0 ? 'is-top' : ''} data-node-id={r.nodeId} data-votes={r.votes}>
            <span className="ob-results__rank">{r.rank}</span>
            <button className="ob-results__title" onClick={() => focusNode(editor, r.nodeId)} title="Show on the board">
              {boardState(editor).tree.get().byId.get(r.nodeId)?.props.title || r.title}
            </button>
            <span className="ob-results__bar" aria-hidden>
              <span style={{ width: `${(r.votes / max) * 100}%` }} />
            </span>
            <span className="ob-results__votes">{r.votes}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}

function SummonToast({ session }: { session: FacilitationSession }) {
  const summons = useValue('summons', () => session.summons.get(), [session])
  useEffect(() => {
    if (!summons) return
    const t = setTimeout(() => {
      if (session.summons.get()?.id === summons.id) session.summons.set(null)
    }, 12_000)
    return () => clearTimeout(t)
  }, [summons, session])
  if (!summons) return null
  return (
    <div className="ob-banner ob-banner--summon" role="status" data-testid="summon-toast">
      <span aria-hidden>◉</span>
      <span>
        <strong>{summons.by}</strong> brought everyone here
      </span>
      <button className="ob-btn ob-btn--ghost ob-small" onClick={() => session.returnFromSummons()}>
        Go back
      </button>
      <button className="ob-banner__close" aria-label="Dismiss" onClick={() => session.summons.set(null)}>
        ×
      </button>
    </div>
  )
}

/** tldraw's people menu starts following; this says so plainly and offers the way out. */
function FollowBanner({ editor }: { editor: Editor }) {
  const following = useValue(
    'following',
    () => {
      const id = editor.getInstanceState().followingUserId
      if (!id) return null
      const person = editor.getCollaborators().find((c) => c.userId === id)
      return { name: person?.userName || 'someone', color: person?.color ?? '#4338ca' }
    },
    [editor],
  )
  if (!following) return null
  return (
    <div className="ob-banner ob-banner--follow" role="status" data-testid="follow-banner" style={{ borderColor: following.color }}>
      <span className="ob-banner__dot" style={{ background: following.color }} aria-hidden />
      <span>
        Following <strong>{following.name}</strong>
      </span>
      <button className="ob-btn ob-small" onClick={() => editor.stopFollowingUser()} data-action="stop-following">
        Stop following
      </button>
    </div>
  )
}

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest?.('.ob-dialog')
}

/** With a candidate card selected: V adds a vote, Shift+V takes one back. */
function installVoteKeys(editor: Editor, session: FacilitationSession): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'v' && e.key !== 'V') return
    if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || editor.getEditingShapeId()) return
    const node = selectedNode(editor)
    if (!node || !session.isCandidate(node.id)) return
    // tldraw binds V to the select tool; while a round is open on this card, V means "vote".
    e.preventDefault()
    e.stopPropagation()
    void session.vote(node.id, e.shiftKey ? -1 : 1)
  }
  window.addEventListener('keydown', onKeyDown, true)
  return () => window.removeEventListener('keydown', onKeyDown, true)
}
