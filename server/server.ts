// startServer(): the whole server on a real port — store, rooms, heartbeat, HTTP + websocket — with a
// close() that shuts down gracefully. main.ts calls it with the env config; tests call it with port 0.
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { DestinationStream } from 'pino'
import { WebSocketServer } from 'ws'
import { createApp } from './app'
import { type Config, loadConfig } from './config'
import type { AppDeps } from './deps'
import { createLogger, type Logger } from './log'
import { Metrics, PROCESS_ID } from './metrics'
import { limiterFactory } from './rate-limit'
import { openRedisClient } from './redis-client'
import { openPostgresStore } from './store/postgres'
import { openSqliteStore } from './store/sqlite'
import type { Store } from './store/types'
import { startHeartbeat } from './sync/heartbeat'
import { localFanout } from './sync/fanout'
import { openRedisFanout } from './sync/redis-fanout'
import { Rooms } from './sync/rooms'
import { checkWireAtStart } from './sync/ws-wire'
import { reconcileBet } from './bet-record'
import type { WsConn } from './sync/ws-conn'
import type { TrackersConfig } from './trackers/config'
import { VersionKeeper } from './versions/version-keeper'

export interface StartOptions extends Partial<Config> {
  /** Another storage engine (tests wrap the SQLite one to inject failures). Closed by close(). */
  store?: Store
  logger?: Logger
  /** Where pino writes when no logger is given (default stdout). */
  logDestination?: DestinationStream
  /** Tracker credentials (main.ts reads them from the environment); none by default. */
  trackers?: TrackersConfig
}

export interface RunningServer {
  url: string
  port: number
  config: Config
  deps: AppDeps
  close(): Promise<void>
}

/** How long shutdown waits for clients to answer the close handshake before cutting sockets. */
const SHUTDOWN_SOCKET_GRACE_MS = 1000

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { store: givenStore, logger, logDestination, trackers = { timeoutMs: 15_000 }, ...overrides } = options
  const config: Config = { ...loadConfig({}), ...stripUndefined(overrides) }
  const log = logger ?? createLogger(config.logLevel, logDestination)
  const store =
    givenStore ??
    (config.databaseUrl
      ? await openPostgresStore(config.databaseUrl)
      : openSqliteStore(config.dataDir, {
          synchronous: config.sqliteSynchronous,
          onWarning: (message) => log.warn(message),
        }))
  await checkWireAtStart((message) => log.warn(message))
  const metrics = new Metrics()
  const conns = new Set<WsConn>()
  const fanout = config.redisUrl ? await openRedisFanout(config.redisUrl, log, () => metrics.fanoutDropped++) : localFanout()
  const versions = new VersionKeeper({ store, log, quietMs: config.versionQuietMs, policy: config.versionPolicy })
  const rooms = new Rooms({
    store,
    metrics,
    log,
    graceMs: config.roomGraceMs,
    compactRows: config.compactRows,
    compactBytes: config.compactBytes,
    presenceIntervalMs: config.presenceIntervalMs,
    maxBoardBytes: config.maxBoardBytes,
    observer: {
      loaded(room) {
        versions.loaded(room)
        // After the load's own work: the copy of the bet in the document follows its record in SQL.
        setImmediate(() => void reconcileBet(rooms, store, log, room.boardId).catch((err) => log.error({ boardId: room.boardId, err }, 'bet check failed')))
      },
      closing: (room) => versions.closing(room),
      converting: (boardId, records) => versions.converting(boardId, records),
      conversionBase: (boardId) => versions.conversionBase(boardId),
    },
    fanout,
  })
  versions.useRooms(rooms)
  let baseUrl = ''
  // Shared by every process through Redis when there is one (a client of its own: limits never wait on it).
  const limitsRedis = config.redisUrl ? openRedisClient(config.redisUrl, log, 'limits') : undefined
  const makeLimit = limiterFactory(config.rateLimitClients, limitsRedis)
  const limits = {
    api: makeLimit('api', config.apiRate, config.apiBurst),
    createBoard: makeLimit('create-board', config.boardCreatePerMinute / 60, config.boardCreatePerMinute),
    make: makeLimit,
  }
  const deps: AppDeps = {
    config,
    store,
    rooms,
    fanout,
    metrics,
    log,
    conns,
    trackers,
    limits,
    publicUrl: () => config.publicUrl ?? baseUrl,
    versions,
  }

  const app = createApp(deps)
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes })
  const server = createAdaptorServer({ fetch: app.fetch, websocket: { server: wss } })
  server.on('clientError', (err, socket) => socket.destroy(err))
  // Let clients close idle keep-alive connections first (browsers and Node's fetch give up after 4–5 s): when
  // the server closes one at the moment a client reuses it, that request fails with a reset.
  const http1 = server as import('node:http').Server
  http1.keepAliveTimeout = 65_000
  http1.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  baseUrl = `http://${host}:${port}`
  log.info({ process: PROCESS_ID, limits: limitsRedis ? 'redis' : 'memory' }, 'process id (the process label on /metrics)')
  const heartbeat = startHeartbeat({
    conns,
    metrics,
    pingIntervalMs: config.pingIntervalMs,
    keepaliveMs: config.keepaliveMs,
  })

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      heartbeat.stop()
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()))
      await rooms.closeAll() // closes sockets with 1001 and flushes every room to the store
      await waitUntil(() => conns.size === 0, SHUTDOWN_SOCKET_GRACE_MS)
      for (const conn of conns) conn.terminate()
      if ('closeAllConnections' in server) server.closeAllConnections()
      await httpClosed
      await fanout.close()
      limitsRedis?.disconnect()
      await store.close()
      log.info('server closed')
    })())

  return { url: baseUrl, port, config, deps, close }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
}
