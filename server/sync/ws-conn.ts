// A websocket connection as the rooms see it: counts traffic, enforces the flood limit, decodes each frame
// strictly and hands the message to its room. Nothing here throws out of a socket handler: a bad frame
// closes this socket with a close code and leaves everything else alone.
import type { WebSocket } from 'ws'
import { CLOSE_POLICY_VIOLATION, CLOSE_PROTOCOL_ERROR } from '../../shared/protocol'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import type { Role } from '../store/types'
import type { Conn } from './conn'
import { decodeClientMessage, ProtocolError } from './protocol'
import type { Room } from './room'
import { TokenBucket } from '../token-bucket'
import { WireWriter } from './ws-wire'

export interface WsConnDeps {
  metrics: Metrics
  log: Logger
  floodRate: number
  floodBurst: number
  /** Unsent bytes beyond which the socket is closed instead of buffering more. */
  maxBufferedBytes: number
}

/** "Try again later": the y-websocket client reconnects and resyncs from scratch. */
export const CLOSE_TRY_AGAIN_LATER = 1013

let nextId = 1

export class WsConn implements Conn {
  readonly id = nextId++
  readonly awarenessIds = new Set<number>()
  room: Room | null = null
  /** The layout the client's code reads, from `?layout=` (see Conn). */
  layout: number | null = null
  /** Set by the heartbeat before each ping, cleared by the pong. */
  awaitingPong = false
  lastSentAt = Date.now()
  private closed = false
  private readonly bucket: TokenBucket
  private readonly wire: WireWriter

  constructor(
    private readonly ws: WebSocket,
    readonly role: Role,
    readonly boardId: string,
    private readonly deps: WsConnDeps,
  ) {
    this.bucket = new TokenBucket(deps.floodRate, deps.floodBurst)
    this.wire = new WireWriter(ws)
    ws.on('pong', () => {
      this.awaitingPong = false
    })
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  send(frame: Uint8Array): void {
    if (!this.isOpen) return
    // A peer that stops reading would otherwise queue every update of its room here. Checked before adding,
    // so one large frame (a big board's sync step 2) still goes out to a socket that was keeping up.
    if (this.ws.bufferedAmount > this.deps.maxBufferedBytes) {
      this.deps.metrics.slowConsumers++
      this.deps.log.warn(
        { boardId: this.boardId, conn: this.id, buffered: this.ws.bufferedAmount },
        'slow consumer; closing connection',
      )
      this.close(CLOSE_TRY_AGAIN_LATER, 'too much unsent data; reconnect')
      return
    }
    this.deps.metrics.messagesOut++
    this.deps.metrics.bytesOut += frame.byteLength
    this.lastSentAt = Date.now()
    // No completion callback: a write that fails surfaces as the socket's 'error' and 'close' (handled in
    // ws-route), and a callback per frame per socket is a closure and a tick each for nothing. The frame
    // around the message is built once for all the sockets it goes to (ws-wire.ts).
    this.wire.send(frame)
  }

  cork(): void {
    this.wire.cork()
  }

  uncork(): void {
    this.wire.uncork()
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    try {
      this.ws.close(code, reason)
    } catch {
      this.ws.terminate()
    }
  }

  ping(): void {
    if (this.closed) return
    this.awaitingPong = true
    try {
      this.ws.ping()
    } catch {
      this.terminate()
    }
  }

  terminate(): void {
    this.closed = true
    this.ws.terminate()
  }

  /** One incoming frame (binary → ArrayBuffer, text → string). */
  receive(data: ArrayBuffer | string): void {
    if (this.closed || !this.room) return
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
    this.deps.metrics.messagesIn++
    this.deps.metrics.bytesIn += size
    if (!this.bucket.take()) {
      this.deps.metrics.rateLimited++
      this.deps.log.warn({ boardId: this.boardId, conn: this.id }, 'message flood; closing connection')
      this.close(CLOSE_POLICY_VIOLATION, 'too many messages')
      return
    }
    if (typeof data === 'string') return this.reject('text frames are not part of the protocol')
    let message
    try {
      message = decodeClientMessage(new Uint8Array(data))
    } catch (err) {
      return this.reject(err instanceof ProtocolError ? err.message : String(err))
    }
    this.room.receive(this, message)
  }

  private reject(why: string): void {
    this.deps.metrics.protocolErrors++
    this.deps.log.warn({ boardId: this.boardId, conn: this.id, why }, 'malformed frame; closing connection')
    this.close(CLOSE_PROTOCOL_ERROR, 'malformed message')
  }
}
