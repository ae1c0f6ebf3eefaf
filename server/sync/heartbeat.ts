// Two timers over every open connection:
// - ws ping each `pingIntervalMs`; a socket that has not answered the previous ping is terminated (dead peers
//   otherwise keep rooms loaded forever);
// - a keepalive frame (an empty awareness update) to every socket that has been silent for half of
//   `keepaliveMs`: the y-websocket client closes a socket that received nothing for 30 s, so an idle board
//   would otherwise reconnect in a loop.
import type { Metrics } from '../metrics'
import { KEEPALIVE_FRAME } from './protocol'
import type { WsConn } from './ws-conn'

export interface Heartbeat {
  stop(): void
}

export function startHeartbeat(opts: {
  conns: Set<WsConn>
  metrics: Metrics
  pingIntervalMs: number
  keepaliveMs: number
}): Heartbeat {
  const { conns, metrics } = opts
  const ping = setInterval(() => {
    for (const conn of conns) {
      if (conn.awaitingPong) {
        metrics.deadSockets++
        conn.terminate()
      } else {
        conn.ping()
      }
    }
  }, opts.pingIntervalMs)
  const keepalive = setInterval(
    () => {
      const quietSince = Date.now() - opts.keepaliveMs / 2
      for (const conn of conns) if (conn.lastSentAt <= quietSince) conn.send(KEEPALIVE_FRAME)
    },
    Math.max(10, Math.floor(opts.keepaliveMs / 2)),
  )
  ping.unref()
  keepalive.unref()
  return {
    stop() {
      clearInterval(ping)
      clearInterval(keepalive)
    },
  }
}
