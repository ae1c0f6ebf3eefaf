// Appending updates to a real SQLite file: a lone update is one INSERT committed on its own, a batch one
// transaction; either way every update is stored in order and the board's updatedAt follows its edits,
// written at most once a second.
import { afterEach, expect, it, vi } from 'vitest'
import { openSqliteStore } from '../../server/store/sqlite'
import type { Store } from '../../server/store/types'
import { tempDir } from '../helpers/server'

let store: Store | null = null
afterEach(async () => {
  vi.useRealTimers()
  await store?.close()
  store = null
})

const update = (n: number) => new Uint8Array([n, n, n])

it('stores lone updates and batches in order, and touches updatedAt at most once a second', async () => {
  const dir = tempDir()
  store = openSqliteStore(dir)
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-01-01T10:00:00.000Z'))
  await store.createBoard({ id: 'b1', title: 't', ownerToken: 'o', editToken: 'e', viewToken: 'v' })
  const updatedAt = async () => (await store!.getBoard('b1'))!.updatedAt

  vi.setSystemTime(new Date('2026-01-01T10:00:05.000Z'))
  const s1 = store.appendUpdatesNow!('b1', [update(1)]) // first write: touch due
  expect(await updatedAt()).toBe('2026-01-01T10:00:05.000Z')
  vi.setSystemTime(new Date('2026-01-01T10:00:05.400Z'))
  const s2 = store.appendUpdatesNow!('b1', [update(2)]) // within the second: a lone INSERT, no touch
  const s3 = await store.appendUpdates('b1', [update(3), update(4)])
  expect(await updatedAt()).toBe('2026-01-01T10:00:05.000Z')
  vi.setSystemTime(new Date('2026-01-01T10:00:06.100Z'))
  const s4 = store.appendUpdatesNow!('b1', [update(5)])
  expect(await updatedAt()).toBe('2026-01-01T10:00:06.100Z')

  expect([s1, s2, s3, s4].every((s, i, all) => typeof s === 'number' && (i === 0 || s! > all[i - 1]!))).toBe(true)
  const stored = await store.loadUpdates('b1')
  expect(stored.updates.map((u) => u[0])).toEqual([1, 2, 3, 4, 5])
  expect(stored.lastSeq).toBe(s4)

  // And all of it is on disk for the next process.
  await store.close()
  store = openSqliteStore(dir)
  expect((await store.loadUpdates('b1')).updates.map((u) => u[0])).toEqual([1, 2, 3, 4, 5])
})
