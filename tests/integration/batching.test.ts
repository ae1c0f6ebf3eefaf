// The room's batching: frames that arrive together from many sockets are applied, stored (one transaction)
// and relayed as one batch, not one transaction per frame with each relay waiting on the commits before it.
// A lone edit in an idle room is stored and relayed at once, in its socket's handler.
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../../server/store/sqlite'
import type { Store } from '../../server/store/types'
import { createBoard, startTestServer, type TestServer, tempDir } from '../helpers/server'
import { sleep, waitFor } from '../helpers/wait'
import { openRaw } from '../helpers/raw-socket'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'

const servers: TestServer[] = []
afterEach(async () => {
  destroyProviders()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** The SQLite store, recording how many updates each append carried, and whether it was done at once
 *  (appendUpdatesNow, in the socket's handler) or waited for (appendUpdates, in a batch). */
function countingStore(dataDir: string): { store: Store; appends: string[] } {
  const inner = openSqliteStore(dataDir)
  const appends: string[] = []
  const store: Store = {
    ...inner,
    async appendUpdates(boardId, updates) {
      appends.push(`batch of ${updates.length}`)
      return inner.appendUpdates(boardId, updates)
    },
    appendUpdatesNow(boardId, updates) {
      appends.push(`now ${updates.length}`)
      return inner.appendUpdatesNow!(boardId, updates)
    },
  }
  return { store, appends }
}

/** Keeps this process's event loop (which the in-process server shares) busy, so frames pile up unread. */
function blockLoop(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

describe('room batching', () => {
  it('of 10 updates that arrive in one event-loop turn, the first is stored and relayed at once, the other 9 in one transaction', async () => {
    const dataDir = tempDir()
    const { store, appends } = countingStore(dataDir)
    const s = await startTestServer({ dataDir, store })
    servers.push(s)
    const b = await createBoard(s.url)
    const writers = Array.from({ length: 10 }, () => makeProvider(s.wsUrl, b.id, b.editToken))
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await Promise.all([...writers, watcher].map((c) => synced(c)))

    appends.length = 0
    writers.forEach((w, i) => w.items.push([`from ${i}`])) // each provider writes its frame to its socket now
    blockLoop(100) // every frame is in the server's socket buffers before the server reads any of them
    await waitFor(() => watcher.items.length === 10, { what: 'watcher received all 10' })
    expect(appends).toEqual(['now 1', 'batch of 9'])
    for (const w of writers) await waitFor(() => w.items.length === 10, { what: 'every writer received the others' })
    expect(new Set(watcher.items.toArray())).toEqual(new Set(writers.map((_, i) => `from ${i}`)))
  })
})

describe('a lone edit', () => {
  it('is stored and relayed in its socket handler; when the store cannot commit at once, through the queue', async () => {
    const dataDir = tempDir()
    const { store, appends } = countingStore(dataDir)
    let holdWrites = false
    const inner = store.appendUpdatesNow!
    store.appendUpdatesNow = (boardId, updates) => (holdWrites ? null : inner(boardId, updates))
    const s = await startTestServer({ dataDir, store })
    servers.push(s)
    const b = await createBoard(s.url)
    const writer = makeProvider(s.wsUrl, b.id, b.editToken)
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await Promise.all([writer, watcher].map((c) => synced(c)))

    appends.length = 0
    for (let i = 1; i <= 3; i++) {
      writer.items.push([`edit ${i}`])
      await waitFor(() => watcher.items.length === i, { what: `edit ${i} relayed` })
    }
    expect(appends).toEqual(['now 1', 'now 1', 'now 1'])

    appends.length = 0
    holdWrites = true // as while the WAL checkpointer holds writes for a moment
    writer.items.push(['held'])
    await waitFor(() => watcher.items.length === 4, { what: 'the held edit relayed' })
    expect(appends).toEqual(['batch of 1'])
  })
})

describe('presence beside the write path', () => {
  it('relays awareness at once while a document update waits for its commit, and still relays that update only after the commit', async () => {
    const dataDir = tempDir()
    const inner = openSqliteStore(dataDir)
    let gate: (() => void) | null = null
    let holding = false
    let held = 0
    const store: Store = {
      ...inner,
      appendUpdatesNow: undefined, // every write waits in the queue, where this test holds one
      async appendUpdates(boardId, updates) {
        if (holding) {
          holding = false
          held++
          await new Promise<void>((resolve) => (gate = resolve))
        }
        return inner.appendUpdates(boardId, updates)
      },
    }
    const s = await startTestServer({ dataDir, store })
    servers.push(s)
    const b = await createBoard(s.url)
    const writer = makeProvider(s.wsUrl, b.id, b.editToken)
    const other = makeProvider(s.wsUrl, b.id, b.editToken)
    await Promise.all([writer, other].map((c) => synced(c)))

    holding = true
    writer.items.push(['stored first'])
    await waitFor(() => held === 1, { what: 'the write is waiting for its commit' })
    other.provider.awareness.setLocalStateField('cursor', { x: 1 })
    const otherId = other.doc.clientID
    await waitFor(() => writer.provider.awareness.getStates().get(otherId)?.cursor?.x === 1, {
      what: "writer saw the other client's cursor while the write was not committed",
    })
    expect(other.items.length).toBe(0) // not relayed before it is committed
    gate!()
    await waitFor(() => other.items.length === 1, { what: 'update relayed after the commit' })
  })
})

describe('presence behind updates of the same turn', () => {
  it('a cursor that arrives after an edit, in the same event-loop turn, is relayed after that edit', async () => {
    const s = await startTestServer({ dataDir: tempDir() })
    servers.push(s)
    const b = await createBoard(s.url)
    const writer = makeProvider(s.wsUrl, b.id, b.editToken)
    await synced(writer)
    const watcher = await openRaw(`${s.wsUrl}/${b.id}?token=${b.viewToken}`)
    await waitFor(() => watcher.received.length >= 1, { what: "the watcher's sync step 1" })
    await sleep(100) // and whatever else a join is sent
    // Frame types as the watcher sees them: 0 = sync (the edit), 1 = awareness (the cursor).
    const typesFrom = watcher.received.length
    writer.items.push(['edited'])
    writer.provider.awareness.setLocalStateField('cursor', { x: 42 })
    blockLoop(100) // both frames are in the server's socket buffer before it reads either
    await waitFor(() => watcher.received.slice(typesFrom).some((f) => f[0] === 1) && watcher.received.slice(typesFrom).some((f) => f[0] === 0), {
      what: 'the edit and the cursor reached the watcher',
    })
    const types = watcher.received.slice(typesFrom).map((f) => f[0])
    expect(types.indexOf(0)).toBeLessThan(types.indexOf(1))
    watcher.close()
  })
})
