// A light y-websocket client for the benchmarks: a raw `ws` socket plus a Y.Doc, speaking the protocol with
// y-protocols exactly like the y-websocket provider does (sync step 1 on open, answer step 1 with step 2,
// apply step 2 / updates, send local doc updates as they happen), one message per frame. Awareness is sent
// by hand (a tiny encoder) and incoming awareness is only counted, not decoded, so hundreds of clients fit
// in one process next to the servers on two cores. The same client talks to both servers.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import WebSocket from 'ws'
import * as Y from 'yjs'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_AUTH = 2
const REMOTE = Symbol('remote')

export interface ClientTimes {
  /** performance.now() when the socket was created, opened, and synced (sync step 2 received / applied). */
  start: number
  open: number
  step2Received: number
  synced: number
}

export interface BenchClient {
  readonly doc: Y.Doc
  readonly times: ClientTimes
  /** Resolves once synced; rejects when the socket closes or errors first. */
  readonly synced: Promise<void>
  awarenessFramesIn: number
  updateFramesIn: number
  bytesIn: number
  /** Called for every sync update / step 2 frame after it is applied, with its arrival time. */
  onRemoteUpdate: ((arrival: number) => void) | null
  /** performance.now() just before this client's last document update frame was handed to its socket (a
   *  local change is encoded and sent inside the change itself, so read it right after making one). */
  readonly lastUpdateSentAt: number
  /** Sends an awareness state (JSON) with the next clock. */
  sendAwareness(state: unknown): void
  readonly bufferedAmount: number
  readonly isOpen: boolean
  close(): Promise<void>
}

export interface ClientOptions {
  doc?: Y.Doc
  /** Take in every frame that has arrived before applying document updates (see the 'message' handler). */
  applyAfterReceipt?: boolean
}

export function connectClient(url: string, opts: ClientOptions = {}): BenchClient {
  const doc = opts.doc ?? new Y.Doc()
  const ws = new WebSocket(url, { perMessageDeflate: false })
  ws.binaryType = 'nodebuffer'
  const times: ClientTimes = { start: performance.now(), open: NaN, step2Received: NaN, synced: NaN }
  let awarenessClock = 0
  let resolveSynced!: () => void
  let rejectSynced!: (err: Error) => void
  const synced = new Promise<void>((res, rej) => {
    resolveSynced = res
    rejectSynced = rej
  })
  synced.catch(() => {}) // callers that never await it must not crash the process
  let isSynced = false

  const send = (data: Uint8Array) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(data)
  }
  let lastUpdateSentAt = Number.NaN
  const onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeUpdate(e, update)
    const frame = encoding.toUint8Array(e)
    lastUpdateSentAt = performance.now()
    send(frame)
  }
  doc.on('update', onDocUpdate)

  const client: BenchClient = {
    doc,
    times,
    synced,
    awarenessFramesIn: 0,
    updateFramesIn: 0,
    bytesIn: 0,
    onRemoteUpdate: null,
    get lastUpdateSentAt() {
      return lastUpdateSentAt
    },
    sendAwareness(state: unknown) {
      const inner = encoding.createEncoder()
      encoding.writeVarUint(inner, 1)
      encoding.writeVarUint(inner, doc.clientID)
      encoding.writeVarUint(inner, ++awarenessClock)
      encoding.writeVarString(inner, JSON.stringify(state))
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MESSAGE_AWARENESS)
      encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
      send(encoding.toUint8Array(e))
    },
    get bufferedAmount() {
      return ws.bufferedAmount
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN
    },
    close() {
      doc.off('update', onDocUpdate)
      if (ws.readyState === WebSocket.CLOSED) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          ws.terminate()
          resolve()
        }, 2000)
        ws.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate()
        else ws.close(1000)
      })
    },
  }

  ws.on('open', () => {
    times.open = performance.now()
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, doc)
    send(encoding.toUint8Array(e))
  })
  // Many clients share this process, so one client's handling of a frame (applying it to its doc: tens of
  // microseconds) would delay the next client's receipt of the same update, as it never would in separate
  // browsers. With applyAfterReceipt, a document update is timestamped when its frame is read and applied
  // on the next check phase (setImmediate), after the poll phase has read whatever else had arrived.
  const later: [number, Buffer][] = []
  const applyLater = () => {
    for (const [arrival, data] of later.splice(0)) onFrame(data, arrival)
  }
  ws.on('message', (data: Buffer) => {
    const arrival = performance.now()
    if (opts.applyAfterReceipt && isSynced && data[0] === MESSAGE_SYNC && data[1] === syncProtocol.messageYjsUpdate) {
      if (later.push([arrival, data]) === 1) setImmediate(applyLater)
      return
    }
    onFrame(data, arrival)
  })
  function onFrame(data: Buffer, arrival: number): void {
    client.bytesIn += data.byteLength
    const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    const type = decoding.readVarUint(d)
    if (type === MESSAGE_AWARENESS) {
      client.awarenessFramesIn++
      return
    }
    if (type !== MESSAGE_SYNC) {
      if (type === MESSAGE_AUTH) rejectSynced(new Error('permission denied by the server'))
      return // board events and anything else: not part of these measurements
    }
    const sub = decoding.peekVarUint(d)
    if (sub === syncProtocol.messageYjsSyncStep2) times.step2Received = arrival
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, MESSAGE_SYNC)
    syncProtocol.readSyncMessage(d, reply, doc, REMOTE)
    if (encoding.length(reply) > 1) send(encoding.toUint8Array(reply))
    if (sub === syncProtocol.messageYjsSyncStep2 && !isSynced) {
      isSynced = true
      times.synced = performance.now()
      resolveSynced()
    }
    if (sub !== syncProtocol.messageYjsSyncStep1) {
      client.updateFramesIn++
      client.onRemoteUpdate?.(arrival)
    }
  }
  ws.on('error', (err) => rejectSynced(err))
  ws.on('close', (code, reason) => {
    doc.off('update', onDocUpdate)
    rejectSynced(new Error(`socket closed before sync: ${code} ${reason.toString()}`))
  })
  return client
}

/** Connects `n` clients to `url`, at most `concurrency` handshakes at a time, and waits until all are synced. */
export async function connectMany(
  url: string | ((i: number) => string),
  n: number,
  concurrency = 50,
  options: Omit<ClientOptions, 'doc'> = {},
): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      const c = connectClient(typeof url === 'string' ? url : url(i), options)
      clients[i] = c
      await withTimeout(c.synced, 20_000, `client ${i} sync`)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  } catch (err) {
    await Promise.all(clients.filter(Boolean).map((c) => c.close()))
    throw err
  }
  return clients
}

export async function closeAll(clients: readonly BenchClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()))
  for (const c of clients) c.doc.destroy()
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    )
  })
}
