// Storage promises, in-process: restart keeps every board, compaction keeps data, write and load failures
// are surfaced (never swallowed, never stored over), graceful shutdown flushes.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_GOING_AWAY, CLOSE_INTERNAL_ERROR } from '../../shared/protocol'
import { createLogger } from '../../server/log'
import { Metrics } from '../../server/metrics'
import { openSqliteStore } from '../../server/store/sqlite'
import type { Conn } from '../../server/sync/conn'
import { Room } from '../../server/sync/room'
import { faultyStore } from '../helpers/faulty-store'
import { createBoard, metric, startTestServer, type TestServer, tempDir } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'
import { localFanout } from '../../server/sync/fanout'

const servers: TestServer[] = []
async function start(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(opts)
  servers.push(s)
  return s
}
afterEach(async () => {
  destroyProviders()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

function closeCodes(client: TestClient): number[] {
  const codes: number[] = []
  client.provider.on('connection-close', (event) => {
    if (event) codes.push(event.code)
  })
  return codes
}

function rowCount(dataDir: string, boardId: string): number {
  const db = new Database(path.join(dataDir, 'outcome-board.sqlite'), { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM updates WHERE board_id = ?').get(boardId) as { n: number }).n
  } finally {
    db.close()
  }
}

describe('durability', () => {
  it('a restart keeps every board: metadata and documents', async () => {
    const dataDir = tempDir()
    const first = await start({ dataDir })
    const boards = await Promise.all([1, 2, 3].map((i) => createBoard(first.url, `Board ${i}`)))
    for (const [i, b] of boards.entries()) {
      const c = makeProvider(first.wsUrl, b.id, b.editToken)
      await synced(c)
      for (let k = 0; k <= i; k++) c.items.push([`${b.title} item ${k}`])
      const watcher = makeProvider(first.wsUrl, b.id, b.viewToken)
      await waitFor(() => watcher.items.length === i + 1, { what: 'watcher received' })
    }
    destroyProviders()
    await first.close()

    const second = await start({ dataDir })
    for (const [i, b] of boards.entries()) {
      const res = await fetch(`${second.url}/api/boards/${b.id}?token=${b.viewToken}`)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { title: string }).title).toBe(`Board ${i + 1}`)
      const c = makeProvider(second.wsUrl, b.id, b.viewToken)
      await synced(c)
      await waitFor(() => c.items.length === i + 1, { what: `board ${i + 1} items after restart` })
      expect(c.items.get(0)).toBe(`Board ${i + 1} item 0`)
    }
  })

  it('compacts the update log in one transaction when it piles up, losing nothing', async () => {
    const dataDir = tempDir()
    const s = await start({ dataDir, compactRows: 20 })
    const b = await createBoard(s.url)
    const writer = makeProvider(s.wsUrl, b.id, b.editToken)
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await Promise.all([synced(writer), synced(watcher)])
    for (let i = 0; i < 120; i++) {
      writer.items.push([`item ${i}`])
      if (i % 10 === 9) await waitFor(() => watcher.items.length === i + 1)
    }
    await waitFor(() => watcher.items.length === 120)
    expect(await metric(s.url, 'outcome_board_compactions_total')).toBeGreaterThan(0)
    expect(rowCount(dataDir, b.id)).toBeLessThanOrEqual(21)

    destroyProviders()
    await s.close()
    expect(rowCount(dataDir, b.id)).toBeLessThanOrEqual(2) // compacted on unload too
    const again = await start({ dataDir })
    const c = makeProvider(again.wsUrl, b.id, b.viewToken)
    await waitFor(() => c.items.length === 120, { what: '120 items after compaction and restart' })
    expect(c.items.toArray()).toEqual(Array.from({ length: 120 }, (_, i) => `item ${i}`))
  })

  it('a write error is surfaced: not relayed, connections closed with 1011, counted, logged; clients recover', async () => {
    const dataDir = tempDir()
    const { store, faults } = faultyStore(openSqliteStore(dataDir))
    const logs: string[] = []
    const s = await start({ dataDir, store, logLevel: 'error', logDestination: { write: (l: string) => void logs.push(l) } })
    const b = await createBoard(s.url)
    const a = makeProvider(s.wsUrl, b.id, b.editToken)
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await Promise.all([synced(a), synced(watcher)])
    const codes = closeCodes(watcher)

    faults.failWrites = true
    a.items.push(['not yet durable'])
    await waitFor(() => codes.includes(CLOSE_INTERNAL_ERROR), { what: 'watcher closed with 1011' })
    expect(watcher.items.length).toBe(0) // never relayed
    expect(await metric(s.url, 'outcome_board_store_errors_total')).toBeGreaterThan(0)
    expect(logs.some((l) => l.includes('injected write failure'))).toBe(true)

    // Once the disk recovers, the writer's reconnect re-sends its state and it becomes durable.
    faults.failWrites = false
    await waitFor(() => watcher.items.toArray().includes('not yet durable'), { what: 'recovered', timeout: 15_000 })
    const stored = await store.loadUpdates(b.id)
    const replay = new Y.Doc()
    for (const u of stored.updates) Y.applyUpdate(replay, u)
    expect(recordItems(replay).toArray()).toEqual(['not yet durable'])
  })

  it('a server-side change (locking a bet) is stored before any client sees it; a failed write is a 500, not a crash', async () => {
    const dataDir = tempDir()
    const { store, faults } = faultyStore(openSqliteStore(dataDir))
    const s = await start({ dataDir, store, logLevel: 'silent' })
    const tree = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/team-onboarding.json'), 'utf8'))
    const created = await fetch(`${s.url}/api/boards`, { method: 'POST', body: JSON.stringify({ tree }), headers: { 'content-type': 'application/json' } })
    const b = (await created.json()) as { id: string; editToken: string; viewToken: string }
    const exported = (await (await fetch(`${s.url}/api/boards/${b.id}/tree?token=${b.viewToken}`)).json()) as { roots: any[] }
    const walk = (nodes: any[]): any[] => nodes.flatMap((n) => [n, ...walk(n.children)])
    const solution = walk(exported.roots).find((n) => n.kind === 'solution')
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await synced(watcher)
    const codes = closeCodes(watcher)

    faults.failWrites = true
    const res = await fetch(`${s.url}/api/boards/${b.id}/bet`, {
      method: 'POST',
      body: JSON.stringify({ solutionId: solution.id }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${b.editToken}` },
    })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'internal error' })
    await waitFor(() => codes.includes(CLOSE_INTERNAL_ERROR), { what: 'watcher closed with 1011' })
    expect(watcher.doc.getMap('board').get('bet')).toBeUndefined() // never relayed
    faults.failWrites = false
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200)
  })

  it('a failed load closes the connection (1011) and never stores over the board', async () => {
    const dataDir = tempDir()
    const { store, faults } = faultyStore(openSqliteStore(dataDir))
    const s = await start({ dataDir, store, roomGraceMs: 50, compactRows: 2 })
    const b = await createBoard(s.url)
    const seeder = makeProvider(s.wsUrl, b.id, b.editToken)
    await synced(seeder)
    for (let i = 0; i < 5; i++) seeder.items.push([`kept ${i}`])
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await waitFor(() => watcher.items.length === 5)
    destroyProviders()
    await waitFor(async () => (await metric(s.url, 'outcome_board_rooms')) === 0, { what: 'room unloaded' })
    const before = await store.loadUpdates(b.id)

    faults.failLoads = 1
    const doc = new Y.Doc()
    recordItems(doc).push(['offline edit'])
    const late = makeProvider(s.wsUrl, b.id, b.editToken, doc)
    const codes = closeCodes(late)
    await waitFor(() => codes.includes(CLOSE_INTERNAL_ERROR), { what: 'closed with 1011' })
    // The failed room stored nothing: no compaction of an empty doc over the real rows.
    const after = await store.loadUpdates(b.id)
    expect(after.updates.length).toBeGreaterThanOrEqual(before.updates.length)
    const replay = new Y.Doc()
    for (const u of after.updates) Y.applyUpdate(replay, u)
    expect(recordItems(replay).toArray().filter((x) => String(x).startsWith('kept'))).toHaveLength(5)

    // The provider reconnects, the room loads this time, and both sides merge.
    await waitFor(() => late.items.length === 6, { what: 'merged after reload', timeout: 15_000 })
    const check = makeProvider(s.wsUrl, b.id, b.viewToken)
    await waitFor(() => check.items.length === 6)
  })

  it('a room answers nothing before its stored state is loaded: messages wait, then the first reply is complete', async () => {
    const dataDir = tempDir()
    const { store, faults } = faultyStore(openSqliteStore(dataDir))
    const s = await start({ dataDir, store, roomGraceMs: 50 })
    const b = await createBoard(s.url)
    const seeder = makeProvider(s.wsUrl, b.id, b.editToken)
    await synced(seeder)
    seeder.items.push(['stored 1', 'stored 2'])
    const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
    await waitFor(() => watcher.items.length === 2)
    destroyProviders()
    await waitFor(() => s.deps.rooms.peek(b.id) === undefined, { what: 'room unloaded' })

    faults.loadDelayMs = 400
    const late = makeProvider(s.wsUrl, b.id, b.editToken)
    const atSync: string[][] = []
    late.provider.on('sync', (isSynced: boolean) => isSynced && atSync.push(late.items.toArray()))
    await waitFor(() => late.provider.wsconnected, { what: 'connected' })
    late.items.push(['sent while loading'])
    await synced(late)
    expect(atSync[0]).toEqual(expect.arrayContaining(['stored 1', 'stored 2']))
    faults.loadDelayMs = 0
    const check = makeProvider(s.wsUrl, b.id, b.viewToken)
    await waitFor(() => check.items.length === 3, { what: 'update sent while loading was kept' })
  })

  it('graceful shutdown closes sockets with 1001 and flushes a write that is in progress', async () => {
    const dataDir = tempDir()
    const { store, faults } = faultyStore(openSqliteStore(dataDir))
    const s = await start({ dataDir, store })
    const b = await createBoard(s.url)
    const a = makeProvider(s.wsUrl, b.id, b.editToken)
    await synced(a)
    const codes = closeCodes(a)
    faults.writeDelayMs = 300
    const started = faults.writesStarted
    a.items.push(['in flight at shutdown'])
    await waitFor(() => faults.writesStarted > started, { what: 'write started' })
    await s.close()
    await waitFor(() => codes.includes(CLOSE_GOING_AWAY), { what: 'close 1001' })
    a.provider.disconnect()

    const again = await start({ dataDir })
    const c = makeProvider(again.wsUrl, b.id, b.viewToken)
    await waitFor(() => c.items.toArray()[0] === 'in flight at shutdown', { what: 'flushed write' })
  })
})

describe('a bug inside a room', () => {
  it('fails that room (1011, pending server changes rejected) instead of an unhandled rejection that kills the process', async () => {
    const unhandled: unknown[] = []
    const record = (err: unknown) => unhandled.push(err)
    process.on('unhandledRejection', record)
    const store = openSqliteStore(tempDir())
    try {
      await store.createBoard({ id: 'AAAAAAAAAAAAAAAA', title: 't', ownerToken: 'o', editToken: 'e', viewToken: 'v' })
      const room = new Room('AAAAAAAAAAAAAAAA', {
        store,
        metrics: new Metrics(),
        log: createLogger('silent'),
        compactRows: 200,
        compactBytes: 1024 * 1024,
        presenceIntervalMs: 20,
        maxBoardBytes: 32 * 1024 * 1024,
        fanout: localFanout(),
      })
      const closes: [number, string][] = []
      // A connection whose send throws: the kind of bug that must stay inside its room.
      const conn: Conn = {
        id: 1,
        role: 'editor',
        awarenessIds: new Set(),
        isOpen: true,
        bufferedAmount: 0,
        send() {
          throw new Error('injected bug in send')
        },
        close: (code, reason) => void closes.push([code, reason]),
      }
      room.addConn(conn)
      const change = room.applyServerChange((doc) => recordItems(doc).push(['x']))
      const settled = await Promise.race([
        change.then(() => 'resolved', (err: Error) => `rejected: ${err.message}`),
        new Promise((r) => setTimeout(() => r('never settled'), 2_000)),
      ])
      expect(settled).toBe('rejected: injected bug in send')
      expect(room.state).toBe('failed')
      expect(closes).toEqual([[CLOSE_INTERNAL_ERROR, 'internal error']])
      await new Promise((r) => setTimeout(r, 50)) // let any stray rejection surface
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', record)
      await store.close()
    }
  })
})
