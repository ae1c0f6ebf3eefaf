// What route modules receive, and the Hono env they share. A route module is one file exporting a
// `RouteModule`; add it to the list in routes/index.ts.
import type { Hono } from 'hono'
import type { Config } from './config'
import type { Logger } from './log'
import type { Metrics } from './metrics'
import type { LimiterFactory, RateLimiter } from './rate-limit'
import type { Board, Role, Store } from './store/types'
import type { Fanout } from './sync/fanout'
import type { Rooms } from './sync/rooms'
import type { TrackersConfig } from './trackers/config'
import type { WsConn } from './sync/ws-conn'
import type { VersionKeeper } from './versions/version-keeper'

export interface AppDeps {
  config: Config
  store: Store
  rooms: Rooms
  /** The other processes serving the same boards (Redis), or nobody. */
  fanout: Fanout
  metrics: Metrics
  log: Logger
  /** Tracker credentials (server-only; the browser sees just the configured names). */
  trackers: TrackersConfig
  /** Every open websocket connection (for the heartbeat and shutdown). */
  conns: Set<WsConn>
  /** Rate limits per client address: every /api/* request, and board creation; `make` makes more (in Redis
   *  with REDIS_URL, shared by every process, else in memory). */
  limits: { api: RateLimiter; createBoard: RateLimiter; make: LimiterFactory }
  /** Base of links handed out: PUBLIC_URL, else http://HOST:PORT of the running server. */
  publicUrl(): string
  /** Version history: makes versions on demand and as rooms go quiet or unload. */
  versions: VersionKeeper
}

export type AppEnv = {
  Variables: {
    deps: AppDeps
    /** Set by requireRole(). */
    board: Board
    role: Role
  }
}

export type App = Hono<AppEnv>
export type RouteModule = (app: App, deps: AppDeps) => void
