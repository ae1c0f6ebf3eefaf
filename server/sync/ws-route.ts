// GET /ws/:id?token=T — the y-websocket endpoint. The token is checked before the upgrade, so a refused
// client gets a plain HTTP 401/403/404 and never a socket. Frame size is capped by the WebSocketServer's
// maxPayload (ws closes with 1009); floods, bad frames and dead peers are handled in WsConn and heartbeat.
import { upgradeWebSocket } from '@hono/node-server'
import type { WebSocket } from 'ws'
import { requireRole } from '../auth'
import type { RouteModule } from '../deps'
import { jsonError } from '../http'
import { WsConn } from './ws-conn'

export const wsRoutes: RouteModule = (app, deps) => {
  app.get(
    '/ws/:id',
    requireRole('viewer'),
    async (c, next) => {
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return jsonError(c, 426, 'this endpoint speaks websocket (y-websocket protocol)')
      }
      await next()
    },
    upgradeWebSocket(
      (c) => {
        const board = c.get('board')
        const role = c.get('role')
        let conn: WsConn | null = null
        const connDeps = {
          ...deps,
          floodRate: deps.config.floodRate,
          floodBurst: deps.config.floodBurst,
          maxBufferedBytes: deps.config.maxBufferedBytes,
        }
        return {
          onOpen(_event, ws) {
            conn = new WsConn(ws.raw as unknown as WebSocket, role, board.id, connDeps)
            deps.conns.add(conn)
            conn.room = deps.rooms.connect(board.id, conn)
            deps.log.debug({ boardId: board.id, conn: conn.id, role }, 'socket open')
          },
          onMessage(event) {
            conn?.receive(event.data as ArrayBuffer | string)
          },
          onClose(event) {
            if (!conn) return
            deps.conns.delete(conn)
            if (conn.room) deps.rooms.disconnect(conn.room, conn)
            deps.log.debug({ boardId: board.id, conn: conn.id, code: event.code }, 'socket closed')
          },
          onError(event) {
            const err = (event as ErrorEvent).error as { code?: string; message?: string } | undefined
            if (err?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') deps.metrics.oversizedFrames++
            deps.log.warn({ boardId: board.id, conn: conn?.id, err: err?.message }, 'socket error')
          },
        }
      },
      { onError: (err) => deps.log.error({ err }, 'websocket handler error') },
    ),
  )
}
