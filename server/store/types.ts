// The storage interface, as two ports: the document log (a board's Yjs updates: what a sync room loads,
// appends and compacts) and the board store (boards, tokens, bets, decisions, versions, timer, rounds,
// votes: what the HTTP routes read and write). An engine implements both (sqlite.ts, postgres.ts); a room
// sees only the log. Methods are async so an engine may do I/O; SQLite answers inside the promise.
//
// Durability contract (docs/architecture.md, "Durability"): `appendUpdates` resolves only once the updates are
// committed (they survive a crash of the server process; power loss too when the engine is set to, see
// sqlite.ts); the sync room relays an update to other clients only after that. `compact` replaces rows up to a
// sequence number by one merged state in a single transaction, so a crash leaves either the old rows or the
// merged row.
//
// Growing the store: later features add methods here and a migration in the engine.

import type { Decision, LockedBet } from '../../shared/bet'
import type { TrackerPush } from '../../shared/trackers'
import type { TimerState } from '../../shared/timer'
import type { VersionInfo, VersionPerson, VersionReason, VersionSummary } from '../../shared/versions'
import type { PublicRound, RoundSettings, VoteCheck, VoteResult } from '../../shared/voting'

import type { Role } from '../../shared/api'
export type { Role }

export interface Board {
  id: string
  title: string
  ownerToken: string
  editToken: string
  viewToken: string
  createdAt: string // ISO 8601
  updatedAt: string // ISO 8601
}

export type NewBoard = Pick<Board, 'id' | 'title' | 'ownerToken' | 'editToken' | 'viewToken'>

/** A board's stored Yjs updates, oldest first. Applying all of them in any order gives the document. */
export interface StoredUpdates {
  updates: Uint8Array[]
  /** Sequence number of the newest row (0 when there is none). */
  lastSeq: number
  /** Every row's sequence number, for an engine several processes share (see compact). */
  seqs?: number[]
  bytes: number
}

/** Someone acting on a board: their role, and the display name they gave (may be empty). */
export interface Actor {
  role: Role
  name: string
}

export type { Decision, TrackerPush }

/** A version to store (shared/versions.ts): the board's records as the caller encoded them (compressed
 *  JSON, see server/versions/codec.ts) and a hash of them, so equal states can be recognised. */
export interface NewVersion {
  at: string // ISO 8601
  name: string | null
  reason: VersionReason
  people: VersionPerson[]
  summary: VersionSummary
  hash: string
  records: Uint8Array
}

/** A stored version's facts, with its records' hash and stored size. */
export interface StoredVersionInfo extends VersionInfo {
  hash: string
  bytes: number
}

/** A voting round as stored: public facts plus the candidates' titles at the start. */
export interface NewRound {
  id: string
  settings: RoundSettings
  candidates: { id: string; title: string }[]
  startedAt: string
}

export type Ballot = Record<string, number>

export type LockResult = { ok: true; bet: LockedBet } | { ok: false; current: LockedBet }

export interface DocumentLog {
  /** Appends updates for a board durably, in one transaction; resolves with the last sequence number. */
  appendUpdates(boardId: string, updates: Uint8Array[]): Promise<number>
  /** appendUpdates done before it returns, for an engine that can (SQLite): the last sequence number, or
   *  null when the engine holds writes for a moment (the caller then uses appendUpdates, which waits). */
  appendUpdatesNow?(boardId: string, updates: Uint8Array[]): number | null
  loadUpdates(boardId: string): Promise<StoredUpdates>
  /** In one transaction: delete the board's rows with seq ≤ uptoSeq (exactly the rows `folded`, when given)
   *  and store `mergedState` in their place. */
  compact(boardId: string, mergedState: Uint8Array, uptoSeq: number, folded?: number[]): Promise<void>
  /** True when other processes append to this store too (PostgreSQL): compaction then folds exactly the rows
   *  it read, never a row appended by another process that it has not seen. */
  readonly shared?: boolean
}

export interface BoardStore {
  createBoard(board: NewBoard): Promise<Board>
  getBoard(id: string): Promise<Board | null>
  setTitle(id: string, title: string): Promise<Board | null>
  /** Replaces the given tokens of a board (the old ones stop working at once); resolves with the board. */
  setTokens(id: string, tokens: Partial<Pick<Board, 'ownerToken' | 'editToken' | 'viewToken'>>): Promise<Board | null>
  /** Removes a board and everything kept for it (document updates, bet, decisions, timer, rounds, votes,
   *  versions) in one transaction; resolves with whether the board existed. */
  deleteBoard(id: string): Promise<boolean>

  /** The board's locked bet (with its latest tracker push), or null. */
  getBet(boardId: string): Promise<LockedBet | null>
  /** Locks `bet` unless another bet is locked, and logs the decision (with `bet.why`), in one transaction. */
  lockBet(boardId: string, bet: LockedBet, actor: Actor): Promise<LockResult>
  /** Unlocks the board's bet and logs the decision (made on version `versionId`, for the reason `why`);
   *  resolves with the bet unlocked, or null if none was. A lock's version is `bet.versionId`. */
  unlockBet(boardId: string, actor: Actor, versionId?: number, why?: string | null): Promise<LockedBet | null>
  /** Records an issue made for the locked bet; resolves with the updated bet, or null if none is locked. */
  recordPush(boardId: string, push: TrackerPush): Promise<LockedBet | null>
  /** Every lock and unlock, oldest first. */
  listDecisions(boardId: string): Promise<Decision[]>

  /** Stores a version under the board's next version id (ids only grow, even past deleted versions),
   *  committed before it resolves. With `unlessSameAsLatest`, stores nothing and resolves null when the
   *  newest version has the same hash (checked in the same transaction: two processes closing the same
   *  quiet span make one version). */
  addVersion(boardId: string, version: NewVersion, opts?: { unlessSameAsLatest?: boolean }): Promise<StoredVersionInfo | null>
  /** The board's versions, newest first (at most `limit`). */
  listVersions(boardId: string, limit?: number): Promise<StoredVersionInfo[]>
  /** One version with its encoded records, or null. */
  getVersion(boardId: string, id: number): Promise<{ info: StoredVersionInfo; records: Uint8Array } | null>
  /** Deletes the given versions of a board (retention); resolves with how many were deleted. */
  deleteVersions(boardId: string, ids: readonly number[]): Promise<number>

  /** The workshop timer, or null when it was never used. */
  getTimer(boardId: string): Promise<TimerState | null>
  setTimer(boardId: string, state: TimerState): Promise<void>

  /** Starts a round unless one is open (then resolves with that one). */
  startRound(boardId: string, round: NewRound): Promise<{ ok: true; round: PublicRound } | { ok: false; open: PublicRound }>
  /** The newest round (open, revealed or cancelled), with how many people voted; null if none ever ran. */
  latestRound(boardId: string): Promise<PublicRound | null>
  /** One voter's votes in a round. */
  getBallot(roundId: string, voterId: string): Promise<Ballot>
  /** Adds `delta` votes by `voterId` on `nodeId` if `check` accepts the resulting ballot, in one transaction. */
  castVote(roundId: string, voterId: string, nodeId: string, delta: number, check: (ballot: Ballot) => VoteCheck): Promise<{ ok: true; ballot: Ballot } | { ok: false; reason: string }>
  /** Votes per node across all voters (only ever read at reveal). */
  tally(roundId: string): Promise<Record<string, number>>
  finishRound(roundId: string, status: 'revealed' | 'cancelled', results: VoteResult[] | null, at: string): Promise<void>
}

/** A storage engine: both ports, and close. */
export interface Store extends DocumentLog, BoardStore {
  close(): Promise<void>
}
