// The PostgreSQL engine (`pg`): the same Store as sqlite.ts, for several server processes sharing one
// database (DATABASE_URL). Schema versions live in a one-row table; migrations run at start in one
// transaction under an advisory lock, so processes starting together migrate once.
// Durability: every write is a committed transaction (synchronous_commit as the server is set, on by
// default) before the promise resolves; the room relays an update only after that.
// Board-scoped read-check-write transactions (locking a bet, starting a round, casting a vote, numbering a
// version) take a transaction-level advisory lock on the board, so two processes doing them at once are
// serialized exactly as SQLite's single writer serializes them.
import pg from 'pg'
import type { LockedBet } from '../../shared/bet'
import type { TimerState } from '../../shared/timer'
import { type BoardRow, currentBet, type DecisionRow, type RoundRow, toBoard, toDecision, toRound, toVersion, type VersionRow } from './rows'
import type { Ballot, Role, Store, StoredUpdates, TrackerPush } from './types'

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
     seq BIGSERIAL PRIMARY KEY,
     board_id TEXT NOT NULL REFERENCES boards(id),
     data BYTEA NOT NULL
   );
   CREATE INDEX updates_board_seq ON updates(board_id, seq);
   CREATE TABLE decisions (
     id BIGSERIAL PRIMARY KEY,
     board_id TEXT NOT NULL REFERENCES boards(id),
     action TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
     solution_id TEXT NOT NULL,
     title TEXT NOT NULL,
     actor_name TEXT NOT NULL,
     actor_role TEXT NOT NULL,
     at TEXT NOT NULL,
     bet TEXT NOT NULL,
     pushes TEXT NOT NULL DEFAULT '[]',
     version_id INTEGER
   );
   CREATE INDEX decisions_board ON decisions(board_id, id);
   CREATE TABLE bets (
     board_id TEXT PRIMARY KEY REFERENCES boards(id),
     decision_id BIGINT NOT NULL REFERENCES decisions(id)
   );
   CREATE TABLE timers (
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
     started_seq BIGSERIAL,
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
   );
   CREATE TABLE versions (
     board_id TEXT NOT NULL REFERENCES boards(id),
     id INTEGER NOT NULL,
     at TEXT NOT NULL,
     name TEXT,
     reason TEXT NOT NULL,
     people TEXT NOT NULL,
     summary TEXT NOT NULL,
     hash TEXT NOT NULL,
     records BYTEA NOT NULL,
     UNIQUE (board_id, id)
   );
   CREATE TABLE version_seq (
     board_id TEXT PRIMARY KEY REFERENCES boards(id),
     last INTEGER NOT NULL
   );`,
  // Why a bet was locked or unlocked, as the person wrote it (null: no reason given).
  `ALTER TABLE decisions ADD COLUMN why TEXT;`,
]

/** The advisory lock key migrations run under (any constant no other code uses). */
const MIGRATION_LOCK = 7_426_611_001

/** How stale a written board's updated_at may be (as in sqlite.ts: a busy board's appends don't rewrite
 *  its row every time). */
const TOUCH_EVERY_MS = 1000
const TOUCH_MEMORY_BOARDS = 10_000

type Queryable = pg.Pool | pg.PoolClient

const bytesOf = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

export interface PostgresOptions {
  /** Pool size per process (default 10). */
  max?: number
}

export async function openPostgresStore(connectionString: string, options: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 })
  // An idle client's error (the server restarting) must not take the process down; the next query reconnects.
  pool.on('error', () => {})
  await migrate(pool)

  /** Runs `fn` in a transaction on one client, holding the board's advisory lock when `boardId` is given. */
  async function tx<T>(boardId: string | null, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      if (boardId !== null) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [boardId])
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  }

  const one = async <R extends pg.QueryResultRow>(q: Queryable, text: string, values: unknown[]): Promise<R | undefined> =>
    (await q.query<R>(text, values)).rows[0]

  const selectCurrent = (q: Queryable, boardId: string) =>
    one<DecisionRow>(q, 'SELECT d.* FROM bets b JOIN decisions d ON d.id = b.decision_id WHERE b.board_id = $1', [boardId])
  const logDecision = async (q: Queryable, boardId: string, action: 'lock' | 'unlock', bet: LockedBet, actor: { name: string; role: Role }, at: string, versionId: number | null, why: string | null) =>
    (await one<{ id: string }>(
      q,
      `INSERT INTO decisions (board_id, action, solution_id, title, actor_name, actor_role, at, bet, version_id, why)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [boardId, action, bet.solutionId, bet.title, actor.name, actor.role, at, JSON.stringify(bet), versionId, why],
    ))!.id

  const roundColumns = `r.*, (SELECT COUNT(DISTINCT voter_id) FROM votes v WHERE v.round_id = r.id) AS voters`
  const latestRound = (q: Queryable, boardId: string) =>
    one<RoundRow>(q, `SELECT ${roundColumns} FROM rounds r WHERE r.board_id = $1 ORDER BY r.started_at DESC, r.started_seq DESC LIMIT 1`, [boardId])
  const ballotOf = async (q: Queryable, roundId: string, voterId: string): Promise<Ballot> =>
    Object.fromEntries(
      (await q.query<{ node_id: string; count: number }>('SELECT node_id, count FROM votes WHERE round_id = $1 AND voter_id = $2', [roundId, voterId])).rows.map((r) => [r.node_id, r.count]),
    )
  const boardOfRound = async (roundId: string) => (await one<{ board_id: string }>(pool, 'SELECT board_id FROM rounds WHERE id = $1', [roundId]))?.board_id

  const versionColumns = 'id, at, name, reason, people, summary, hash, octet_length(records) AS bytes'
  const lastTouched = new Map<string, number>()
  let closed = false

  return {
    shared: true,
    async createBoard(b) {
      const now = new Date().toISOString()
      const row = await one<BoardRow>(
        pool,
        `INSERT INTO boards (id, title, owner_token, edit_token, view_token, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
        [b.id, b.title, b.ownerToken, b.editToken, b.viewToken, now],
      )
      return toBoard(row!)
    },
    async getBoard(id) {
      const row = await one<BoardRow>(pool, 'SELECT * FROM boards WHERE id = $1', [id])
      return row ? toBoard(row) : null
    },
    async setTitle(id, title) {
      const row = await one<BoardRow>(pool, 'UPDATE boards SET title = $1, updated_at = $2 WHERE id = $3 RETURNING *', [title, new Date().toISOString(), id])
      return row ? toBoard(row) : null
    },
    async setTokens(id, tokens) {
      const row = await one<BoardRow>(
        pool,
        `UPDATE boards SET owner_token = COALESCE($2, owner_token), edit_token = COALESCE($3, edit_token),
           view_token = COALESCE($4, view_token) WHERE id = $1 RETURNING *`,
        [id, tokens.ownerToken ?? null, tokens.editToken ?? null, tokens.viewToken ?? null],
      )
      return row ? toBoard(row) : null
    },
    async deleteBoard(id) {
      lastTouched.delete(id)
      return tx(id, async (c) => {
        await c.query('DELETE FROM votes WHERE round_id IN (SELECT id FROM rounds WHERE board_id = $1)', [id])
        for (const table of ['rounds', 'timers', 'bets', 'decisions', 'updates', 'versions', 'version_seq']) {
          await c.query(`DELETE FROM ${table} WHERE board_id = $1`, [id])
        }
        return ((await c.query('DELETE FROM boards WHERE id = $1', [id])).rowCount ?? 0) > 0
      })
    },

    async appendUpdates(boardId, updates) {
      if (updates.length === 0) return 0
      const now = Date.now()
      const touchDue = now - (lastTouched.get(boardId) ?? 0) >= TOUCH_EVERY_MS
      // One statement, one implicit transaction: every update is committed, or none is.
      const res = await pool.query<{ seq: string }>(
        `WITH rows AS (INSERT INTO updates (board_id, data) SELECT $1, unnest($2::bytea[]) RETURNING seq)
         SELECT max(seq) AS seq FROM rows`,
        [boardId, updates.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength))],
      )
      if (touchDue) {
        if (lastTouched.size >= TOUCH_MEMORY_BOARDS) lastTouched.clear()
        lastTouched.set(boardId, now)
        await pool.query('UPDATE boards SET updated_at = $1 WHERE id = $2', [new Date(now).toISOString(), boardId])
      }
      return Number(res.rows[0].seq)
    },
    async loadUpdates(boardId): Promise<StoredUpdates> {
      const rows = (await pool.query<{ seq: string; data: Buffer }>('SELECT seq, data FROM updates WHERE board_id = $1 ORDER BY seq', [boardId])).rows
      let bytes = 0
      const updates = rows.map((r) => {
        bytes += r.data.byteLength
        return bytesOf(r.data)
      })
      return { updates, lastSeq: rows.length ? Number(rows[rows.length - 1].seq) : 0, bytes, seqs: rows.map((r) => Number(r.seq)) }
    },
    async compact(boardId, mergedState, uptoSeq, folded) {
      await tx(boardId, async (c) => {
        // A row committed after the caller read the log may have a lower number than rows it read (sequence
        // numbers are taken before commit): with `folded`, only the rows the caller read are deleted.
        if (folded) await c.query('DELETE FROM updates WHERE board_id = $1 AND seq = ANY($2::bigint[])', [boardId, folded])
        else await c.query('DELETE FROM updates WHERE board_id = $1 AND seq <= $2', [boardId, uptoSeq])
        // The merged row takes the place of the newest row it replaces, so rows appended later stay after it.
        await c.query('INSERT INTO updates (seq, board_id, data) VALUES ($1, $2, $3)', [uptoSeq, boardId, Buffer.from(mergedState)])
      })
    },

    async getBet(boardId) {
      const row = await selectCurrent(pool, boardId)
      return row ? currentBet(row) : null
    },
    async lockBet(boardId, bet, actor) {
      return tx(boardId, async (c) => {
        const current = await selectCurrent(c, boardId)
        if (current) return { ok: false as const, current: currentBet(current) }
        const id = await logDecision(c, boardId, 'lock', bet, actor, bet.lockedAt, bet.versionId ?? null, bet.why || null)
        await c.query('INSERT INTO bets (board_id, decision_id) VALUES ($1, $2)', [boardId, id])
        return { ok: true as const, bet }
      })
    },
    async unlockBet(boardId, actor, versionId, why) {
      return tx(boardId, async (c) => {
        const current = await selectCurrent(c, boardId)
        if (!current) return null
        const bet = currentBet(current)
        await c.query('DELETE FROM bets WHERE board_id = $1', [boardId])
        await logDecision(c, boardId, 'unlock', bet, actor, new Date().toISOString(), versionId ?? null, why || null)
        return bet
      })
    },
    async recordPush(boardId, push) {
      return tx(boardId, async (c) => {
        const current = await selectCurrent(c, boardId)
        if (!current) return null
        const pushes = JSON.stringify([...(JSON.parse(current.pushes) as TrackerPush[]), push])
        await c.query('UPDATE decisions SET pushes = $1 WHERE id = $2', [pushes, current.id])
        return currentBet({ ...current, pushes })
      })
    },
    async listDecisions(boardId) {
      return (await pool.query<DecisionRow>('SELECT * FROM decisions WHERE board_id = $1 ORDER BY id', [boardId])).rows.map(toDecision)
    },

    async addVersion(boardId, v, opts) {
      return tx(boardId, async (c) => {
        if (opts?.unlessSameAsLatest) {
          const latest = await one<{ hash: string }>(c, 'SELECT hash FROM versions WHERE board_id = $1 ORDER BY id DESC LIMIT 1', [boardId])
          if (latest?.hash === v.hash) return null
        }
        const { last: id } = (await one<{ last: number }>(
          c,
          `INSERT INTO version_seq (board_id, last) VALUES ($1, 1)
           ON CONFLICT (board_id) DO UPDATE SET last = version_seq.last + 1 RETURNING last`,
          [boardId],
        ))!
        await c.query(
          `INSERT INTO versions (board_id, id, at, name, reason, people, summary, hash, records) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [boardId, id, v.at, v.name, v.reason, JSON.stringify(v.people), JSON.stringify(v.summary), v.hash, Buffer.from(v.records)],
        )
        return { id, at: v.at, name: v.name, reason: v.reason, people: v.people, summary: v.summary, hash: v.hash, bytes: v.records.byteLength }
      })
    },
    async listVersions(boardId, limit) {
      const rows = await pool.query<VersionRow>(`SELECT ${versionColumns} FROM versions WHERE board_id = $1 ORDER BY id DESC LIMIT $2`, [boardId, limit ?? null])
      return rows.rows.map(toVersion)
    },
    async getVersion(boardId, id) {
      const row = await one<VersionRow & { records: Buffer }>(pool, `SELECT ${versionColumns}, records FROM versions WHERE board_id = $1 AND id = $2`, [boardId, id])
      if (!row) return null
      const { records, ...info } = row
      return { info: toVersion(info), records: bytesOf(records) }
    },
    async deleteVersions(boardId, ids) {
      if (!ids.length) return 0
      return (await pool.query('DELETE FROM versions WHERE board_id = $1 AND id = ANY($2::int[])', [boardId, [...ids]])).rowCount ?? 0
    },

    async getTimer(boardId) {
      const row = await one<{ state: string }>(pool, 'SELECT state FROM timers WHERE board_id = $1', [boardId])
      return row ? (JSON.parse(row.state) as TimerState) : null
    },
    async setTimer(boardId, state) {
      await pool.query('INSERT INTO timers (board_id, state) VALUES ($1, $2) ON CONFLICT (board_id) DO UPDATE SET state = excluded.state', [boardId, JSON.stringify(state)])
    },
    async startRound(boardId, round) {
      return tx(boardId, async (c) => {
        const latest = await latestRound(c, boardId)
        if (latest?.status === 'open') return { ok: false as const, open: toRound(latest) }
        await c.query(`INSERT INTO rounds (id, board_id, settings, candidates, status, started_at) VALUES ($1, $2, $3, $4, 'open', $5)`, [
          round.id,
          boardId,
          JSON.stringify(round.settings),
          JSON.stringify(round.candidates),
          round.startedAt,
        ])
        return { ok: true as const, round: toRound((await one<RoundRow>(c, `SELECT ${roundColumns} FROM rounds r WHERE r.id = $1`, [round.id]))!) }
      })
    },
    async latestRound(boardId) {
      const row = await latestRound(pool, boardId)
      return row ? toRound(row) : null
    },
    async getBallot(roundId, voterId) {
      return ballotOf(pool, roundId, voterId)
    },
    async castVote(roundId, voterId, nodeId, delta, check) {
      const boardId = await boardOfRound(roundId)
      if (!boardId) return { ok: false as const, reason: 'this voting round is over' }
      return tx(boardId, async (c) => {
        const round = await one<{ status: string }>(c, 'SELECT status FROM rounds WHERE id = $1', [roundId])
        if (!round || round.status !== 'open') return { ok: false as const, reason: 'this voting round is over' }
        const ballot = await ballotOf(c, roundId, voterId)
        const next = { ...ballot, [nodeId]: (ballot[nodeId] ?? 0) + delta }
        const verdict = check(next)
        if (!verdict.ok) return { ok: false as const, reason: verdict.reason }
        if (next[nodeId] > 0) {
          await c.query(
            `INSERT INTO votes (round_id, voter_id, node_id, count) VALUES ($1, $2, $3, $4)
             ON CONFLICT (round_id, voter_id, node_id) DO UPDATE SET count = excluded.count`,
            [roundId, voterId, nodeId, next[nodeId]],
          )
        } else await c.query('DELETE FROM votes WHERE round_id = $1 AND voter_id = $2 AND node_id = $3', [roundId, voterId, nodeId])
        return { ok: true as const, ballot: await ballotOf(c, roundId, voterId) }
      })
    },
    async tally(roundId) {
      const rows = await pool.query<{ node_id: string; total: string }>('SELECT node_id, SUM(count) AS total FROM votes WHERE round_id = $1 GROUP BY node_id', [roundId])
      return Object.fromEntries(rows.rows.map((r) => [r.node_id, Number(r.total)]))
    },
    async finishRound(roundId, status, results, at) {
      await pool.query(`UPDATE rounds SET status = $1, results = $2, finished_at = $3 WHERE id = $4 AND status = 'open'`, [
        status,
        results ? JSON.stringify(results) : null,
        at,
        roundId,
      ])
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
    const row = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows[0]
    const version = row?.version ?? 0
    if (version > MIGRATIONS.length) throw new Error(`database schema version ${version} is newer than this server knows (${MIGRATIONS.length})`)
    for (let v = version; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v])
    if (!row) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length])
    else await client.query('UPDATE schema_version SET version = $1', [MIGRATIONS.length])
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
