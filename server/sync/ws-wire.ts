// One message to many sockets, framed once. ws frames every send anew (a header, then a corked two-part
// write); a room sends the same message to every connection, so here the websocket frame around it (RFC 6455
// §5.2: unmasked, final, binary) is built once and each socket gets that one buffer in one write.
//
// It goes straight to the TCP socket only while ws itself holds nothing back on it: this server negotiates
// no extension (no permessage-deflate), so ws's sender writes each of its own frames (pings, close) whole and
// at once, and its queue stays empty unless something it does not use here (compression, a Blob) fills it.
// Frames from both then reach the socket whole and in the order they were sent. When ws's internals are not
// as expected (they are private; ws is pinned), or for a large message (not worth a copy), ws sends it.
// This file is the only one that touches ws's internals; checkWireAtStart() tries them once on a real
// loopback socket when the server starts and switches every writer to plain ws.send if they misbehave.
import { WebSocket, WebSocketServer } from 'ws'

/** Messages up to this size get a frame of their own (a copy); larger ones go through ws.send. */
export const WIRE_FRAME_MAX_PAYLOAD = 64 * 1024

const FIN_BINARY = 0x82
const frames = new WeakMap<Uint8Array, Buffer>()

/** The websocket frame carrying `payload`, built once per payload (every socket gets the same bytes). */
export function wireFrame(payload: Uint8Array): Buffer {
  const cached = frames.get(payload)
  if (cached) return cached
  const n = payload.byteLength
  const headerBytes = n <= 125 ? 2 : n <= 0xffff ? 4 : 10
  const frame = Buffer.allocUnsafe(headerBytes + n)
  frame[0] = FIN_BINARY
  if (headerBytes === 2) frame[1] = n
  else if (headerBytes === 4) {
    frame[1] = 126
    frame.writeUInt16BE(n, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(n), 2)
  }
  frame.set(payload, headerBytes)
  frames.set(payload, frame)
  return frame
}

/** The private parts of a ws 8 WebSocket this relies on. */
interface WsInternals {
  _socket?: { write(chunk: Buffer): boolean }
  _sender?: { _state?: unknown; _queue?: unknown }
  _extensions?: Record<string, unknown>
}

/** ws's sender state while it writes frames as they come (ws/lib/sender.js DEFAULT). */
const SENDER_IDLE = 0

/** Off when the start-up check found ws's internals not as expected: every message goes through ws.send. */
let directAllowed = true

/** Whether messages may go straight to sockets (the start-up check passed, or has not run). */
export const directWritesAllowed = (): boolean => directAllowed

/** Sends a few messages through a WireWriter on a loopback websocket and checks the peer gets exactly them;
 *  if not (or in time), direct writes are switched off for good, and `warn` says so. */
export async function checkWireAtStart(warn: (message: string) => void): Promise<boolean> {
  const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7), new Uint8Array(WIRE_FRAME_MAX_PAYLOAD).fill(9)]
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject))
    const port = (server.address() as { port: number }).port
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 2000)
      server.once('connection', (ws) => {
        const writer = new WireWriter(ws)
        if (!writer.direct) return resolve(false)
        writer.cork()
        for (const p of payloads) writer.send(p)
        writer.uncork()
      })
      const client = new WebSocket(`ws://127.0.0.1:${port}`)
      const got: Buffer[] = []
      client.on('message', (data: Buffer) => {
        got.push(data)
        if (got.length < payloads.length) return
        clearTimeout(timer)
        client.terminate()
        resolve(got.every((g, i) => Buffer.compare(g, Buffer.from(payloads[i])) === 0))
      })
      client.on('error', () => resolve(false))
    })
    if (!ok) {
      directAllowed = false
      warn('ws internals are not as this server expects: messages go through ws.send (slower, same bytes)')
    }
    return ok
  } finally {
    for (const ws of server.clients) ws.terminate()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** Sends binary messages on one open websocket, straight to its socket when that is safe. */
export class WireWriter {
  private readonly socket: NonNullable<WsInternals['_socket']> | null
  private readonly sender: { _state: number; _queue: unknown[] } | null

  constructor(private readonly ws: WebSocket) {
    const { _socket: socket, _sender: sender, _extensions: extensions } = ws as unknown as WsInternals
    const usable =
      directAllowed &&
      typeof socket?.write === 'function' &&
      typeof sender?._state === 'number' &&
      Array.isArray(sender._queue) &&
      extensions !== undefined &&
      Object.keys(extensions).length === 0
    this.socket = usable ? socket! : null
    this.sender = usable ? (sender as { _state: number; _queue: unknown[] }) : null
  }

  /** True when messages go straight to the socket. */
  get direct(): boolean {
    return this.socket !== null
  }

  /** Holds this socket's writes until uncork() (ws corks its own two-part frames the same way; corks nest). */
  cork(): void {
    this.tcp()?.cork()
  }

  uncork(): void {
    this.tcp()?.uncork()
  }

  private tcp(): { cork(): void; uncork(): void } | null {
    const socket = (this.ws as unknown as { _socket?: { cork?: unknown; uncork?: unknown } })._socket
    return socket && typeof socket.cork === 'function' && typeof socket.uncork === 'function'
      ? (socket as { cork(): void; uncork(): void })
      : null
  }

  /** Sends `payload` as one binary message. The caller checks that the websocket is open. */
  send(payload: Uint8Array): void {
    const { socket, sender } = this
    if (socket && sender && sender._state === SENDER_IDLE && sender._queue.length === 0 && payload.byteLength <= WIRE_FRAME_MAX_PAYLOAD) {
      socket.write(wireFrame(payload))
    } else {
      this.ws.send(payload)
    }
  }
}
