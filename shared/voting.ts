// Dot voting rules, pure: which nodes a round is about, whether a vote fits the voter's budget, and the
// ranked results at reveal. The server holds the votes (never the Yjs document) so nobody can read others'
// votes before the facilitator reveals them.
import type { NodeKind } from './model'
import type { TimerState } from './timer'
import type { Tree, TreeNode } from './tree'
import { walkTree } from './tree'

export const VOTE_TARGETS = ['opportunity', 'solution'] as const
export type VoteTarget = (typeof VOTE_TARGETS)[number] & NodeKind

/** What a round votes on, as a sentence names them. */
export const TARGET_LABEL: Record<VoteTarget, string> = { opportunity: 'opportunities', solution: 'solutions' }

export interface RoundSettings {
  target: VoteTarget
  /** Only the children of this node, or every node of the target kind when null. */
  scopeId: string | null
  votesPerPerson: number
  /** May a voter put several of their votes on one node? */
  allowMultiple: boolean
  /** May people on a view link vote? The facilitator can keep the round to the team (owner and editors).
   *  Absent (rounds started before the option existed): yes. */
  viewersCanVote?: boolean
}

/** What a viewer is told when the round is not theirs to vote in (the server's 403 and the client's note). */
export const VIEWERS_KEPT_OUT = 'the facilitator kept this voting round to the team: people on a view link can watch but not vote'

/** Whether someone with `role` may vote in a round with these settings. */
export function mayVote(settings: RoundSettings, role: 'owner' | 'editor' | 'viewer'): boolean {
  return role !== 'viewer' || settings.viewersCanVote !== false
}

/** What everyone may know about a round, before and after the reveal. */
export interface PublicRound extends RoundSettings {
  id: string
  status: 'open' | 'revealed' | 'cancelled'
  candidates: string[]
  startedAt: string
  revealedAt: string | null
  /** How many people have cast at least one vote (never who, never where). */
  voters: number
  results: VoteResult[] | null
}

export interface VoteResult {
  nodeId: string
  title: string
  votes: number
  rank: number
}

export const MAX_VOTES_PER_PERSON = 20

/** The nodes a round lets people vote on, in tree order. */
export function roundCandidates(tree: Tree, target: VoteTarget, scopeId: string | null): TreeNode[] {
  if (scopeId) {
    const scope = tree.byId.get(scopeId)
    return scope ? scope.children.filter((c) => c.kind === target) : []
  }
  return walkTree(tree).filter((n) => n.kind === target)
}

export type VoteCheck = { ok: true } | { ok: false; reason: string }

/** Whether `voterVotes` (node id → count, after the change) is allowed in a round with these settings. */
export function checkBallot(settings: RoundSettings, candidates: readonly string[], ballot: Record<string, number>): VoteCheck {
  let total = 0
  for (const [nodeId, count] of Object.entries(ballot)) {
    if (count < 0) return { ok: false, reason: 'you have no vote on that node to take back' }
    if (count === 0) continue
    if (!candidates.includes(nodeId)) return { ok: false, reason: 'that node is not part of this voting round' }
    if (!settings.allowMultiple && count > 1) return { ok: false, reason: 'this round allows one vote per node' }
    total += count
  }
  if (total > settings.votesPerPerson) {
    return { ok: false, reason: `you have used all ${settings.votesPerPerson} of your votes` }
  }
  return { ok: true }
}

export function votesLeft(settings: RoundSettings, ballot: Record<string, number>): number {
  const used = Object.values(ballot).reduce((a, b) => a + b, 0)
  return Math.max(0, settings.votesPerPerson - used)
}

/** Ranked results: most votes first, ties share a rank and keep tree order; nodes with no votes included. */
export function rankResults(candidates: readonly { id: string; title: string }[], tally: Record<string, number>): VoteResult[] {
  const rows = candidates.map((c, i) => ({ nodeId: c.id, title: c.title, votes: tally[c.id] ?? 0, i }))
  rows.sort((a, b) => b.votes - a.votes || a.i - b.i)
  let rank = 0
  let last = -1
  return rows.map((r, index) => {
    if (r.votes !== last) {
      rank = index + 1
      last = r.votes
    }
    return { nodeId: r.nodeId, title: r.title, votes: r.votes, rank }
  })
}

// ---- the facilitation API's bodies, as the server answers and the browser reads them ----

/** GET /session: the live session as anyone on the board sees it, plus the asking voter's own ballot. */
export interface SessionView {
  serverNow: number
  timer: TimerState
  round: PublicRound | null
  mine: Record<string, number>
  votesLeft: number
}

/** POST /rounds/current/votes: the voter's ballot after the vote. */
export interface BallotView {
  mine: Record<string, number>
  votesLeft: number
}

/** POST /rounds: the round a facilitator starts. */
export interface RoundRequest {
  target: VoteTarget
  scopeId?: string | null
  votesPerPerson: number
  allowMultiple: boolean
  /** false: people on the view link watch but cannot vote (default true). */
  viewersCanVote?: boolean
}

/** POST /summon: the part of the canvas everyone is brought to. */
export interface SummonBounds {
  x: number
  y: number
  w: number
  h: number
}
