// A Redis client for work that must never wait on Redis (the shared rate limits): commands are refused at
// once while the link is down (no offline queue, one retry), and the link is retried forever in the
// background. The URL may hold a password: it is never logged, and only state changes are (not every retry).
import { Redis } from 'ioredis'
import type { Logger } from './log'

export function openRedisClient(url: string, log: Logger, purpose: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (n: number) => Math.min(50 * n, 1000),
    connectionName: `outcome-board-${purpose}`,
  })
  let up = false
  client.on('ready', () => {
    up = true
    log.info({ purpose }, 'redis connected')
  })
  client.on('close', () => {
    if (up) log.warn({ purpose }, 'redis connection lost; falling back to this process only until it is back')
    up = false
  })
  client.on('error', () => {}) // the state changes above say enough; an unhandled 'error' would throw
  return client
}
