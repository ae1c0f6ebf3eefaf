// GET /ws/:id?token=T — the y-websocket endpoint. The token is checked before the upgrade, so a refused
// client gets a plain HTTP 401/403/404 and never a socket; so is an address that already holds
// MAX_SOCKETS_PER_ADDRESS open sockets (429), checked first so that refusal costs no store lookup. Frame size is capped by the WebSocketServer's
// maxPayload (ws closes with 1009); floods, bad frames and dead peers are handled in WsConn and heartbeat.
//
// Memory: @hono/node-server's upgrade helper keeps its message/close/error listeners on the socket for its
// whole life, and their closures hold the upgrade's HTTP request, the Hono context and its URLs (about as
// much heap as the rest of a connection). Once the socket is open we swap those listeners for our own,
// which hold only the connection, so all of that can be collected.
import type { IncomingMessage } from 'node:http'
import { upgradeWebSocket } from '@hono/node-server'
import type { MiddlewareHandler } from 'hono'
import type { WebSocket } from 'ws'
import { CLOSE_ACCESS_REVOKED, CLOSE_RELOAD, RELOAD_REASON } from '../../shared/protocol'
import { LAYOUT } from '../../shared/record-layout'
import { requireRole, roleFor, tokenFrom } from '../auth'
import type { AppDeps, AppEnv, RouteModule } from '../deps'
import { jsonError } from '../http'
import { AddressSlots, clientAddress } from '../rate-limit'
import type { Role } from '../store/types'
import { configurePresenceGuard } from './presence-guard'
import { WsConn, type WsConnDeps } from './ws-conn'

const SOCKET_EVENTS = ['message', 'close', 'error'] as const

export const wsRoutes: RouteModule = (app, deps) => {
  const connDeps: WsConnDeps = {
    metrics: deps.metrics,
    log: deps.log,
    floodRate: deps.config.floodRate,
    floodBurst: deps.config.floodBurst,
    maxBufferedBytes: deps.config.maxBufferedBytes,
  }
  app.get(
    '/ws/:id',
    capSocketsPerAddress(deps, new AddressSlots(deps.config.maxSocketsPerAddress)),
    requireRole('viewer'),
    async (c, next) => {
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return jsonError(c, 426, 'this endpoint speaks websocket (y-websocket protocol)')
      }
      await next()
    },
    upgradeWebSocket(
      (c) => {
        const boardId = c.get('board').id
        const role = c.get('role')
        let token: string | null = tokenFrom(c)
        const layout = declaredLayout(c.req.query('layout'))
        let conn: WsConn | null = null
        return {
          onOpen(_event, ws) {
            const raw = ws.raw as unknown as WebSocket
            const before = new Map(SOCKET_EVENTS.map((e) => [e, new Set(raw.listeners(e))]))
            conn = openConn(deps, connDeps, raw, role, boardId, layout)
            // The helper adds its listeners (and replays frames that came early) right after onOpen returns,
            // synchronously; a microtask runs after that and before any further I/O.
            const opened = conn
            queueMicrotask(() => takeOverSocket(deps, raw, opened, before))
            // Tokens rotated between the check before the upgrade and now: this socket's token is no longer
            // valid, and the rotation could not close a socket that was not open yet.
            const used = token!
            token = null
            revokeIfRotated(deps, opened, used)
          },
          // Used only until takeOverSocket runs (frames that arrived while the socket was opening).
          onMessage(event) {
            conn?.receive(event.data as ArrayBuffer | string)
          },
          onClose(event) {
            if (conn) closeConn(deps, conn, event.code)
          },
          onError(event) {
            socketError(deps, conn, (event as ErrorEvent).error)
          },
        }
      },
      { onError: (err) => deps.log.error({ err }, 'websocket handler error') },
    ),
  )
}

