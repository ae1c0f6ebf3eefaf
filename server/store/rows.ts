// Rows as both engines store them (the same tables in sqlite.ts and postgres.ts), read into the store's
// types. PostgreSQL hands BIGINT and COUNT(*) back as strings, so numbers go through Number().
import type { LockedBet } from '../../shared/bet'
import type { VersionPerson, VersionReason, VersionSummary } from '../../shared/versions'
import type { PublicRound, RoundSettings, VoteResult } from '../../shared/voting'
import type { Board, Decision, Role, StoredVersionInfo, TrackerPush } from './types'

export interface BoardRow {
  id: string
  title: string
  owner_token: string
  edit_token: string
  view_token: string
  created_at: string
  updated_at: string
}

export interface DecisionRow {
  id: number | string
  action: 'lock' | 'unlock'
  solution_id: string
  title: string
  actor_name: string
  actor_role: Role
  at: string
  bet: string
  pushes: string
  version_id: number | null
  why: string | null
}

export interface VersionRow {
  id: number
  at: string
  name: string | null
  reason: VersionReason
  people: string
  summary: string
  hash: string
  bytes: number | string
}

export const toVersion = (r: VersionRow): StoredVersionInfo => ({
  id: r.id,
  at: r.at,
  name: r.name,
  reason: r.reason,
  people: JSON.parse(r.people) as VersionPerson[],
  summary: JSON.parse(r.summary) as VersionSummary,
  hash: r.hash,
  bytes: Number(r.bytes),
})

export const toDecision = (r: DecisionRow): Decision => ({
  id: Number(r.id),
  action: r.action,
  solutionId: r.solution_id,
  title: r.title,
  by: r.actor_name,
  role: r.actor_role,
  at: r.at,
  bet: JSON.parse(r.bet) as LockedBet,
  pushes: JSON.parse(r.pushes) as TrackerPush[],
  versionId: r.version_id ?? null,
  why: r.why ?? null,
})

/** The current bet as served: the snapshot taken at lock time plus the latest issue made from it. */
export function currentBet(r: DecisionRow): LockedBet {
  const bet = JSON.parse(r.bet) as LockedBet
  const pushes = JSON.parse(r.pushes) as TrackerPush[]
  const last = pushes[pushes.length - 1]
  return last ? { ...bet, tracker: { tracker: last.tracker, url: last.url, key: last.key } } : bet
}

export interface RoundRow {
  id: string
  settings: string
  candidates: string
  status: PublicRound['status']
  started_at: string
  finished_at: string | null
  results: string | null
  voters: number | string
}

export const toRound = (r: RoundRow): PublicRound => ({
  id: r.id,
  ...(JSON.parse(r.settings) as RoundSettings),
  // Rounds started before the option let viewers vote.
  viewersCanVote: (JSON.parse(r.settings) as RoundSettings).viewersCanVote !== false,
  status: r.status,
  candidates: (JSON.parse(r.candidates) as { id: string }[]).map((c) => c.id),
  startedAt: r.started_at,
  revealedAt: r.status === 'revealed' ? r.finished_at : null,
  voters: Number(r.voters),
  results: r.results ? (JSON.parse(r.results) as VoteResult[]) : null,
})

export const toBoard = (r: BoardRow): Board => ({
  id: r.id,
  title: r.title,
  ownerToken: r.owner_token,
  editToken: r.edit_token,
  viewToken: r.view_token,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})
