// Compaction must shrink the database on disk, not just the row count: a board edited all day should not
// leave a file the size of its whole history.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { openSqliteStore } from '../../server/store/sqlite'
import type { Store } from '../../server/store/types'
import { tempDir } from '../helpers/server'

let store: Store | null = null
afterEach(async () => {
  await store?.close()
  store = null
})

const onDisk = (dir: string) =>
  ['outcome-board.sqlite', 'outcome-board.sqlite-wal']
    .map((name) => path.join(dir, name))
    .filter((file) => fs.existsSync(file))
    .reduce((sum, file) => sum + fs.statSync(file).size, 0)

it('gives the space of compacted updates back to the file system', async () => {
  const dir = tempDir()
  store = openSqliteStore(dir)
  await store.createBoard({ id: 'b1', title: 't', ownerToken: 'o', editToken: 'e', viewToken: 'v' })
  const update = new Uint8Array(2048).fill(7)
  for (let i = 0; i < 50; i++) await store.appendUpdates('b1', Array.from({ length: 40 }, () => update))
  const before = onDisk(dir)
  expect(before).toBeGreaterThan(4 * 1024 * 1024)
  const { lastSeq } = await store.loadUpdates('b1')
  await store.compact('b1', new Uint8Array(1024).fill(1), lastSeq)
  expect((await store.loadUpdates('b1')).updates).toHaveLength(1)
  expect(onDisk(dir)).toBeLessThan(512 * 1024)
})

it('reuses the pages of small compactions without syncing the files each time, and stays bounded', async () => {
  // A busy small board compacts every couple of seconds; each frees only a few pages, which the next appends
  // reuse. Giving them back (a checkpoint, which syncs the files) is left for when enough is free.
  const dir = tempDir()
  store = openSqliteStore(dir)
  await store.createBoard({ id: 'b1', title: 't', ownerToken: 'o', editToken: 'e', viewToken: 'v' })
  const update = new Uint8Array(60).fill(7)
  const mainFile = path.join(dir, 'outcome-board.sqlite')
  const sizes: number[] = []
  for (let round = 0; round < 30; round++) {
    let seq = 0
    for (let i = 0; i < 200; i++) seq = await store.appendUpdates('b1', [update])
    await store.compact('b1', new Uint8Array(3000).fill(round), seq)
    sizes.push(onDisk(dir))
  }
  expect((await store.loadUpdates('b1')).updates).toHaveLength(1)
  // No TRUNCATE checkpoint after these small compactions: the WAL is still there, capped by SQLite's own
  // checkpoints and journal_size_limit (4 MiB).
  expect(fs.statSync(mainFile + '-wal').size).toBeGreaterThan(0)
  expect(Math.max(...sizes)).toBeLessThan(5 * 1024 * 1024)
  expect(fs.statSync(mainFile).size).toBeLessThan(256 * 1024)
})
