// The live session as this browser sees it: the shared timer, the latest voting round (public facts only),
// this voter's own ballot, and the revealed results the server wrote into the document. Loaded with
// GET /session on mount and after every reconnect, then kept current by board events over the websocket.
// State lives in tldraw signals so cards, the top bar and panels re-render from one place.

import { atom, computed, react } from '@tldraw/tldraw'
import type { Atom, Computed, Editor } from '@tldraw/tldraw'
import { IDLE_TIMER } from '../../shared/timer'
import type { TimerAction, TimerState } from '../../shared/timer'
import { VIEWERS_KEPT_OUT, VOTE_TARGETS, mayVote } from '../../shared/voting'
import type { PublicRound, VoteResult, VoteTarget } from '../../shared/voting'
import type { SkippedRecord } from '../../shared/tree'
import type { RoundRequest, SessionView, SummonBounds } from '../../shared/voting'
import { ApiError } from '../platform/api'
import type { Role } from '../platform/api'
import { showNotice } from '../ui/notice'
import type { CardVoting } from '../editor/votes'
import type { BoardEvent, BoardSync } from '../sync/BoardSync'
import { facilitationApi } from './api'

/** What the server writes to `doc.getMap('board').get('votes')` at reveal. */
export interface RevealedVotes {
  roundId: string
  target: VoteTarget
  revealedAt: string
  results: VoteResult[]
}

/** `board.votes` as far as it can be read: the server writes it, but a stored document may hold anything
 *  there (a `null` among the results). Unreadable results are left out and reported, never rendered. */
export function readRevealedVotes(raw: unknown): { votes: RevealedVotes | null; skipped: SkippedRecord[] } {
  if (raw === null || raw === undefined) return { votes: null, skipped: [] }
  const v = raw as Partial<RevealedVotes>
  if (typeof v !== 'object' || Array.isArray(v) || !Array.isArray(v.results) || !(VOTE_TARGETS as readonly unknown[]).includes(v.target)) {
    return { votes: null, skipped: [{ id: 'board.votes', reason: 'the revealed votes could not be read' }] }
  }
  const skipped: SkippedRecord[] = []
  const results = v.results.filter((r: unknown, i: number) => {
    const x = r as VoteResult | null
    const ok = !!x && typeof x === 'object' && typeof x.nodeId === 'string' && typeof x.title === 'string' && Number.isFinite(x.votes) && Number.isFinite(x.rank)
    if (!ok) skipped.push({ id: `board.votes.results[${i}]`, reason: 'a vote result could not be read' })
    return ok
  })
  const votes = { roundId: String(v.roundId ?? ''), target: v.target as VoteTarget, revealedAt: String(v.revealedAt ?? ''), results }
  return { votes, skipped }
}

export interface Summons {
  id: number
  by: string
  bounds: SummonBounds
  /** The camera before we moved, so the person can go back. */
  previous: { x: number; y: number; z: number } | null
}

/** The session of the board on screen (one board per page); null while none is mounted. */
export const currentSession: Atom<FacilitationSession | null> = atom('facilitation session', null as FacilitationSession | null)

export interface SessionOptions {
  boardId: string
  token: string
  role: Role | null
  sync: BoardSync
}

export class FacilitationSession implements CardVoting {
  readonly timer = atom<TimerState>('timer', IDLE_TIMER)
  readonly round = atom<PublicRound | null>('round', null)
  readonly mine = atom<Record<string, number>>('my ballot', {})
  readonly votesLeft = atom('votes left', 0)
  /** serverNow − Date.now() as last seen: add it to the local clock to get server time. */
  readonly offset = atom('server clock offset', 0)
  readonly revealed = atom<RevealedVotes | null>('revealed votes', null)
  readonly summons = atom<Summons | null>('summons', null)
  readonly startDialogOpen = atom('start round dialog', false)
  readonly resultsOpen = atom('results open', false)
  /** The facilitator's timer controls (an idle timer shows only while they are open). */
  readonly timerOpen = atom('timer controls open', false)
  readonly loaded = atom('session loaded', false)
  readonly isFacilitator: boolean

  /** The open round, if any. */
  readonly openRound: Computed<PublicRound | null>
  /** Whether this person may vote in the open round: false for a view link when the facilitator kept
   *  viewers out (the server refuses them too). An unknown role is left to the server. */
  readonly canVote: Computed<boolean>
  /** Revealed vote counts by node id, hidden while a new round is open (old numbers would bias it). */
  readonly counts: Computed<Map<string, VoteResult> | null>

