// Answering sync step 1 from the kept state bytes (a compacted board's stored row, the last compaction, or
// the last full encode) instead of re-encoding a big doc: the answers must be exactly what encoding the doc
// would give, byte for byte, and the kept bytes must never be used once the doc has changed.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_SYNC, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE } from '../../shared/protocol'
import { openSqliteStore } from '../../server/store/sqlite'
import { FULL_STATE_CACHE_MIN_BYTES } from '../../server/sync/room'
import { openRaw } from '../helpers/raw-socket'
import { createBoard, metric, startTestServer, type TestServer, tempDir } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'

const servers: TestServer[] = []
afterEach(async () => {
  destroyProviders()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
async function start(dataDir: string) {
  const s = await startTestServer({ dataDir })
  servers.push(s)
  return s
}

const syncStep1 = (stateVector: Uint8Array) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  encoding.writeVarUint(e, SYNC_STEP_1)
  encoding.writeVarUint8Array(e, stateVector)
  return encoding.toUint8Array(e)
}

/** The sync messages among `frames`, in the order they came: [step, payload]. */
function syncMessages(frames: Uint8Array[]): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = []
  for (const f of frames) {
    const d = decoding.createDecoder(f)
    if (decoding.readVarUint(d) !== MESSAGE_SYNC) continue
    const step = decoding.readVarUint(d)
    out.push([step, decoding.readVarUint8Array(d)])
  }
  return out
}

/** The update in the first sync step 2 frame among `frames`, or null. */
const step2Of = (frames: Uint8Array[]): Uint8Array | null => syncMessages(frames).find(([step]) => step === SYNC_STEP_2)?.[1] ?? null

/** A board of `count` items written through the first server, which then closes: one compacted row. */
async function compactedBoard(dataDir: string, count: number) {
  const first = await start(dataDir)
  const b = await createBoard(first.url)
  const writer = makeProvider(first.wsUrl, b.id, b.editToken)
  await synced(writer)
  writer.doc.transact(() => {
    for (let i = 0; i < count; i++) writer.items.push([`${i} ${'padding '.repeat(8)}`])
  })
  const watcher = makeProvider(first.wsUrl, b.id, b.viewToken)
  await waitFor(() => watcher.items.length === count, { what: 'board written' })
  destroyProviders()
  servers.splice(0)
  await first.close()
  const probe = openSqliteStore(dataDir)
  try {
    const { updates } = await probe.loadUpdates(b.id)
    expect(updates).toHaveLength(1)
    return { board: b, row: updates[0] }
  } finally {
    await probe.close()
  }
}

/** Opens a raw socket, sends sync step 1 with `stateVector`, and returns the server's sync step 2 update. */
async function askStep2(s: TestServer, boardId: string, token: string, stateVector: Uint8Array): Promise<Uint8Array> {
  const sock = await openRaw(`${s.wsUrl}/${boardId}?token=${token}`)
  sock.send(syncStep1(stateVector))
  await waitFor(() => step2Of(sock.received), { what: 'sync step 2' })
  sock.close()
  return step2Of(sock.received)!
}

