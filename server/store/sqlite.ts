// The SQLite engine (better-sqlite3): WAL journal, prepared statements, schema versions in PRAGMA user_version.
// Durability (WAL mode): a committed transaction is in the WAL file (the OS page cache at least) before the
// commit returns, so it survives a crash or kill -9 of this process with synchronous=NORMAL (the default) or
// FULL. Only FULL also fsyncs the WAL on every commit, so that the last transactions survive an OS crash or
// power loss; that costs an fsync in front of every relayed update (SQLITE_SYNCHRONOUS=full).
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { LockedBet } from '../../shared/bet'
import type { TimerState } from '../../shared/timer'
import type { VoteCheck } from '../../shared/voting'
import { startWalCheckpointer } from './wal-checkpoint'
import { type BoardRow, currentBet, type DecisionRow, type RoundRow, toBoard, toDecision, toRound, toVersion, type VersionRow } from './rows'
import type { Actor, Ballot, NewBoard, NewRound, NewVersion, Store, StoredUpdates, StoredVersionInfo, TrackerPush } from './types'

/** One entry per schema version; append, never edit. */
const MIGRATIONS: string[] = [
  `CREATE TABLE boards (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     owner_token TEXT NOT NULL,
     edit_token TEXT NOT NULL,
     view_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE updates (
     seq INTEGER PRIMARY KEY,
     board_id TEXT NOT NULL REFERENCES boards(id),
     data BLOB NOT NULL
   );
   CREATE INDEX updates_board_seq ON updates(board_id, seq);`,
  // The decision log (append-only) and, per board, which lock decision is the current bet.
  `CREATE TABLE decisions (
     id INTEGER PRIMARY KEY,
     board_id TEXT NOT NULL REFERENCES boards(id),
     action TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
     solution_id TEXT NOT NULL,
     title TEXT NOT NULL,
     actor_name TEXT NOT NULL,
     actor_role TEXT NOT NULL,
     at TEXT NOT NULL,
     bet TEXT NOT NULL,
     pushes TEXT NOT NULL DEFAULT '[]'
   );
   CREATE INDEX decisions_board ON decisions(board_id, id);
   CREATE TABLE bets (
     board_id TEXT PRIMARY KEY REFERENCES boards(id),
     decision_id INTEGER NOT NULL REFERENCES decisions(id)
   );`,
  // Facilitation: the timer per board, voting rounds, and the votes themselves (never in the Yjs doc).
  `CREATE TABLE timers (
     board_id TEXT PRIMARY KEY REFERENCES boards(id),
     state TEXT NOT NULL
   );
   CREATE TABLE rounds (
     id TEXT PRIMARY KEY,
     board_id TEXT NOT NULL REFERENCES boards(id),
     settings TEXT NOT NULL,
     candidates TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open', 'revealed', 'cancelled')),
     started_at TEXT NOT NULL,
     finished_at TEXT,
     results TEXT
   );
   CREATE INDEX rounds_board ON rounds(board_id, started_at);
   CREATE TABLE votes (
     round_id TEXT NOT NULL REFERENCES rounds(id),
     voter_id TEXT NOT NULL,
     node_id TEXT NOT NULL,
     count INTEGER NOT NULL CHECK (count > 0),
     PRIMARY KEY (round_id, voter_id, node_id)
   );`,
  // Version history: each version holds the board's records (compressed JSON), independent of the update
  // log, so compaction never touches it. Ids count per board in version_seq, so a deleted id is never reused.
  `CREATE TABLE versions (
     board_id TEXT NOT NULL REFERENCES boards(id),
     id INTEGER NOT NULL,
     at TEXT NOT NULL,
     name TEXT,
     reason TEXT NOT NULL,
     people TEXT NOT NULL,
     summary TEXT NOT NULL,
     hash TEXT NOT NULL,
     records BLOB NOT NULL,
     UNIQUE (board_id, id)
   );
   CREATE TABLE version_seq (
     board_id TEXT PRIMARY KEY REFERENCES boards(id),
     last INTEGER NOT NULL
   );
   ALTER TABLE decisions ADD COLUMN version_id INTEGER;`,
  // Why a bet was locked or unlocked, as the person wrote it (null: no reason given).
  `ALTER TABLE decisions ADD COLUMN why TEXT;`,
]

