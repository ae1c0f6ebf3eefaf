// The websocket endpoint at the frame level: each malformed, unknown, oversized or flooding input closes
// only its own socket with a close code; keepalive and ping/pong; idle rooms unload.
import * as encoding from 'lib0/encoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_POLICY_VIOLATION,
  CLOSE_PROTOCOL_ERROR,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  SYNC_STEP_1,
  SYNC_UPDATE,
} from '../../shared/protocol'
import { openRaw } from '../helpers/raw-socket'
import { type CreatedBoard, createBoard, metric, startTestServer, type TestServer } from '../helpers/server'
import { sleep, waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'
import { directWritesAllowed } from '../../server/sync/ws-wire'

let server: TestServer
let board: CreatedBoard
beforeAll(async () => {
  server = await startTestServer({
    maxFrameBytes: 64 * 1024,
    floodRate: 50,
    floodBurst: 100,
    keepaliveMs: 200,
    pingIntervalMs: 5_000,
    roomGraceMs: 100,
  })
  board = await createBoard(server.url)
})
afterEach(() => destroyProviders())
afterAll(() => server.close())

const url = () => `${server.wsUrl}/${board.id}?token=${board.editToken}`
const frame = (...parts: ((e: encoding.Encoder) => void)[]) => {
  const e = encoding.createEncoder()
  for (const p of parts) p(e)
  return encoding.toUint8Array(e)
}
const uint = (n: number) => (e: encoding.Encoder) => encoding.writeVarUint(e, n)
const bytes = (b: Uint8Array) => (e: encoding.Encoder) => encoding.writeVarUint8Array(e, b)

function validUpdate(): Uint8Array {
  const doc = new Y.Doc()
  recordItems(doc).push(['x'])
  return Y.encodeStateAsUpdate(doc)
}

async function closeCodeAfter(send: Uint8Array | string): Promise<number> {
  const sock = await openRaw(url())
  sock.send(send)
  return (await sock.closed).code
}

describe('the server\'s sockets', () => {
  it('write each frame straight to the TCP socket (no extension is negotiated, even when a client offers one)', async () => {
    const offering = await openRaw(url(), { perMessageDeflate: true })
    const plain = await openRaw(url(), { perMessageDeflate: false })
    await waitFor(() => server.deps.conns.size >= 2, { what: 'both connections open' })
    expect(offering.ws.extensions).toBe('')
    // The server's start-up check of ws's internals passed, so every socket gets its frames straight.
    expect(directWritesAllowed()).toBe(true)
    offering.close()
    plain.close()
  })
})

describe('bad frames close only their own socket', () => {
  it('answers a well-formed sync step 1 and query-awareness (the protocol works raw)', async () => {
    const sock = await openRaw(url())
    await waitFor(() => sock.received.length >= 1) // the server's own sync step 1
    expect(sock.received[0][0]).toBe(MESSAGE_SYNC)
    sock.send(frame(uint(MESSAGE_SYNC), uint(SYNC_STEP_1), bytes(Y.encodeStateVector(new Y.Doc()))))
    sock.send(frame(uint(MESSAGE_QUERY_AWARENESS)))
    await waitFor(() => sock.received.some((f) => f[0] === MESSAGE_SYNC && f[1] === 1), { what: 'sync step 2' })
    await waitFor(() => sock.received.some((f) => f[0] === MESSAGE_AWARENESS), { what: 'awareness reply' })
    sock.close()
  })

  const update = validUpdate()
  const cases: [string, Uint8Array | string][] = [
    ['empty frame', new Uint8Array()],
    ['unknown message type', frame(uint(42))],
    ['unknown sync sub-type', frame(uint(MESSAGE_SYNC), uint(7), bytes(update))],
    ['truncated update', frame(uint(MESSAGE_SYNC), uint(SYNC_UPDATE), bytes(update)).slice(0, 6)],
    ['length prefix past the end', frame(uint(MESSAGE_SYNC), uint(SYNC_UPDATE), uint(1_000_000))],
    ['trailing bytes', new Uint8Array([...frame(uint(MESSAGE_QUERY_AWARENESS)), 1, 2, 3])],
    ['garbage update', frame(uint(MESSAGE_SYNC), uint(SYNC_UPDATE), bytes(new Uint8Array([255, 255, 255, 255, 15, 3])))],
    ['garbage state vector', frame(uint(MESSAGE_SYNC), uint(SYNC_STEP_1), bytes(new Uint8Array([5, 1])))],
    ['awareness with bad JSON', frame(uint(MESSAGE_AWARENESS), bytes(frame(uint(1), uint(9), uint(1), (e) => encoding.writeVarString(e, '{nope'))))],
    ['text frame', 'hello'],
  ]
  for (const [name, data] of cases) {
    it(`${name} → close ${CLOSE_PROTOCOL_ERROR}`, async () => {
      expect(await closeCodeAfter(data)).toBe(CLOSE_PROTOCOL_ERROR)
    })
  }

  it(`a frame over MAX_FRAME_BYTES → close ${CLOSE_MESSAGE_TOO_BIG}`, async () => {
    const big = frame(uint(MESSAGE_SYNC), uint(SYNC_UPDATE), bytes(new Uint8Array(70 * 1024)))
    expect(await closeCodeAfter(big)).toBe(CLOSE_MESSAGE_TOO_BIG)
    await waitFor(async () => (await metric(server.url, 'outcome_board_oversized_frames_total')) > 0)
  })

  it(`a message flood → close ${CLOSE_POLICY_VIOLATION}`, async () => {
    const sock = await openRaw(url())
    const ping = frame(uint(MESSAGE_QUERY_AWARENESS))
    for (let i = 0; i < 500; i++) sock.send(ping)
    expect((await sock.closed).code).toBe(CLOSE_POLICY_VIOLATION)
    expect(await metric(server.url, 'outcome_board_rate_limited_total')).toBeGreaterThan(0)
  })

  it('other connections in the same room keep working and the data is intact', async () => {
    const a = makeProvider(server.wsUrl, board.id, board.editToken)
    await synced(a)
    a.items.push(['survivor'])
    for (const data of [frame(uint(99)), new Uint8Array([0, 2, 200])]) await closeCodeAfter(data)
    const b = makeProvider(server.wsUrl, board.id, board.viewToken)
    await waitFor(() => b.items.toArray().includes('survivor'))
    a.items.push(['still live'])
    await waitFor(() => b.items.toArray().includes('still live'))
    expect(a.provider.wsconnected).toBe(true)
  })
})

describe('keepalive, ping, unload', () => {
  it('an idle connection gets a keepalive frame (an empty awareness update) every KEEPALIVE_MS', async () => {
    const sock = await openRaw(url())
    await sleep(900)
    const keepalives = sock.received.filter((f) => f.length === 3 && f[0] === MESSAGE_AWARENESS && f[1] === 1 && f[2] === 0)
    expect(keepalives.length).toBeGreaterThanOrEqual(3)
    sock.close()
  })

  it('the real provider accepts keepalives: its silence watchdog is reset and it never reconnects', async () => {
    const b = await createBoard(server.url)
    const c = makeProvider(server.wsUrl, b.id, b.editToken)
    await synced(c)
    let disconnects = 0
    c.provider.on('status', (e: { status: string }) => e.status === 'disconnected' && disconnects++)
    const first = c.provider.wsLastMessageReceived
    await sleep(700)
    // y-websocket closes a socket once now - wsLastMessageReceived > 30 s; keepalives keep it fresh.
    expect(c.provider.wsLastMessageReceived).toBeGreaterThan(first)
    expect(Date.now() - c.provider.wsLastMessageReceived).toBeLessThan(2_000)
    expect(disconnects).toBe(0)
  })

  it('a socket that stops answering pings is terminated; one that answers stays', async () => {
    const pinging = await startTestServer({ pingIntervalMs: 300 })
    try {
      const b = await createBoard(pinging.url)
      const target = `${pinging.wsUrl}/${b.id}?token=${b.viewToken}`
      const alive = await openRaw(target)
      const dead = await openRaw(target, { autoPong: false })
      const { code } = await dead.closed
      expect(code).toBe(1006) // terminated, no close frame
      expect(await metric(pinging.url, 'outcome_board_dead_sockets_total')).toBe(1)
      expect(alive.ws.readyState).toBe(alive.ws.OPEN)
      alive.close()
    } finally {
      await pinging.close()
    }
  })

  it('a room unloads after the last client leaves and the grace period (visible in /metrics), and reloads', async () => {
    const b = await createBoard(server.url)
    const c = makeProvider(server.wsUrl, b.id, b.editToken)
    await synced(c)
    c.items.push(['kept'])
    const unloadsBefore = await metric(server.url, 'outcome_board_room_unloads_total')
    await waitFor(() => server.deps.rooms.peek(b.id))
    destroyProviders()
    await waitFor(() => server.deps.rooms.peek(b.id) === undefined, { what: 'room unloaded' })
    expect(await metric(server.url, 'outcome_board_room_unloads_total')).toBeGreaterThan(unloadsBefore)
    await waitFor(async () => (await metric(server.url, 'outcome_board_connections')) === 0)
    // Other boards in this file have no connections either by now, so nothing stays loaded.
    await waitFor(async () => (await metric(server.url, 'outcome_board_rooms')) === 0, { what: 'rooms 0' })
    const again = makeProvider(server.wsUrl, b.id, b.viewToken)
    await waitFor(() => again.items.toArray()[0] === 'kept')
    expect(await metric(server.url, 'outcome_board_rooms')).toBe(1)
  })

  it('a client that comes back within the grace period keeps the same room', async () => {
    const slow = await startTestServer({ roomGraceMs: 5_000 })
    try {
      const bb = await createBoard(slow.url)
      const c = makeProvider(slow.wsUrl, bb.id, bb.editToken)
      await synced(c)
      const room = slow.deps.rooms.peek(bb.id)
      destroyProviders()
      await waitFor(async () => (await metric(slow.url, 'outcome_board_connections')) === 0)
      const d = makeProvider(slow.wsUrl, bb.id, bb.editToken)
      await synced(d)
      expect(slow.deps.rooms.peek(bb.id)).toBe(room)
      expect(await metric(slow.url, 'outcome_board_room_loads_total')).toBe(1)
    } finally {
      destroyProviders()
      await slow.close()
    }
  })
})
