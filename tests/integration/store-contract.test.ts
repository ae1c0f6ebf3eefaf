// One contract, two engines: every Store method behaves the same on SQLite (the default) and PostgreSQL
// (DATABASE_URL). PostgreSQL tests run against a throwaway database of their own; without a server they are
// skipped, saying so (in CI they fail instead).
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LockedBet } from '../../shared/bet'
import type { VersionSummary } from '../../shared/versions'
import { openPostgresStore } from '../../server/store/postgres'
import { openSqliteStore } from '../../server/store/sqlite'
import type { NewVersion, Store } from '../../server/store/types'
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../helpers/postgres'
import { tempDir } from '../helpers/server'

const pgUp = await postgresAvailable()

const engines: { name: string; skip: boolean; open: () => Promise<{ store: Store; done: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const store = openSqliteStore(tempDir(), { checkpointInWorker: false })
      return { store, done: () => store.close() }
    },
  },
  {
    name: 'postgres',
    skip: !pgUp,
    open: async () => {
      const db: TempDatabase = await createTempDatabase()
      const store = await openPostgresStore(db.url)
      return {
        store,
        done: async () => {
          await store.close()
          await db.drop()
        },
      }
    },
  },
]

let counter = 0
const boardId = () => `B${(counter++).toString().padStart(15, '0')}`
const newBoard = (id: string) => ({ id, title: 'Contract', ownerToken: `o-${id}`, editToken: `e-${id}`, viewToken: `v-${id}` })
const bet = (solutionId: string): LockedBet =>
  ({ solutionId, title: `Bet ${solutionId}`, lockedAt: new Date().toISOString(), lockedBy: 'Ada', path: {} }) as unknown as LockedBet
const summary: VersionSummary = { added: 1, removed: 0, renamed: 0, moved: 0, rescored: 0, edited: 0, examples: { added: ['x'], removed: [], renamed: [] } }
const version = (hash: string, name: string | null = null): NewVersion => ({
  at: new Date().toISOString(),
  name,
  reason: name ? 'named' : 'auto',
  people: [{ name: 'Ada', role: 'editor' }],
  summary,
  hash,
  records: new Uint8Array([1, 2, 3, hash.length]),
})

