// WAL checkpoints run in a worker thread, so that no commit on the server's event loop pays for syncing the
// files; the main connection checkpoints by itself only as a backstop, or again by default when the worker
// cannot run. Under writes that never pause, the worker holds them for a moment so the WAL can start over.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, expect, it } from 'vitest'
import { openSqliteStore } from '../../server/store/sqlite'
import type { Store } from '../../server/store/types'
import { startWalCheckpointer, type WalCheckpointer } from '../../server/store/wal-checkpoint'
import { tempDir } from '../helpers/server'
import { sleep, waitFor } from '../helpers/wait'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn()
})

function openWalDb(): { db: Database.Database; file: string } {
  const file = path.join(tempDir(), 'test.sqlite')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB NOT NULL)')
  cleanups.push(() => {
    db.close()
  })
  return { db, file }
}

const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true })

it('folds the WAL into the database file from the worker while the main connection only appends', async () => {
  const { db, file } = openWalDb()
  const checkpointer = startWalCheckpointer(db, file, { intervalMs: 20 })
  cleanups.push(() => checkpointer.close())
  await waitFor(() => autocheckpoint(db) === 10_000, { what: 'the worker to take over checkpoints' })

  const sizeBefore = fs.statSync(file).size
  const insert = db.prepare('INSERT INTO t (data) VALUES (?)')
  // ~2,000 pages of WAL: far below the main connection's backstop, so only the worker can move them.
  for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(16 * 1024, i % 256))
  await waitFor(() => fs.statSync(file).size > sizeBefore + 7 * 1024 * 1024, { what: 'the database file to grow' })

})

it('starts the WAL over under writes that never pause, holding them for a moment when it has grown', async () => {
  const { db, file } = openWalDb()
  const checkpointer = startWalCheckpointer(db, file, { intervalMs: 50, resetPages: 64 })
  cleanups.push(() => checkpointer.close())
  await waitFor(() => autocheckpoint(db) === 10_000, { what: 'the worker to take over checkpoints' })

  // A writer like the store's: a commit every millisecond or so, waiting only while the worker holds it.
  const insert = db.prepare('INSERT INTO t (data) VALUES (?)')
  const row = Buffer.alloc(16 * 1024, 7) // 4 pages: 1,500 of them are ~30 MiB of WAL if it never starts over
  let writes = 0
  let holds = 0
  let largestWal = 0
  const until = performance.now() + 1500
  while (performance.now() < until) {
    const held = checkpointer.writesHeld()
    if (held) {
      holds++
      await held
    }
    insert.run(row)
    writes++
    largestWal = Math.max(largestWal, fs.statSync(`${file}-wal`).size)
    await sleep(1)
  }
  expect(writes).toBeGreaterThan(200)
  expect(holds).toBeGreaterThan(0)
  // Without the hold every checkpoint ends behind the writer and the WAL only grows (4 pages per write).
  expect(largestWal).toBeLessThan(Math.min(writes * 4 * 4096 * 0.5, 8 * 1024 * 1024))
})

it("goes back to SQLite's own checkpoints when the worker cannot run, and says so", async () => {
  const { db, file } = openWalDb()
  db.pragma('wal_autocheckpoint = 0')
  const errors: string[] = []
  const checkpointer: WalCheckpointer = startWalCheckpointer(db, `${file}.missing`, { onError: (m) => errors.push(m) })
  cleanups.push(() => checkpointer.close())
  await waitFor(() => errors.length > 0, { what: 'the failure to be reported' })
  await sleep(200) // the worker's 'exit' follows its 'error'
  expect(errors).toHaveLength(1)
  expect(errors[0]).toMatch(/checkpoint worker/)
  expect(autocheckpoint(db)).toBe(1000)
})

it('a store stops its checkpoint worker on close and leaves no WAL behind', async () => {
  const dir = tempDir()
  const store: Store = openSqliteStore(dir)
  await store.createBoard({ id: 'b1', title: 't', ownerToken: 'o', editToken: 'e', viewToken: 'v' })
  for (let i = 0; i < 100; i++) await store.appendUpdates('b1', [new Uint8Array(512).fill(i)])
  await store.close()
  const wal = path.join(dir, 'outcome-board.sqlite-wal')
  expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0)
  const reopened = openSqliteStore(dir, { checkpointInWorker: false })
  cleanups.push(() => reopened.close())
  expect((await reopened.loadUpdates('b1')).updates).toHaveLength(100)
})
