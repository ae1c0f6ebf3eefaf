// The fan-out port over Redis pub/sub (ioredis): one channel per board, subscribed while the board's room is
// loaded in this process. Publishing never queues while Redis is away (the message is dropped and counted:
// the update it carried is already stored, and every room reads what it missed when the link is back, see
// onResume); nothing here throws into a room, and a lost connection is retried forever.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from '../log'
import { decodeFanout, encodeFanout, type Fanout, type FanoutMessage } from './fanout'

const channelOf = (boardId: string) => `outcome-board:board:${boardId}`

export async function openRedisFanout(url: string, log: Logger, onDropped: () => void = () => {}): Promise<Fanout> {
  const processId = randomUUID()
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n: number) => Math.min(50 * n, 1000) }
  const pub = new Redis(url, { ...options, lazyConnect: true })
  // The subscriber queues its SUBSCRIBE commands until it is connected, and re-subscribes after a reconnect.
  const sub = new Redis(url, { retryStrategy: options.retryStrategy, lazyConnect: true })
  const handlers = new Map<string, Set<(message: FanoutMessage) => void>>()
  const resumeFns: (() => void)[] = []
  let healthy = false
  let lostOnce = false

  for (const client of [pub, sub]) {
    client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'))
  }
  sub.on('ready', () => {
    healthy = pub.status === 'ready'
    if (lostOnce) {
      log.info('redis is back; rooms read what they missed')
      for (const fn of resumeFns) fn()
    }
  })
  pub.on('ready', () => {
    healthy = sub.status === 'ready'
  })
  for (const client of [pub, sub]) {
    client.on('close', () => {
      if (healthy) log.warn('redis connection lost; relaying to this process only until it is back')
      healthy = false
      lostOnce = true
    })
  }
  sub.on('messageBuffer', (channel: Buffer, data: Buffer) => {
    const boardId = channel.toString().slice(channelOf('').length)
    const set = handlers.get(boardId)
    if (!set) return
    let decoded: ReturnType<typeof decodeFanout>
    try {
      decoded = decodeFanout(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'unreadable fan-out message')
      return
    }
    if (decoded.sender === processId) return
    for (const fn of set) fn(decoded.message)
  })

  await Promise.all([pub.connect(), sub.connect()])

  return {
    remote: true,
    get healthy() {
      return healthy
    },
    publish(boardId, message) {
      if (pub.status !== 'ready') return onDropped()
      pub.publish(channelOf(boardId), Buffer.from(encodeFanout(processId, message))).catch(() => onDropped())
    },
    subscribe(boardId, handler) {
      let set = handlers.get(boardId)
      if (!set) {
        set = new Set()
        handlers.set(boardId, set)
        sub.subscribe(channelOf(boardId)).catch((err: Error) => log.warn({ boardId, err: err.message }, 'redis subscribe failed'))
      }
      set.add(handler)
      return () => {
        const current = handlers.get(boardId)
        if (!current?.delete(handler) || current.size > 0) return
        handlers.delete(boardId)
        sub.unsubscribe(channelOf(boardId)).catch(() => {})
      }
    },
    onResume(fn) {
      resumeFns.push(fn)
    },
    async close() {
      pub.disconnect()
      sub.disconnect()
    },
  }
}