for (const engine of engines) {
  describe.skipIf(engine.skip)(`store contract: ${engine.name}`, () => {
    let store: Store
    let done: () => Promise<void>
    beforeAll(async () => {
      ;({ store, done } = await engine.open())
    })
    afterAll(() => done?.())

    it('creates, reads, renames a board and rotates its tokens', async () => {
      const id = boardId()
      const created = await store.createBoard(newBoard(id))
      expect(created).toMatchObject({ id, title: 'Contract', ownerToken: `o-${id}` })
      expect(await store.getBoard(id)).toEqual(created)
      expect(await store.getBoard('nope')).toBeNull()
      expect((await store.setTitle(id, 'Renamed'))?.title).toBe('Renamed')
      const rotated = await store.setTokens(id, { editToken: 'new-edit' })
      expect(rotated).toMatchObject({ editToken: 'new-edit', viewToken: `v-${id}`, ownerToken: `o-${id}` })
      expect(await store.setTitle('nope', 'x')).toBeNull()
    })

    it('appends updates in order, loads them, and compacts without losing later rows', async () => {
      const id = boardId()
      await store.createBoard(newBoard(id))
      const doc = new Y.Doc()
      const updates: Uint8Array[] = []
      doc.on('update', (u: Uint8Array) => updates.push(u))
      for (let i = 0; i < 5; i++) doc.getArray<number>('a').push([i])
      const seq1 = await store.appendUpdates(id, updates.slice(0, 3))
      const seq2 = await store.appendUpdates(id, updates.slice(3))
      expect(seq2).toBeGreaterThan(seq1)
      const loaded = await store.loadUpdates(id)
      expect(loaded.updates.map((u) => [...u])).toEqual(updates.map((u) => [...u]))
      expect(loaded.lastSeq).toBe(seq2)
      expect(loaded.bytes).toBe(updates.reduce((n, u) => n + u.byteLength, 0))

      // Compact the first three; the two after stay after the merged row.
      const merged = Y.mergeUpdates(updates.slice(0, 3))
      await store.compact(id, merged, seq1)
      const after = await store.loadUpdates(id)
      expect(after.updates.length).toBe(3)
      const replay = new Y.Doc()
      for (const u of after.updates) Y.applyUpdate(replay, u)
      expect(replay.getArray('a').toArray()).toEqual([0, 1, 2, 3, 4])
      expect(after.lastSeq).toBe(seq2)
    })

    it('locks one bet at a time, logs every decision, records pushes', async () => {
      const id = boardId()
      await store.createBoard(newBoard(id))
      const [a, b] = await Promise.all([
        store.lockBet(id, bet('shape:a'), { name: 'Ada', role: 'editor' }),
        store.lockBet(id, bet('shape:b'), { name: 'Bo', role: 'owner' }),
      ])
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
      const locked = (await store.getBet(id))!
      expect(['shape:a', 'shape:b']).toContain(locked.solutionId)
      const pushed = await store.recordPush(id, { tracker: 'github', url: 'https://x/1', key: '#1', at: new Date().toISOString() })
      expect(pushed?.tracker?.key).toBe('#1')
      expect(await store.unlockBet(id, { name: 'Owner', role: 'owner' }, 7)).toMatchObject({ solutionId: locked.solutionId })
      expect(await store.getBet(id)).toBeNull()
      expect(await store.unlockBet(id, { name: 'Owner', role: 'owner' })).toBeNull()
      const log = await store.listDecisions(id)
      expect(log.map((d) => d.action)).toEqual(['lock', 'unlock'])
      expect(log[0].pushes).toHaveLength(1)
      expect(log[1].versionId).toBe(7)
      expect(log.map((d) => d.why)).toEqual([null, null])
    })

    it('keeps the why of a lock and of an unlock in the decision log', async () => {
      const id = boardId()
      await store.createBoard(newBoard(id))
      const why = 'Cheapest way to learn whether teams read digests.'
      expect((await store.lockBet(id, { ...bet('shape:a'), why }, { name: 'Ada', role: 'editor' })).ok).toBe(true)
      expect((await store.getBet(id))?.why).toBe(why)
      await store.unlockBet(id, { name: 'Owner', role: 'owner' }, 3, 'The interviews said otherwise.')
      await store.lockBet(id, bet('shape:b'), { name: 'Bo', role: 'editor' })
      await store.unlockBet(id, { name: 'Owner', role: 'owner' })
      const log = await store.listDecisions(id)
      expect(log.map((d) => [d.action, d.why])).toEqual([
        ['lock', why],
        ['unlock', 'The interviews said otherwise.'],
        ['lock', null],
        ['unlock', null],
      ])
    })

    it('numbers versions per board, skips an unchanged one on request, lists, reads and deletes them', async () => {
      const id = boardId()
      await store.createBoard(newBoard(id))
      const v1 = await store.addVersion(id, version('h1'))
      const v2 = await store.addVersion(id, version('h2', 'After synthesis'))
      expect(await store.addVersion(id, version('h2'), { unlessSameAsLatest: true })).toBeNull()
      expect([v1?.id, v2?.id]).toEqual([1, 2])
      const list = await store.listVersions(id)
      expect(list.map((v) => v.id)).toEqual([2, 1])
      expect(list[0]).toMatchObject({ name: 'After synthesis', reason: 'named', people: [{ name: 'Ada', role: 'editor' }], summary, bytes: 4 })
      expect(await store.listVersions(id, 1)).toHaveLength(1)
      const got = await store.getVersion(id, 1)
      expect([...got!.records]).toEqual([1, 2, 3, 2])
      expect(await store.getVersion(id, 99)).toBeNull()
      expect(await store.deleteVersions(id, [1, 99])).toBe(1)
      expect((await store.addVersion(id, version('h3')))?.id).toBe(3) // ids never reused
    })

    it('keeps the timer, runs one voting round at a time, counts ballots and tallies', async () => {
      const id = boardId()
      await store.createBoard(newBoard(id))
      expect(await store.getTimer(id)).toBeNull()
      await store.setTimer(id, { status: 'running', durationMs: 1000 } as never)
      expect(await store.getTimer(id)).toMatchObject({ status: 'running' })
      const round = { id: `r-${id}`, settings: { target: 'solution', votesPerPerson: 2, allowMultiple: false } as never, candidates: [{ id: 'shape:a', title: 'A' }], startedAt: new Date().toISOString() }
      const started = await store.startRound(id, round)
      expect(started.ok).toBe(true)
      expect((await store.startRound(id, { ...round, id: `r2-${id}` })).ok).toBe(false)
      const atMostTwo = (b: Record<string, number>) => (Object.values(b).reduce((n, c) => n + c, 0) <= 2 ? { ok: true as const } : { ok: false as const, reason: 'too many' })
      // Concurrent votes by one voter never exceed the limit.
      const results = await Promise.all([1, 2, 3].map(() => store.castVote(round.id, 'voter-1', 'shape:a', 1, atMostTwo)))
      expect(results.filter((r) => r.ok)).toHaveLength(2)
      expect(await store.getBallot(round.id, 'voter-1')).toEqual({ 'shape:a': 2 })
      await store.castVote(round.id, 'voter-2', 'shape:a', 1, atMostTwo)
      expect((await store.latestRound(id))?.voters).toBe(2)
      expect(await store.tally(round.id)).toEqual({ 'shape:a': 3 })
      await store.finishRound(round.id, 'revealed', [], new Date().toISOString())
      expect((await store.latestRound(id))?.status).toBe('revealed')
      expect((await store.castVote(round.id, 'voter-3', 'shape:a', 1, atMostTwo)).ok).toBe(false)
    })

    it('deletes a board and everything kept for it', async () => {
      const id = boardId()
      await store.createBoard(newBoard(id))
      await store.appendUpdates(id, [new Uint8Array([0, 0])])
      await store.lockBet(id, bet('shape:a'), { name: 'Ada', role: 'editor' })
      await store.addVersion(id, version('h'))
      await store.setTimer(id, { status: 'idle' } as never)
      expect(await store.deleteBoard(id)).toBe(true)
      expect(await store.getBoard(id)).toBeNull()
      expect((await store.loadUpdates(id)).updates).toEqual([])
      expect(await store.listDecisions(id)).toEqual([])
      expect(await store.listVersions(id)).toEqual([])
      expect(await store.getTimer(id)).toBeNull()
      expect(await store.deleteBoard(id)).toBe(false)
    })
  })
}

