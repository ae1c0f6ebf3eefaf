// Every client edit takes one route through the room (server/sync/room.ts): applied to the server's doc and
// checked, then stored, then relayed. What that must keep: an update the doc cannot integrate yet waits in the
// doc and goes out, stored, once its history comes, whether it came as a sync step 2 or a live edit; a
// malformed update closes its sender and changes nothing; a stored update that does not apply never keeps a
// board from loading.
import * as encoding from 'lib0/encoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_SYNC, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE } from '../../shared/protocol'
import { openRaw, type RawSocket } from '../helpers/raw-socket'
import { type CreatedBoard, createBoard, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ roomGraceMs: 100 })
})
const raws: RawSocket[] = []
afterEach(() => {
  destroyProviders()
  for (const raw of raws.splice(0)) raw.close()
})
const openWriter = async (board: CreatedBoard) => {
  const raw = await openRaw(`${server.wsUrl}/${board.id}?token=${board.editToken}`)
  raws.push(raw)
  return raw
}
afterAll(() => server.close())

const syncFrame = (kind: number, update: Uint8Array) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  encoding.writeVarUint(e, kind)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}
const updateFrame = (update: Uint8Array) => syncFrame(SYNC_UPDATE, update)

/** Two updates of one writer, the second built on the first. */
function twoEdits(): [Uint8Array, Uint8Array] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  recordItems(doc).push(['first'])
  recordItems(doc).push(['second'])
  return [updates[0], updates[1]]
}

const roomGone = async () =>
  waitFor(async () => (await metric(server.url, 'outcome_board_rooms')) === 0, { what: 'room unloaded' })

describe('the edit route', () => {
  let board: CreatedBoard
  beforeAll(async () => {
    board = await createBoard(server.url)
  })

  it('an edit whose history the server lacks waits for it, then both are stored and relayed', async () => {
    const [first, second] = twoEdits()
    const reader = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(reader)
    const writer = await openWriter(board)

    writer.send(updateFrame(second))
    // Nothing of it can be checked or stored before `first`: the reader gets nothing yet.
    writer.send(syncFrame(SYNC_STEP_1, Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => writer.received.some((f) => f[0] === MESSAGE_SYNC && f[1] === SYNC_STEP_2), { what: 'the answer' })
    expect(reader.items.toArray()).toEqual([])

    writer.send(updateFrame(first))
    await waitFor(() => reader.items.length === 2, { what: 'both edits at the reader' })
    expect(reader.items.toArray()).toEqual(['first', 'second'])
    expect(reader.doc.store.pendingStructs).toBeNull()

    // Edits after that take the same route and everything is stored: a fresh load has all of it.
    const editor = makeProvider(server.wsUrl, board.id, board.editToken)
    await synced(editor)
    editor.items.push(['third'])
    await waitFor(() => reader.items.length === 3, { what: 'a later edit relayed' })
    writer.close()
    destroyProviders()
    await roomGone()
    const later = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(later)
    expect(later.items.toArray()).toEqual(['first', 'second', 'third'])
  })

  it('an edit the doc held back after applying it first is stored and relayed once its history comes as a live edit', async () => {
    const board = await createBoard(server.url)
    const [first, second] = twoEdits()
    const reader = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(reader)
    const writer = await openWriter(board)

    // A sync step 2 is applied before anything is stored: the doc holds `second` back and emits nothing, so
    // nothing of it is stored or relayed yet.
    writer.send(syncFrame(SYNC_STEP_2, second))
    // The server's answer to a sync step 1 comes after everything sent before it was handled.
    writer.send(syncFrame(SYNC_STEP_1, Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => writer.received.some((f) => f[0] === MESSAGE_SYNC && f[1] === SYNC_STEP_2), { what: 'the answer' })
    expect(reader.items.toArray()).toEqual([])
    // `first` then comes as a live edit: what the doc emits for it holds `second` too.
    writer.send(updateFrame(first))
    await waitFor(() => reader.items.length === 2, { what: 'both edits at the reader' })
    expect(reader.items.toArray()).toEqual(['first', 'second'])

    writer.close()
    destroyProviders()
    await roomGone()
    const later = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(later)
    expect(later.items.toArray()).toEqual(['first', 'second'])
  })

  it('a malformed update in a live batch closes its sender and is neither relayed nor stored', async () => {
    const a = makeProvider(server.wsUrl, board.id, board.editToken)
    await synced(a)
    const before = a.items.length
    const bad = await openWriter(board)
    const errorsBefore = await metric(server.url, 'outcome_board_protocol_errors_total')
    bad.send(updateFrame(new Uint8Array([1, 1, 200, 1, 0, 255, 255])))
    expect((await bad.closed).code).toBe(1002)
    expect(await metric(server.url, 'outcome_board_protocol_errors_total')).toBeGreaterThan(errorsBefore)
    a.items.push(['after'])
    await waitFor(() => a.items.length === before + 1)
    destroyProviders()
    await roomGone()
    const later = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(later)
    expect(later.items.toArray().at(-1)).toBe('after')
  })
})

describe('loading a board', () => {
  it('skips a stored update that does not apply, and loads the rest', async () => {
    const board = await createBoard(server.url)
    await roomGone() // creating it loaded its room to write the first page
    const [first, second] = twoEdits()
    await server.deps.store.appendUpdates(board.id, [first, new Uint8Array([9, 9, 9, 9]), second])
    const reader = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(reader)
    expect(reader.items.toArray()).toEqual(['first', 'second'])
    expect(reader.provider.wsconnected).toBe(true)
  })
})
