// Slow consumers: a socket whose peer stops reading must not make the server buffer without bound.
// Awareness is skipped to a socket with more than 1 MB unsent; beyond MAX_BUFFERED_BYTES the socket is
// closed with 1013 (try again later). The peer "stops reading" for real: its TCP socket is paused, so the
// kernel buffers fill and then the server's own send queue grows.
import type { Socket } from 'node:net'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_AWARENESS, MESSAGE_SYNC, SYNC_STEP_2, SYNC_UPDATE } from '../../shared/protocol'
import type { WsConn } from '../../server/sync/ws-conn'
import { openRaw, type RawSocket } from '../helpers/raw-socket'
import { createBoard, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { recordItems } from '../helpers/record-items'

const servers: TestServer[] = []
const sockets: RawSocket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate()
  for (const s of servers.splice(0)) await s.close()
})

async function setup(options: Parameters<typeof startTestServer>[0]) {
  const server = await startTestServer({ pingIntervalMs: 600_000, keepaliveMs: 60_000, maxFrameBytes: 1024 * 1024, ...options })
  servers.push(server)
  const board = await createBoard(server.url)
  const open = async () => {
    const sock = await openRaw(`${server.wsUrl}/${board.id}?token=${board.editToken}`)
    sockets.push(sock)
    await waitFor(() => sock.received.length >= 1, { what: 'sync step 1 from the server' })
    return sock
  }
  return { server, open }
}

const frame = (write: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

/** A writer whose every push is one ~200 KB document update, sent as a sync-update frame. */
function bigWriter(sock: RawSocket) {
  const doc = new Y.Doc()
  const items = recordItems(doc)
  let n = 0
  return (marker?: string) => {
    const before = Y.encodeStateVector(doc)
    items.push([marker ?? `${n++}:${'x'.repeat(200 * 1024)}`])
    const update = Y.encodeStateAsUpdate(doc, before)
    sock.send(frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC)
      encoding.writeVarUint(e, SYNC_UPDATE)
      encoding.writeVarUint8Array(e, update)
    }))
  }
}

const pause = (sock: RawSocket) => (sock.ws as unknown as { _socket: Socket })._socket.pause()
const resume = (sock: RawSocket) => (sock.ws as unknown as { _socket: Socket })._socket.resume()

/** The client ids named in the awareness frames a raw socket received. */
function awarenessClients(frames: Uint8Array[]): number[] {
  const ids: number[] = []
  for (const f of frames) {
    const d = decoding.createDecoder(f)
    if (decoding.readVarUint(d) !== MESSAGE_AWARENESS) continue
    const u = decoding.createDecoder(decoding.readVarUint8Array(d))
    for (let n = decoding.readVarUint(u); n > 0; n--) {
      ids.push(decoding.readVarUint(u))
      decoding.readVarUint(u) // clock
      decoding.readVarString(u) // state
    }
  }
  return ids
}

/** The document a raw socket has been sent (sync step 2 and updates). */
function docFrom(frames: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  for (const f of frames) {
    const d = decoding.createDecoder(f)
    if (decoding.readVarUint(d) !== MESSAGE_SYNC) continue
    const sub = decoding.readVarUint(d)
    if (sub === SYNC_STEP_2 || sub === SYNC_UPDATE) Y.applyUpdate(doc, decoding.readVarUint8Array(d))
  }
  return doc
}

function awarenessFrame(clientId: number, state: unknown): Uint8Array {
  const inner = frame((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, clientId)
    encoding.writeVarUint(e, 1)
    encoding.writeVarString(e, JSON.stringify(state))
  })
  return frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(e, inner)
  })
}

/** The server side of the connection opened first (connections are kept in the order they opened). */
const firstConn = (server: TestServer) => [...server.deps.conns][0] as WsConn

describe('slow consumers', () => {
  it('skip awareness to a socket with more than 1 MB unsent, but still get every document update', async () => {
    const { server, open } = await setup({ maxBufferedBytes: 64 * 1024 * 1024 })
    const slow = await open()
    const writer = await open()
    const observer = await open()
    pause(slow)
    const push = bigWriter(writer)
    await waitFor(
      () => {
        if (firstConn(server).bufferedAmount > 1024 * 1024) return true
        push()
        return false
      },
      { what: 'more than 1 MB queued for the paused socket', interval: 10, timeout: 20_000 },
    )
    // A cursor moves: the observer sees it, the backed-up socket must not have it queued.
    writer.send(awarenessFrame(424242, { user: { name: 'Dana' } }))
    await waitFor(() => awarenessClients(observer.received).includes(424242), { what: 'awareness at the observer' })
    push('marker')
    await waitFor(() => recordItems(docFrom(observer.received)).toArray().includes('marker'), { what: 'marker at the observer' })

    resume(slow)
    await waitFor(() => recordItems(docFrom(slow.received)).toArray().includes('marker'), {
      what: 'marker at the slow socket',
      timeout: 20_000,
    })
    expect(awarenessClients(slow.received)).not.toContain(424242)
    expect(recordItems(docFrom(slow.received)).length).toBe(recordItems(docFrom(observer.received)).length)
  })

  it('close a socket whose unsent data passes MAX_BUFFERED_BYTES with 1013; everyone else carries on', async () => {
    const { server, open } = await setup({ maxBufferedBytes: 1024 * 1024 })
    const slow = await open()
    const writer = await open()
    const observer = await open()
    pause(slow)
    const push = bigWriter(writer)
    let pushed = 0
    await waitFor(
      async () => {
        if ((await metric(server.url, 'outcome_board_slow_consumers_total')) >= 1) return true
        if (pushed++ > 200) throw new Error('40 MB sent and the paused socket was never closed')
        push()
        return false
      },
      { what: 'the slow consumer to be closed', interval: 10, timeout: 20_000 },
    )
    // Memory stays bounded: nothing more is queued for it once it is over the cap.
    expect(firstConn(server).bufferedAmount).toBeLessThan(1024 * 1024 + 2 * 210 * 1024)
    push('after')
    await waitFor(() => recordItems(docFrom(observer.received)).toArray().includes('after'), { what: 'observer still live' })

    resume(slow) // it drains what was queued, then reads the close frame
    expect((await slow.closed).code).toBe(1013)
    await waitFor(() => server.deps.conns.size === 2, { what: 'the closed socket to be gone' })
    expect(observer.ws.readyState).toBe(observer.ws.OPEN)
    expect(writer.ws.readyState).toBe(writer.ws.OPEN)
  })
})
