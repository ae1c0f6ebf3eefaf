// Live sync through real y-websocket providers: convergence, late joiners, awareness, viewers, server-side
// changes and board events.
import * as decoding from 'lib0/decoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import { createBoard, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterEach(() => destroyProviders())
afterAll(() => server.close())

describe('sync', () => {
  it('two providers converge, and a third joining later gets the full state', async () => {
    const board = await createBoard(server.url)
    const a = makeProvider(server.wsUrl, board.id, board.editToken)
    const b = makeProvider(server.wsUrl, board.id, board.ownerToken)
    await Promise.all([synced(a), synced(b)])

    a.items.push(['from a'])
    b.items.push(['from b'])
    await waitFor(() => b.items.length === 2 && a.items.length === 2, { what: 'convergence' })
    for (let i = 0; i < 20; i++) (i % 2 ? a : b).items.push([`n${i}`])
    await waitFor(() => a.items.length === 22 && b.items.length === 22, { what: '22 items on both' })
    expect(a.items.toArray()).toEqual(b.items.toArray())

    const c = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(c)
    await waitFor(() => c.items.length === 22, { what: 'late joiner has everything' })
    expect(c.items.toArray()).toEqual(a.items.toArray())
    expect(c.items.toArray()).toEqual(expect.arrayContaining(['from a', 'from b']))
  })

  it('rooms are separate: an update on one board never reaches another', async () => {
    const one = await createBoard(server.url)
    const two = await createBoard(server.url)
    const a = makeProvider(server.wsUrl, one.id, one.editToken)
    const b = makeProvider(server.wsUrl, two.id, two.editToken)
    await Promise.all([synced(a), synced(b)])
    a.items.push(['only on one'])
    const a2 = makeProvider(server.wsUrl, one.id, one.viewToken)
    await waitFor(() => a2.items.length === 1)
    expect(b.items.length).toBe(0)
  })

  it('relays awareness, answers query-awareness, and removes a closed connection’s awareness', async () => {
    const board = await createBoard(server.url)
    const a = makeProvider(server.wsUrl, board.id, board.editToken)
    const b = makeProvider(server.wsUrl, board.id, board.viewToken)
    await Promise.all([synced(a), synced(b)])
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada', {
      what: 'awareness relayed',
    })

    // A joiner gets the current awareness on connect.
    const c = makeProvider(server.wsUrl, board.id, board.viewToken)
    await waitFor(() => c.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada', {
      what: 'awareness on join',
    })

    // Killing a's socket (no clean awareness removal from the client) still clears it for the others.
    ;(a.provider.ws as unknown as { terminate(): void }).terminate()
    a.provider.shouldConnect = false
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), { what: 'awareness removed' })
    await waitFor(() => !c.provider.awareness.getStates().has(a.doc.clientID))
  })

  it('viewer connections receive everything, but their writes are dropped and never stored', async () => {
    const board = await createBoard(server.url)
    const editor = makeProvider(server.wsUrl, board.id, board.editToken)
    const viewer = makeProvider(server.wsUrl, board.id, board.viewToken)
    await Promise.all([synced(editor), synced(viewer)])
    const droppedBefore = await metric(server.url, 'outcome_board_dropped_writes_total')

    editor.items.push(['editor wrote'])
    await waitFor(() => viewer.items.length === 1, { what: 'viewer receives' })

    viewer.items.push(['viewer tried'])
    viewer.doc.getMap('m').set('x', 1)
    await waitFor(async () => (await metric(server.url, 'outcome_board_dropped_writes_total')) >= droppedBefore + 2, {
      what: 'dropped writes counted',
    })
    editor.items.push(['editor again'])
    await waitFor(() => viewer.items.toArray().includes('editor again'), { what: 'viewer still receives' })
    expect(editor.items.toArray()).toEqual(['editor wrote', 'editor again'])
    expect(editor.doc.getMap('m').has('x')).toBe(false)

    // A fresh client sees only the editor's writes: the viewer's were never applied or stored.
    const fresh = makeProvider(server.wsUrl, board.id, board.ownerToken)
    await synced(fresh)
    await waitFor(() => fresh.items.length === 2)
    expect(fresh.items.toArray()).toEqual(['editor wrote', 'editor again'])
    expect(fresh.doc.getMap('m').has('x')).toBe(false)
    expect(viewer.provider.wsconnected).toBe(true)
  })

  it('applyServerChange persists then relays to every connection; broadcastEvent reaches everyone', async () => {
    const board = await createBoard(server.url)
    const a = makeProvider(server.wsUrl, board.id, board.editToken)
    const b = makeProvider(server.wsUrl, board.id, board.viewToken)
    await Promise.all([synced(a), synced(b)])

    const events: unknown[] = []
    a.provider.messageHandlers[MESSAGE_BOARD_EVENT] = () => {}
    b.provider.messageHandlers[MESSAGE_BOARD_EVENT] = (_encoder, decoder) => {
      events.push(JSON.parse(decoding.readVarString(decoder)))
    }
    await server.deps.rooms.applyServerChange(board.id, (doc) => doc.getMap('board').set('bet', 'shape:s1'))
    await waitFor(() => a.doc.getMap('board').get('bet') === 'shape:s1' && b.doc.getMap('board').get('bet'), {
      what: 'server change relayed',
    })
    const stored = await server.deps.store.loadUpdates(board.id)
    const replay = new Y.Doc()
    for (const u of stored.updates) Y.applyUpdate(replay, u)
    expect(replay.getMap('board').get('bet')).toBe('shape:s1')

    server.deps.rooms.broadcastEvent(board.id, { type: 'timer', seconds: 60 })
    await waitFor(() => events.length === 1, { what: 'board event' })
    expect(events[0]).toEqual({ type: 'timer', seconds: 60 })
  })

  it('applyServerChange works on a board with nobody connected (loads, changes, unloads)', async () => {
    const board = await createBoard(server.url)
    await server.deps.rooms.applyServerChange(board.id, (doc) => recordItems(doc).push(['seeded']))
    await waitFor(async () => (await server.deps.rooms.peek(board.id)) === undefined, { what: 'room unloaded' })
    const c = makeProvider(server.wsUrl, board.id, board.viewToken)
    await waitFor(() => c.items.toArray()[0] === 'seeded', { what: 'seeded item' })
    const text = await server.deps.rooms.withDoc(board.id, (doc) => recordItems(doc).toArray())
    expect(text).toEqual(['seeded'])
  })
})