  private disposers: (() => void)[] = []
  private voteQueue: Promise<unknown> = Promise.resolve()
  private ownSummons = 0
  private summonSeq = 0
  private editor: Editor | null = null

  constructor(readonly opts: SessionOptions) {
    this.isFacilitator = opts.role === 'owner'
    this.openRound = computed('open round', () => {
      const round = this.round.get()
      return round && round.status === 'open' ? round : null
    })
    this.canVote = computed('can vote', () => {
      const round = this.openRound.get()
      return !!round && mayVote(round, opts.role ?? 'editor')
    })
    this.counts = computed('revealed counts', () => {
      if (this.openRound.get()) return null
      const revealed = this.revealed.get()
      if (!revealed?.results?.length) return null
      return new Map(revealed.results.map((r) => [r.nodeId, r]))
    })

    const { sync } = opts
    this.disposers.push(sync.onBoardEvent((event) => this.onEvent(event)))
    let lastVotes: unknown = undefined
    const readVotes = () => {
      const raw = sync.board.get('votes')
      if (raw === lastVotes) return // the map changed elsewhere (the bet): nothing new to read or report
      lastVotes = raw
      const { votes, skipped } = readRevealedVotes(raw)
      this.revealed.set(votes)
      sync.reportSkipped(skipped)
    }
    readVotes()
    sync.board.observe(readVotes)
    this.disposers.push(() => sync.board.unobserve(readVotes))

    // Every time the socket is live again, events may have been missed: ask for the whole state.
    let wasLive = false
    this.disposers.push(
      react('session refresh on reconnect', () => {
        const live = sync.connection.get() === 'live'
        if (live && !wasLive) void this.refresh()
        wasLive = live
      }),
    )
    void this.refresh()
  }

  attach(editor: Editor) {
    this.editor = editor
  }

  serverNow() {
    return Date.now() + this.offset.get()
  }

  private noteServerTime(serverNow: unknown) {
    if (typeof serverNow === 'number' && Number.isFinite(serverNow)) this.offset.set(serverNow - Date.now())
  }

  async refresh() {
    try {
      const view: SessionView = await facilitationApi.session(this.opts.boardId, this.opts.token)
      this.noteServerTime(view.serverNow)
      this.timer.set(view.timer ?? IDLE_TIMER)
      this.round.set(view.round)
      this.mine.set(view.mine ?? {})
      this.votesLeft.set(view.votesLeft ?? 0)
      this.loaded.set(true)
    } catch {
      // offline or the server is restarting: the reconnect refresh will catch up
    }
  }

  private onEvent(event: BoardEvent) {
    if (event.type === 'timer' && event.timer && typeof event.timer === 'object') {
      this.noteServerTime(event.serverNow)
      this.timer.set(event.timer as TimerState)
    } else if (event.type === 'round') {
      this.noteServerTime(event.serverNow)
      this.applyRound((event.round as PublicRound | null) ?? null)
    } else if (event.type === 'summon') {
      const bounds = event.bounds as SummonBounds | undefined
      if (!bounds || ![bounds.x, bounds.y, bounds.w, bounds.h].every(Number.isFinite)) return
      if (this.ownSummons > 0) {
        this.ownSummons--
        return // our own summons: we are already there
      }
      this.beSummoned(bounds, typeof event.by === 'string' && event.by ? event.by : 'The facilitator')
    }
  }

  private applyRound(round: PublicRound | null) {
    const before = this.round.get()
    if (!round || round.id !== before?.id) {
      // A new round: a fresh ballot.
      this.mine.set({})
      this.votesLeft.set(round?.status === 'open' ? round.votesPerPerson : 0)
    } else if (round.status !== 'open') {
      this.votesLeft.set(0)
    }
    this.round.set(round)
    if (round?.status === 'revealed' && before?.status === 'open') this.resultsOpen.set(true)
    if (round?.status === 'open' && before?.id !== round.id) this.resultsOpen.set(false)
  }

  // ---- voting (anyone on the board) -------------------------------------------------------------

  myVotes(nodeId: string) {
    return this.mine.get()[nodeId] ?? 0
  }

  isCandidate(nodeId: string) {
    return !!this.openRound.get()?.candidates.includes(nodeId)
  }

