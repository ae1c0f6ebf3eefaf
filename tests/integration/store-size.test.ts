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