/** Refuses an upgrade (429) from an address that holds `slots`' maximum of sockets. A slot is held from here
 *  until the TCP connection closes: for the websocket's whole life, or at once when a later check refuses it
 *  or the client goes away during the handshake. (A refused handshake carries no body on the wire, like the
 *  401/403/404 ones; the status is the answer.) */
function capSocketsPerAddress(deps: AppDeps, slots: AddressSlots): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket' || !socket) return next()
    const address = clientAddress(c)
    if (!slots.take(address)) {
      deps.metrics.httpRateLimited++
      deps.log.warn({ count: slots.count(address) }, 'too many websockets from one address; upgrade refused')
      return jsonError(c, 429, `too many open websockets from this address (at most ${deps.config.maxSocketsPerAddress})`)
    }
    if (socket.destroyed) slots.release(address) // gone already: its 'close' has been emitted
    else socket.once('close', () => slots.release(address))
    return next()
  }
}

/** `?layout=N`: the document layout the client's code reads (null when not said, or not a small number). */
function declaredLayout(value: string | undefined): number | null {
  return value && /^\d{1,3}$/.test(value) ? Number(value) : null
}

function openConn(deps: AppDeps, connDeps: WsConnDeps, raw: WebSocket, role: Role, boardId: string, layout: number | null): WsConn {
  const conn = new WsConn(raw, role, boardId, connDeps)
  conn.layout = layout
  // Code that says it reads an older layout would show an empty board: it is told to reload instead.
  if (layout !== null && layout < LAYOUT) queueMicrotask(() => conn.close(CLOSE_RELOAD, RELOAD_REASON))
  deps.conns.add(conn)
  conn.room = deps.rooms.connect(boardId, conn)
  if (conn.room) configurePresenceGuard(conn.room.awareness, deps.config.maxPresenceBytes)
  deps.log.debug({ boardId, conn: conn.id, role }, 'socket open')
  return conn
}

/** Replaces the upgrade helper's socket listeners (added after `before` was taken) by ours. */
function takeOverSocket(deps: AppDeps, raw: WebSocket, conn: WsConn, before: Map<string, Set<unknown>>): void {
  for (const event of SOCKET_EVENTS) {
    for (const listener of raw.listeners(event)) {
      if (!before.get(event)!.has(listener)) raw.off(event, listener as (...args: unknown[]) => void)
    }
  }
  raw.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (data instanceof ArrayBuffer) return conn.receive(isBinary ? data : Buffer.from(data).toString('utf8'))
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data
    if (!isBinary) return conn.receive(bytes.toString('utf8'))
    // A frame that is a view into a larger socket chunk is copied, as the helper did, so the chunk is not kept;
    // one that has its memory to itself (ws gathers a big frame into its own buffer) is taken as it is.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    conn.receive((whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer)
  })
  raw.on('close', (code: number) => closeConn(deps, conn, code))
  raw.on('error', (err: Error) => socketError(deps, conn, err))
}

function revokeIfRotated(deps: AppDeps, conn: WsConn, token: string): void {
  deps.store.getBoard(conn.boardId).then(
    (board) => {
      if (!board || roleFor(board, token) !== conn.role) conn.close(CLOSE_ACCESS_REVOKED, 'token rotated')
    },
    (err) => deps.log.error({ boardId: conn.boardId, err }, 'token re-check failed'),
  )
}

function closeConn(deps: AppDeps, conn: WsConn, code: number): void {
  if (!deps.conns.delete(conn)) return
  if (conn.room) deps.rooms.disconnect(conn.room, conn)
  deps.log.debug({ boardId: conn.boardId, conn: conn.id, code }, 'socket closed')
}

function socketError(deps: AppDeps, conn: WsConn | null, error: unknown): void {
  const err = error as { code?: string; message?: string } | undefined
  if (err?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') deps.metrics.oversizedFrames++
  deps.log.warn({ boardId: conn?.boardId, conn: conn?.id, err: err?.message }, 'socket error')
}