  /** Adds (+1) or takes back (−1) one vote; calls run one after another so the ballot never races. */
  vote(nodeId: string, delta: 1 | -1): Promise<void> {
    const run = async () => {
      const round = this.openRound.get()
      if (!round || !round.candidates.includes(nodeId)) return
      if (!this.canVote.get()) {
        showNotice(`${VIEWERS_KEPT_OUT.charAt(0).toUpperCase()}${VIEWERS_KEPT_OUT.slice(1)}.`, 'info')
        return
      }
      if (delta === 1 && this.votesLeft.get() <= 0) {
        showNotice(`You have used all ${round.votesPerPerson} of your votes. Take one back to move it.`, 'info')
        return
      }
      if (delta === 1 && !round.allowMultiple && this.myVotes(nodeId) >= 1) {
        showNotice('This round allows one vote per card.', 'info')
        return
      }
      if (delta === -1 && this.myVotes(nodeId) <= 0) return
      try {
        const ballot = await facilitationApi.vote(this.opts.boardId, this.opts.token, nodeId, delta).catch((error: unknown) => {
          // The server cleared a voter cookie it could not verify (signed with another key): vote again as new.
          if (error instanceof ApiError && error.status === 403 && error.message !== VIEWERS_KEPT_OUT) {
            return facilitationApi.vote(this.opts.boardId, this.opts.token, nodeId, delta)
          }
          throw error
        })
        this.mine.set(ballot.mine)
        this.votesLeft.set(ballot.votesLeft)
      } catch (error) {
        this.fail(error, 'Your vote did not count')
        if (error instanceof ApiError && error.status === 409) void this.refresh()
      }
    }
    const next = this.voteQueue.then(run, run)
    this.voteQueue = next
    return next
  }

  // ---- facilitator actions (owner token; the server refuses anyone else) ---------------------------

  async timerAction(action: TimerAction) {
    try {
      const res = await facilitationApi.timer(this.opts.boardId, this.opts.token, action)
      this.noteServerTime(res.serverNow)
      this.timer.set(res.timer)
    } catch (error) {
      this.fail(error, 'The timer did not change')
    }
  }

  /** Starts a round; resolves to an error message for the dialog, or null when it started. */
  async startRound(body: RoundRequest): Promise<string | null> {
    try {
      const round = await facilitationApi.startRound(this.opts.boardId, this.opts.token, body)
      this.applyRound(round)
      return null
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }

  async reveal() {
    try {
      this.applyRound(await facilitationApi.reveal(this.opts.boardId, this.opts.token))
    } catch (error) {
      this.fail(error, 'Could not reveal the votes')
    }
  }

  async cancel() {
    try {
      this.applyRound(await facilitationApi.cancel(this.opts.boardId, this.opts.token))
    } catch (error) {
      this.fail(error, 'Could not cancel the round')
    }
  }

  async summon(editor: Editor, by: string) {
    const b = editor.getViewportPageBounds()
    this.ownSummons++
    try {
      await facilitationApi.summon(this.opts.boardId, this.opts.token, { x: b.x, y: b.y, w: b.w, h: b.h }, by)
      showNotice('Everyone on the board now sees what you see.', 'info', 3000)
    } catch (error) {
      this.ownSummons = Math.max(0, this.ownSummons - 1)
      this.fail(error, 'Could not bring everyone here')
    }
  }

  private beSummoned(bounds: SummonBounds, by: string) {
    const editor = this.editor
    if (!editor) return
    if (editor.getInstanceState().followingUserId) editor.stopFollowingUser()
    const previous = editor.getCamera()
    // inset 0: exactly the facilitator's view (fitted to our own screen's shape), not a padded one.
    editor.zoomToBounds(bounds, { inset: 0, animation: { duration: 500 } })
    this.summons.set({ id: ++this.summonSeq, by, bounds, previous: { x: previous.x, y: previous.y, z: previous.z } })
  }

  /** "Go back" after a summons: the camera as it was. */
  returnFromSummons() {
    const summons = this.summons.get()
    this.summons.set(null)
    if (summons?.previous && this.editor) this.editor.setCamera(summons.previous, { animation: { duration: 400 } })
  }

  private fail(error: unknown, what: string) {
    const reason = error instanceof Error ? error.message : String(error)
    showNotice(`${what}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`, 'warn')
  }

  destroy() {
    for (const dispose of this.disposers.splice(0)) dispose()
  }
}