export interface SqliteOptions {
  /** See the top of this file; default 'normal'. */
  synchronous?: 'normal' | 'full'
  /** Checkpoint the WAL from a worker thread (default true); see wal-checkpoint.ts. */
  checkpointInWorker?: boolean
  /** Told about background problems (a failed checkpoint) that no request would see. */
  onWarning?: (message: string) => void
}

/** Free pages (4 KiB each) from which a compaction gives space back to the file system (1 MiB). */
export const VACUUM_MIN_FREE_PAGES = 256

/** How stale a written board's updated_at may be, and how many boards' last touch are remembered. */
const TOUCH_EVERY_MS = 1000
const TOUCH_MEMORY_BOARDS = 10_000

export function openSqliteStore(dataDir: string, options: SqliteOptions = {}): Store {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'outcome-board.sqlite')
  const db = new Database(file)
  // Compaction frees most of a board's pages; with incremental auto-vacuum the file gives them back instead of
  // only reusing them. It can only be switched on before the first table exists (a new database).
  if ((db.pragma('user_version', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL')
  db.pragma('journal_mode = WAL')
  // After a checkpoint the WAL file is cut back to this size, so a burst of writes doesn't leave it large.
  db.pragma(`journal_size_limit = ${4 * 1024 * 1024}`)
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  const checkpointer = options.checkpointInWorker === false ? null : startWalCheckpointer(db, file, { onError: options.onWarning })

  const insertBoard = db.prepare(
    `INSERT INTO boards (id, title, owner_token, edit_token, view_token, created_at, updated_at)
     VALUES (@id, @title, @ownerToken, @editToken, @viewToken, @now, @now)`,
  )
  const selectBoard = db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?')
  const touch = db.prepare('UPDATE boards SET updated_at = ? WHERE id = ?')
  const updateTitle = db.prepare('UPDATE boards SET title = ?, updated_at = ? WHERE id = ?')
  const updateTokens = db.prepare(
    `UPDATE boards SET owner_token = COALESCE(@ownerToken, owner_token), edit_token = COALESCE(@editToken, edit_token),
       view_token = COALESCE(@viewToken, view_token) WHERE id = @id`,
  )
  // Children first (foreign keys): votes of the board's rounds, rounds, timer, bet, decisions, updates, board.
  const deleteBoardTx = db.transaction((id: string): boolean => {
    db.prepare('DELETE FROM votes WHERE round_id IN (SELECT id FROM rounds WHERE board_id = ?)').run(id)
    for (const table of ['rounds', 'timers', 'bets', 'decisions', 'updates', 'versions', 'version_seq']) db.prepare(`DELETE FROM ${table} WHERE board_id = ?`).run(id)
    return db.prepare('DELETE FROM boards WHERE id = ?').run(id).changes > 0
  })
  const insertUpdate = db.prepare('INSERT INTO updates (board_id, data) VALUES (?, ?)')
  const insertUpdateAt = db.prepare('INSERT INTO updates (seq, board_id, data) VALUES (?, ?, ?)')
  const selectUpdates = db.prepare<[string], { seq: number; data: Buffer }>(
    'SELECT seq, data FROM updates WHERE board_id = ? ORDER BY seq',
  )
  const deleteUpTo = db.prepare('DELETE FROM updates WHERE board_id = ? AND seq <= ?')

  // A busy board's appends would rewrite its `boards` row in every transaction (a third of the WAL written at
  // 100 updates/s); its updated_at may lag its last write by up to TOUCH_EVERY_MS instead.
  const lastTouched = new Map<string, number>()
  const appendTx = db.transaction((boardId: string, updates: Uint8Array[], touchAt: number | null): number => {
    let seq = 0
    for (const u of updates) seq = Number(insertUpdate.run(boardId, u).lastInsertRowid)
    if (touchAt !== null) {
      touch.run(new Date(touchAt).toISOString(), boardId)
      if (lastTouched.size >= TOUCH_MEMORY_BOARDS) lastTouched.clear()
      lastTouched.set(boardId, touchAt)
    }
    return seq
  })
  /** Appends in one transaction. A lone update with no touch due is one INSERT, which SQLite commits as its
   *  own transaction: the same commit without a BEGIN and a COMMIT statement around it (the relay waits for
   *  this, at every edit of a live session). */
  const append = (boardId: string, updates: Uint8Array[]): number => {
    const now = Date.now()
    const touchDue = now - (lastTouched.get(boardId) ?? 0) >= TOUCH_EVERY_MS
    if (updates.length === 1 && !touchDue) return Number(insertUpdate.run(boardId, updates[0]).lastInsertRowid)
    return appendTx(boardId, updates, touchDue ? now : null)
  }
  const compactTx = db.transaction((boardId: string, state: Uint8Array, uptoSeq: number) => {
    deleteUpTo.run(boardId, uptoSeq)
    // The merged row takes the place of the newest row it replaces, so rows appended later stay after it.
    insertUpdateAt.run(uptoSeq, boardId, state)
  })

  const insertDecision = db.prepare(
    `INSERT INTO decisions (board_id, action, solution_id, title, actor_name, actor_role, at, bet, version_id, why)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const selectCurrent = db.prepare<[string], DecisionRow>(
    'SELECT d.* FROM bets b JOIN decisions d ON d.id = b.decision_id WHERE b.board_id = ?',
  )
  const insertBet = db.prepare('INSERT INTO bets (board_id, decision_id) VALUES (?, ?)')
  const deleteBet = db.prepare('DELETE FROM bets WHERE board_id = ?')
  const updatePushes = db.prepare('UPDATE decisions SET pushes = ? WHERE id = ?')
  const selectDecisions = db.prepare<[string], DecisionRow>('SELECT * FROM decisions WHERE board_id = ? ORDER BY id')

  const logDecision = (boardId: string, action: 'lock' | 'unlock', bet: LockedBet, actor: Actor, at: string, versionId: number | null, why: string | null) =>
    Number(insertDecision.run(boardId, action, bet.solutionId, bet.title, actor.name, actor.role, at, JSON.stringify(bet), versionId, why).lastInsertRowid)

  // Check-and-insert in one transaction: two people locking at once get one 201 and one 409.
  const lockTx = db.transaction((boardId: string, bet: LockedBet, actor: Actor) => {
    const current = selectCurrent.get(boardId)
    if (current) return { ok: false as const, current: currentBet(current) }
    insertBet.run(boardId, logDecision(boardId, 'lock', bet, actor, bet.lockedAt, bet.versionId ?? null, bet.why || null))
    return { ok: true as const, bet }
  })
  const unlockTx = db.transaction((boardId: string, actor: Actor, versionId: number | null, why: string | null) => {
    const current = selectCurrent.get(boardId)
    if (!current) return null
    const bet = currentBet(current)
    deleteBet.run(boardId)
    logDecision(boardId, 'unlock', bet, actor, new Date().toISOString(), versionId, why)
    return bet
  })
  const pushTx = db.transaction((boardId: string, push: TrackerPush) => {
    const current = selectCurrent.get(boardId)
    if (!current) return null
    const pushes = [...(JSON.parse(current.pushes) as TrackerPush[]), push]
    updatePushes.run(JSON.stringify(pushes), current.id)
    return currentBet({ ...current, pushes: JSON.stringify(pushes) })
  })

  const versionColumns = 'id, at, name, reason, people, summary, hash, length(records) AS bytes'
  const selectVersions = db.prepare<[string, number], VersionRow>(
    `SELECT ${versionColumns} FROM versions WHERE board_id = ? ORDER BY id DESC LIMIT ?`,
  )
  const selectVersion = db.prepare<[string, number], VersionRow & { records: Buffer }>(
    `SELECT ${versionColumns}, records FROM versions WHERE board_id = ? AND id = ?`,
  )
  const selectLatestHash = db.prepare<[string], { hash: string }>('SELECT hash FROM versions WHERE board_id = ? ORDER BY id DESC LIMIT 1')
  const nextVersionId = db.prepare<[string], { last: number }>(
    `INSERT INTO version_seq (board_id, last) VALUES (?, 1) ON CONFLICT(board_id) DO UPDATE SET last = last + 1 RETURNING last`,
  )
  const insertVersion = db.prepare(
    `INSERT INTO versions (board_id, id, at, name, reason, people, summary, hash, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const deleteVersion = db.prepare('DELETE FROM versions WHERE board_id = ? AND id = ?')
  const addVersionTx = db.transaction((boardId: string, v: NewVersion, unlessSame: boolean): StoredVersionInfo | null => {
    if (unlessSame && selectLatestHash.get(boardId)?.hash === v.hash) return null
    const id = nextVersionId.get(boardId)!.last
    insertVersion.run(boardId, id, v.at, v.name, v.reason, JSON.stringify(v.people), JSON.stringify(v.summary), v.hash, v.records)
    return { id, at: v.at, name: v.name, reason: v.reason, people: v.people, summary: v.summary, hash: v.hash, bytes: v.records.byteLength }
  })
  const deleteVersionsTx = db.transaction((boardId: string, ids: readonly number[]) => {
    let n = 0
    for (const id of ids) n += deleteVersion.run(boardId, id).changes
    return n
  })

  const selectTimer = db.prepare<[string], { state: string }>('SELECT state FROM timers WHERE board_id = ?')
  const upsertTimer = db.prepare(
    'INSERT INTO timers (board_id, state) VALUES (?, ?) ON CONFLICT(board_id) DO UPDATE SET state = excluded.state',
  )
  const roundColumns = `r.*, (SELECT COUNT(DISTINCT voter_id) FROM votes v WHERE v.round_id = r.id) AS voters`
  const selectLatestRound = db.prepare<[string], RoundRow>(
    `SELECT ${roundColumns} FROM rounds r WHERE r.board_id = ? ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1`,
  )
  const selectRound = db.prepare<[string], RoundRow>(`SELECT ${roundColumns} FROM rounds r WHERE r.id = ?`)
  const insertRound = db.prepare(
    `INSERT INTO rounds (id, board_id, settings, candidates, status, started_at) VALUES (?, ?, ?, ?, 'open', ?)`,
  )
  const finishRoundStmt = db.prepare(`UPDATE rounds SET status = ?, results = ?, finished_at = ? WHERE id = ? AND status = 'open'`)
  const selectBallot = db.prepare<[string, string], { node_id: string; count: number }>(
    'SELECT node_id, count FROM votes WHERE round_id = ? AND voter_id = ?',
  )
  const upsertVote = db.prepare(
    `INSERT INTO votes (round_id, voter_id, node_id, count) VALUES (?, ?, ?, ?)
     ON CONFLICT(round_id, voter_id, node_id) DO UPDATE SET count = excluded.count`,
  )
  const deleteVote = db.prepare('DELETE FROM votes WHERE round_id = ? AND voter_id = ? AND node_id = ?')
  const selectTally = db.prepare<[string], { node_id: string; total: number }>(
    'SELECT node_id, SUM(count) AS total FROM votes WHERE round_id = ? GROUP BY node_id',
  )

  const ballotOf = (roundId: string, voterId: string): Ballot =>
    Object.fromEntries(selectBallot.all(roundId, voterId).map((r) => [r.node_id, r.count]))

  const startRoundTx = db.transaction((boardId: string, round: NewRound) => {
    const latest = selectLatestRound.get(boardId)
    if (latest?.status === 'open') return { ok: false as const, open: toRound(latest) }
    insertRound.run(round.id, boardId, JSON.stringify(round.settings), JSON.stringify(round.candidates), round.startedAt)
    return { ok: true as const, round: toRound(selectRound.get(round.id)!) }
  })
  const castVoteTx = db.transaction(
    (roundId: string, voterId: string, nodeId: string, delta: number, check: (b: Ballot) => VoteCheck) => {
      const round = selectRound.get(roundId)
      if (!round || round.status !== 'open') return { ok: false as const, reason: 'this voting round is over' }
      const ballot = ballotOf(roundId, voterId)
      const next = { ...ballot, [nodeId]: (ballot[nodeId] ?? 0) + delta }
      const verdict = check(next)
      if (!verdict.ok) return { ok: false as const, reason: verdict.reason }
      if (next[nodeId] > 0) upsertVote.run(roundId, voterId, nodeId, next[nodeId])
      else deleteVote.run(roundId, voterId, nodeId)
      return { ok: true as const, ballot: ballotOf(roundId, voterId) }
    },
  )

  let closed = false
  return {
    async createBoard(b: NewBoard) {
      insertBoard.run({ ...b, now: new Date().toISOString() })
      return toBoard(selectBoard.get(b.id)!)
    },
    async getBoard(id) {
      const row = selectBoard.get(id)
      return row ? toBoard(row) : null
    },
    async setTitle(id, title) {
      updateTitle.run(title, new Date().toISOString(), id)
      const row = selectBoard.get(id)
      return row ? toBoard(row) : null
    },
    async setTokens(id, tokens) {
      updateTokens.run({ id, ownerToken: tokens.ownerToken ?? null, editToken: tokens.editToken ?? null, viewToken: tokens.viewToken ?? null })
      const row = selectBoard.get(id)
      return row ? toBoard(row) : null
    },
    async deleteBoard(id) {
      const existed = deleteBoardTx(id)
      lastTouched.delete(id)
      return existed
    },
    async appendUpdates(boardId, updates) {
      if (updates.length === 0) return 0
      const held = checkpointer?.writesHeld()
      if (held) await held // the checkpoint worker is starting the WAL over (a few ms)
      return append(boardId, updates)
    },
    appendUpdatesNow(boardId, updates) {
      if (updates.length === 0) return 0
      return checkpointer?.writesHeld() ? null : append(boardId, updates)
    },
    async loadUpdates(boardId): Promise<StoredUpdates> {
      const rows = selectUpdates.all(boardId)
      let bytes = 0
      const updates = rows.map((r) => {
        bytes += r.data.byteLength
        return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)
      })
      return { updates, lastSeq: rows.length ? rows[rows.length - 1].seq : 0, bytes }
    },
    async compact(boardId, mergedState, uptoSeq) {
      compactTx(boardId, mergedState, uptoSeq)
      // Give the freed pages back and fold the WAL into the file, once enough is free to be worth it: the
      // checkpoint syncs the files, which every compaction of a busy small board would otherwise pay,
      // blocking the relays behind it. Below the threshold the pages are reused by later writes, and the WAL
      // stays capped by SQLite's own checkpoints and journal_size_limit.
      if ((db.pragma('freelist_count', { simple: true }) as number) >= VACUUM_MIN_FREE_PAGES) {
        db.pragma('incremental_vacuum')
        db.pragma('wal_checkpoint(TRUNCATE)')
      }
    },
    async getBet(boardId) {
      const row = selectCurrent.get(boardId)
      return row ? currentBet(row) : null
    },
    async lockBet(boardId, bet, actor) {
      return lockTx(boardId, bet, actor)
    },
    async unlockBet(boardId, actor, versionId, why) {
      return unlockTx(boardId, actor, versionId ?? null, why || null)
    },
    async recordPush(boardId, push) {
      return pushTx(boardId, push)
    },
    async listDecisions(boardId) {
      return selectDecisions.all(boardId).map(toDecision)
    },
    async addVersion(boardId, version, opts) {
      const held = checkpointer?.writesHeld()
      if (held) await held
      return addVersionTx(boardId, version, !!opts?.unlessSameAsLatest)
    },
    async listVersions(boardId, limit) {
      return selectVersions.all(boardId, limit ?? -1).map(toVersion)
    },
    async getVersion(boardId, id) {
      const row = selectVersion.get(boardId, id)
      if (!row) return null
      const { records, ...info } = row
      return { info: toVersion(info), records: new Uint8Array(records.buffer, records.byteOffset, records.byteLength) }
    },
    async deleteVersions(boardId, ids) {
      return ids.length ? deleteVersionsTx(boardId, ids) : 0
    },
    async getTimer(boardId) {
      const row = selectTimer.get(boardId)
      return row ? (JSON.parse(row.state) as TimerState) : null
    },
    async setTimer(boardId, state) {
      upsertTimer.run(boardId, JSON.stringify(state))
    },
    async startRound(boardId, round) {
      return startRoundTx(boardId, round)
    },
    async latestRound(boardId) {
      const row = selectLatestRound.get(boardId)
      return row ? toRound(row) : null
    },
    async getBallot(roundId, voterId) {
      return ballotOf(roundId, voterId)
    },
    async castVote(roundId, voterId, nodeId, delta, check) {
      return castVoteTx(roundId, voterId, nodeId, delta, check)
    },
    async tally(roundId) {
      return Object.fromEntries(selectTally.all(roundId).map((r) => [r.node_id, r.total]))
    },
    async finishRound(roundId, status, results, at) {
      finishRoundStmt.run(status, results ? JSON.stringify(results) : null, at, roundId)
    },
    async close() {
      if (closed) return
      closed = true
      await checkpointer?.close()
      db.pragma('wal_checkpoint(TRUNCATE)')
      db.close()
    },
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > MIGRATIONS.length) {
    throw new Error(`database schema version ${version} is newer than this server knows (${MIGRATIONS.length})`)
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v])
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}