const docOf = (...updates: Uint8Array[]) => {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

describe('sync step 1 answered from the kept state', () => {
  it('after a restart: a fresh client gets the stored compacted row, a partial client exactly what it lacks; after an edit the kept bytes are not used', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const b = await createBoard(first.url)
    const writer = makeProvider(first.wsUrl, b.id, b.editToken)
    await synced(writer)
    const text = 'a node title long enough to make the board big '.repeat(2)
    writer.doc.transact(() => {
      for (let i = 0; i < 1000; i++) writer.items.push([`${i} ${text}`])
    })
    const watcher = makeProvider(first.wsUrl, b.id, b.viewToken)
    await waitFor(() => watcher.items.length === 1000, { what: 'first half stored and relayed' })
    const partialState = Y.encodeStateAsUpdate(writer.doc) // what a client that went offline here holds
    writer.doc.transact(() => {
      for (let i = 1000; i < 2000; i++) writer.items.push([`${i} ${text}`])
      writer.items.delete(0, 10)
    })
    await waitFor(() => watcher.items.length === 1990, { what: 'second half stored and relayed' })
    destroyProviders()
    servers.splice(0)
    await first.close() // graceful: the room is flushed and compacted into one row

    const probe = openSqliteStore(dataDir)
    const stored = await probe.loadUpdates(b.id)
    await probe.close()
    expect(stored.updates).toHaveLength(1)
    const row = stored.updates[0]
    expect(row.byteLength).toBeGreaterThanOrEqual(FULL_STATE_CACHE_MIN_BYTES)
    const expected = docOf(row) // the board as the server will hold it

    const second = await start(dataDir)
    // A fresh client: the stored row, as it is, which is also exactly what encoding the doc gives.
    const fresh = await askStep2(second, b.id, b.viewToken, Y.encodeStateVector(new Y.Doc()))
    expect(Buffer.from(fresh).equals(Buffer.from(row))).toBe(true)
    expect(Buffer.from(fresh).equals(Buffer.from(Y.encodeStateAsUpdate(expected)))).toBe(true)
    // A client with part of the board: exactly what it is missing, byte for byte.
    const partialDoc = docOf(partialState)
    const sv = Y.encodeStateVector(partialDoc)
    const missing = await askStep2(second, b.id, b.viewToken, sv)
    expect(Buffer.from(missing).equals(Buffer.from(Y.encodeStateAsUpdate(expected, sv)))).toBe(true)
    expect(missing.byteLength).toBeLessThan(row.byteLength)
    Y.applyUpdate(partialDoc, missing)
    expect(recordItems(partialDoc).toArray()).toEqual(recordItems(expected).toArray())
    expect(Y.encodeStateVector(partialDoc)).toEqual(Y.encodeStateVector(expected))
    expect(await metric(second.url, 'outcome_board_sync_answers_from_state_total')).toBe(2)

    // An edit: the kept bytes are dropped; the next answers carry the edit.
    const editor = makeProvider(second.wsUrl, b.id, b.editToken)
    await synced(editor)
    const fromState = await metric(second.url, 'outcome_board_sync_answers_from_state_total')
    editor.items.push(['after restart'])
    const watcher2 = makeProvider(second.wsUrl, b.id, b.viewToken, docOf(partialState)) // not fresh: no full encode
    await waitFor(() => watcher2.items.toArray().includes('after restart'), { what: 'edit relayed' })
    const afterEdit = await askStep2(second, b.id, b.viewToken, sv)
    const now = docOf(partialState, afterEdit)
    expect(recordItems(now).toArray()).toEqual([...recordItems(expected).toArray(), 'after restart'])
    expect(Buffer.from(afterEdit).equals(Buffer.from(Y.encodeStateAsUpdate(docOf(row, Y.encodeStateAsUpdate(editor.doc)), sv)))).toBe(true)
    // Those answers were encoded from the doc; a fresh client's full encode is kept for the next one.
    expect(await metric(second.url, 'outcome_board_sync_answers_from_state_total')).toBe(fromState)
    const full1 = await askStep2(second, b.id, b.viewToken, Y.encodeStateVector(new Y.Doc()))
    const full2 = await askStep2(second, b.id, b.viewToken, Y.encodeStateVector(new Y.Doc()))
    expect(Buffer.from(full2).equals(Buffer.from(full1))).toBe(true)
    expect(recordItems(docOf(full2)).toArray()).toEqual(recordItems(now).toArray())
    expect(await metric(second.url, 'outcome_board_sync_answers_from_state_total')).toBe(fromState + 1)
  })

  it("right after a restart, the board goes out before the server asks for what the client has; that question follows once the doc is built, so a client's own edits still get in", async () => {
    const dataDir = tempDir()
    const { board: b, row } = await compactedBoard(dataDir, 1500)
    const second = await start(dataDir)
    const sock = await openRaw(`${second.wsUrl}/${b.id}?token=${b.editToken}`)
    sock.send(syncStep1(Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => syncMessages(sock.received).some(([step]) => step === SYNC_STEP_1), { what: "the server's sync step 1" })
    const messages = syncMessages(sock.received)
    const steps = messages.map(([step]) => step)
    // Reading the row's state vector decodes all of it, as long as the build; the step 2 must not wait for it.
    expect(steps.indexOf(SYNC_STEP_2)).toBeGreaterThanOrEqual(0)
    expect(steps.indexOf(SYNC_STEP_2)).toBeLessThan(steps.indexOf(SYNC_STEP_1))
    expect(Buffer.from(messages[steps.indexOf(SYNC_STEP_2)][1]).equals(Buffer.from(row))).toBe(true)
    expect(messages[steps.indexOf(SYNC_STEP_1)][1]).toEqual(Y.encodeStateVector(docOf(row)))
    sock.close()
    servers.splice(0)
    await second.close()

    // A real client that kept the board and changed it while the server was down: its change is sent in
    // answer to the server's sync step 1, so it arrives once the restarted server has built the doc.
    const third = await start(dataDir)
    const offline = docOf(row)
    recordItems(offline).push(['made while the server was down'])
    const returning = makeProvider(third.wsUrl, b.id, b.editToken, offline)
    await synced(returning)
    const check = makeProvider(third.wsUrl, b.id, b.viewToken)
    await waitFor(() => check.items.length === 1501, { what: 'the offline change stored and relayed' })
    expect(check.items.get(1500)).toBe('made while the server was down')
  })

  it('right after a restart, writes sent with the first sync step 1 (answered before the doc is built) are applied, stored and relayed', async () => {
    const dataDir = tempDir()
    const { board: b, row } = await compactedBoard(dataDir, 1500)
    // The editor's client already holds the board plus one change of its own, and sends both messages at once.
    // (Made before the sockets open: decoding the board here must not outlast the server's wait for the build.)
    const mine = docOf(row)
    const before = Y.encodeStateVector(mine)
    recordItems(mine).push(['written during the load'])
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    encoding.writeVarUint(e, SYNC_STEP_2)
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(mine, before))
    const second = await start(dataDir)
    const viewer = await openRaw(`${second.wsUrl}/${b.id}?token=${b.viewToken}`)
    const editor = await openRaw(`${second.wsUrl}/${b.id}?token=${b.editToken}`)
    viewer.send(syncStep1(Y.encodeStateVector(new Y.Doc())))
    editor.send(syncStep1(Y.encodeStateVector(mine)))
    editor.send(encoding.toUint8Array(e))
    await waitFor(() => step2Of(viewer.received), { what: 'viewer step 2' })
    expect(Buffer.from(step2Of(viewer.received)!).equals(Buffer.from(row))).toBe(true)
    // The viewer receives the editor's change as a relayed update.
    const seen = docOf(step2Of(viewer.received)!)
    await waitFor(
      () => {
        for (const [step, update] of syncMessages(viewer.received)) if (step === SYNC_UPDATE) Y.applyUpdate(seen, update)
        return recordItems(seen).length === 1501
      },
      { what: 'the change relayed to the viewer' },
    )
    expect(recordItems(seen).get(1500)).toBe('written during the load')
    viewer.close()
    editor.close()
    servers.splice(0)
    await second.close()
    const third = await start(dataDir)
    const check = makeProvider(third.wsUrl, b.id, b.viewToken)
    await synced(check)
    expect(check.items.length).toBe(1501)
    expect(check.items.get(1500)).toBe('written during the load')
  })
})