// A database made before decisions had a `why` (schema one version older, with a logged decision) opens,
// is migrated, and reads its old decisions with `why: null`; new ones keep theirs.
describe('migrating to the decision log with a why', () => {
  const oldDecision = (id: string) => [id, 'lock', 'shape:a', 'Bet shape:a', 'Ada', 'editor', new Date().toISOString(), JSON.stringify(bet('shape:a')), '[]']

  /** The reopened (migrated) store reads the old decision with `why: null` and keeps a new one's; then closes. */
  async function expectMigratedWhy(store: Store, id: string) {
    try {
      expect((await store.listDecisions(id)).map((d) => [d.action, d.why])).toEqual([['lock', null]])
      await store.unlockBet(id, { name: 'Owner', role: 'owner' }, undefined, 'Changed our mind')
      expect((await store.listDecisions(id)).map((d) => d.why)).toEqual([null, 'Changed our mind'])
    } finally {
      await store.close()
    }
  }

  it('sqlite', async () => {
    const dir = tempDir()
    const id = boardId()
    const fresh = openSqliteStore(dir, { checkpointInWorker: false })
    await fresh.createBoard(newBoard(id))
    await fresh.close()
    const db = new Database(path.join(dir, 'outcome-board.sqlite'))
    const version = db.pragma('user_version', { simple: true }) as number
    db.exec('ALTER TABLE decisions DROP COLUMN why')
    db.pragma(`user_version = ${version - 1}`)
    db.prepare('INSERT INTO decisions (board_id, action, solution_id, title, actor_name, actor_role, at, bet, pushes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(...oldDecision(id))
    db.prepare('INSERT INTO bets (board_id, decision_id) SELECT board_id, id FROM decisions WHERE board_id = ?').run(id)
    db.close()
    await expectMigratedWhy(openSqliteStore(dir, { checkpointInWorker: false }), id)
  })

  it.skipIf(!pgUp)('postgres', async () => {
    const tmp = await createTempDatabase()
    const id = boardId()
    try {
      const fresh = await openPostgresStore(tmp.url)
      await fresh.createBoard(newBoard(id))
      await fresh.close()
      const client = new pg.Client({ connectionString: tmp.url })
      await client.connect()
      await client.query('ALTER TABLE decisions DROP COLUMN why')
      await client.query('UPDATE schema_version SET version = version - 1')
      await client.query('INSERT INTO decisions (board_id, action, solution_id, title, actor_name, actor_role, at, bet, pushes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', oldDecision(id))
      await client.query('INSERT INTO bets (board_id, decision_id) SELECT board_id, id FROM decisions WHERE board_id = $1', [id])
      await client.end()
      await expectMigratedWhy(await openPostgresStore(tmp.url), id)
    } finally {
      await tmp.drop()
    }
  })
})
