// Server configuration from the environment, validated once at start (zod). A bad value stops the server
// with a message naming the variable, instead of failing later in some odd place.
import path from 'node:path'
import { z } from 'zod'
import { KEEPALIVE_MS, MAX_FRAME_BYTES } from '../shared/protocol'

/** A whole number in [min, max] from an env string. */
export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

const envSchema = z.object({
  PORT: int(0, 65535).default(8787),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  /** Proxies (comma-separated addresses) whose X-Forwarded-For names the client; never believed otherwise. */
  TRUST_PROXY: z.string().trim().optional(),
  /** PostgreSQL instead of SQLite in DATA_DIR: what several processes share. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' }).optional(),
  /** Redis pub/sub relaying updates, presence and board events between processes. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// URL' }).optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://board.example.com' })
    .optional(),
  TLDRAW_LICENSE_KEY: z.string().trim().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLIENT_DIR: z.string().trim().min(1).default('dist/client'),
  /** How long a room with no connection stays in memory. */
  ROOM_GRACE_MS: int(0, 3_600_000).default(30_000),
  /** The server sends a tiny awareness frame this often so y-websocket clients never time out. */
  KEEPALIVE_MS: int(50, 60_000).default(KEEPALIVE_MS),
  /** ws ping interval; a socket that misses one pong is terminated. */
  PING_INTERVAL_MS: int(50, 600_000).default(30_000),
  MAX_FRAME_BYTES: int(1024, 64 * 1024 * 1024).default(MAX_FRAME_BYTES),
  /** Per-connection token bucket: sustained messages per second and burst size. */
  FLOOD_RATE: int(1, 1_000_000).default(300),
  FLOOD_BURST: int(1, 1_000_000).default(2_000),
  /** A socket with more unsent data than this is closed (1013): a peer that stops reading can't make the
   *  server buffer every update of its room without bound. */
  MAX_BUFFERED_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
  /** Compact a board's update log into one row once it has this many rows or bytes. */
  COMPACT_ROWS: int(2, 1_000_000).default(200),
  COMPACT_BYTES: int(1024, 1024 * 1024 * 1024).default(1024 * 1024),
  /** A board's stored document may grow to this size; client edits that would add past it are refused. */
  MAX_BOARD_BYTES: int(64 * 1024, 4 * 1024 * 1024 * 1024).default(32 * 1024 * 1024),
  /** Presence (cursors) goes out at most this often per room, the changes in between in one frame; 0 sends
   *  every change at once. */
  PRESENCE_INTERVAL_MS: int(0, 1000).default(20),
  /** SQLite's synchronous pragma (WAL mode). normal: a committed update survives a crash of this process
   *  (kill -9) but the last transactions may be lost on an OS crash or power loss; full: an fsync per commit,
   *  so they survive power loss too, at a latency cost on every relayed update. */
  SQLITE_SYNCHRONOUS: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['normal', 'full'], { error: 'expected normal or full' }))
    .default('normal'),
  BODY_LIMIT_BYTES: int(1024, 1024 * 1024 * 1024).default(5 * 1024 * 1024),
  /** Per client address on /api/*: sustained requests per second and burst size (then 429). */
  API_RATE: int(1, 1_000_000).default(20),
  API_BURST: int(1, 1_000_000).default(200),
  /** Per client address: boards created per minute (also the burst). */
  BOARD_CREATE_PER_MINUTE: int(1, 1_000_000).default(30),
  /** Client addresses the rate limiter remembers at most (least recently seen are forgotten first). */
  RATE_LIMIT_CLIENTS: int(1, 10_000_000).default(50_000),
  /** Largest presence (awareness) state of one client, in bytes of JSON; a bigger one is refused. */
  MAX_PRESENCE_BYTES: int(256, 4 * 1024 * 1024).default(32 * 1024),
  /** Open websockets per client address; the next upgrade is refused with 429. */
  MAX_SOCKETS_PER_ADDRESS: int(1, 1_000_000).default(50),
  /** Deepest nesting of arrays and objects in a JSON request body; deeper is refused before it is parsed. */
  MAX_JSON_DEPTH: int(8, 10_000).default(128),
  /** Largest JSON request body other than board creation's (whose seed may use all of BODY_LIMIT_BYTES). */
  JSON_BODY_LIMIT_BYTES: int(1024, 1024 * 1024 * 1024).default(64 * 1024),
  /** Most nodes in a board creation's seed (Tree JSON or outline). */
  MAX_SEED_NODES: int(1, 5_000).default(5_000),
  /** Per client address: bytes that board creations may store per hour (also the burst), then 429. */
  BOARD_CREATE_BYTES_PER_HOUR: int(1024, 1024 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  /** Bearer token for GET /metrics; without it /metrics answers 404. */
  METRICS_TOKEN: z.string().trim().min(16, 'use at least 16 characters').optional(),
  /** Who may frame the app (CSP frame-ancestors): 'none' (default), 'self', or origins, space-separated. */
  FRAME_ANCESTORS: z
    .string()
    .trim()
    .regex(
      /^(?:'none'|(?:'self'|https?:\/\/[A-Za-z0-9.*-]+(?::\d+)?)(?:\s+(?:'self'|https?:\/\/[A-Za-z0-9.*-]+(?::\d+)?))*)$/,
      "expected 'none', 'self' or http(s) origins separated by spaces",
    )
    .default("'none'"),
  /** Key that signs voter cookies (HMAC-SHA256); default: a random key kept in DATA_DIR/voter-secret. */
  VOTER_SECRET: z.string().trim().min(32, 'use at least 32 characters').optional(),
  /** New voter identities one client address may be issued per board per hour (also the burst). */
  VOTER_IDS_PER_HOUR: int(1, 1_000_000).default(10),
  /** Version history: an automatic version is made once a board's edits stop for this long. */
  VERSION_QUIET_MS: int(10, 86_400_000).default(300_000),
  /** Retention of automatic versions: all of the last this many hours, one per hour up to this many days,
   *  then one per day (for ever unless VERSION_KEEP_DAILY_DAYS is set). Named and decision versions stay. */
  VERSION_KEEP_ALL_HOURS: int(0, 100_000).default(24),
  VERSION_KEEP_HOURLY_DAYS: int(0, 100_000).default(7),
  VERSION_KEEP_DAILY_DAYS: int(0, 1_000_000).default(0),
})

export type SqliteSynchronous = 'normal' | 'full'

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  trustProxy: string[]
  redisUrl: string | undefined
  publicUrl: string | undefined
  tldrawLicenseKey: string | undefined
  logLevel: string
  clientDir: string
  roomGraceMs: number
  keepaliveMs: number
  pingIntervalMs: number
  maxFrameBytes: number
  floodRate: number
  floodBurst: number
  maxBufferedBytes: number
  compactRows: number
  compactBytes: number
  presenceIntervalMs: number
  maxBoardBytes: number
  sqliteSynchronous: SqliteSynchronous
  bodyLimitBytes: number
  apiRate: number
  apiBurst: number
  boardCreatePerMinute: number
  rateLimitClients: number
  maxPresenceBytes: number
  maxSocketsPerAddress: number
  maxJsonDepth: number
  jsonBodyLimitBytes: number
  maxSeedNodes: number
  boardCreateBytesPerHour: number
  metricsToken: string | undefined
  frameAncestors: string
  voterSecret: string | undefined
  voterIdsPerHour: number
  versionQuietMs: number
  /** Retention of automatic versions (shared/version-diff.ts ThinPolicy); dailyMs null keeps one a day for ever. */
  versionPolicy: { allMs: number; hourlyMs: number; dailyMs: number | null }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The variables that are set. Empty strings count as unset, so `PUBLIC_URL=` in a .env file means "no
 *  public URL". */
export function setVars(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')) as Record<string, string>
}

/** Reads and validates the environment; throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(setVars(env))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?')
      // A secret's value is never printed, even a bad one.
      const shown = /TOKEN|SECRET|KEY/.test(name) ? '(hidden)' : JSON.stringify(env[name] ?? '')
      return `  ${name}=${shown}: ${issue.message}`
    })
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    trustProxy: (e.TRUST_PROXY ?? '').split(',').map((a) => a.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')).filter(Boolean),
    redisUrl: e.REDIS_URL,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    tldrawLicenseKey: e.TLDRAW_LICENSE_KEY || undefined,
    logLevel: e.LOG_LEVEL,
    clientDir: path.resolve(e.CLIENT_DIR),
    roomGraceMs: e.ROOM_GRACE_MS,
    keepaliveMs: e.KEEPALIVE_MS,
    pingIntervalMs: e.PING_INTERVAL_MS,
    maxFrameBytes: e.MAX_FRAME_BYTES,
    floodRate: e.FLOOD_RATE,
    floodBurst: e.FLOOD_BURST,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    compactRows: e.COMPACT_ROWS,
    compactBytes: e.COMPACT_BYTES,
    presenceIntervalMs: e.PRESENCE_INTERVAL_MS,
    maxBoardBytes: e.MAX_BOARD_BYTES,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    apiRate: e.API_RATE,
    apiBurst: e.API_BURST,
    boardCreatePerMinute: e.BOARD_CREATE_PER_MINUTE,
    rateLimitClients: e.RATE_LIMIT_CLIENTS,
    maxPresenceBytes: e.MAX_PRESENCE_BYTES,
    maxSocketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
    maxJsonDepth: e.MAX_JSON_DEPTH,
    jsonBodyLimitBytes: e.JSON_BODY_LIMIT_BYTES,
    maxSeedNodes: e.MAX_SEED_NODES,
    boardCreateBytesPerHour: e.BOARD_CREATE_BYTES_PER_HOUR,
    metricsToken: e.METRICS_TOKEN,
    frameAncestors: e.FRAME_ANCESTORS.split(/\s+/).join(' '),
    voterSecret: e.VOTER_SECRET,
    voterIdsPerHour: e.VOTER_IDS_PER_HOUR,
    versionQuietMs: e.VERSION_QUIET_MS,
    versionPolicy: {
      allMs: e.VERSION_KEEP_ALL_HOURS * 3_600_000,
      hourlyMs: e.VERSION_KEEP_HOURLY_DAYS * 86_400_000,
      dailyMs: e.VERSION_KEEP_DAILY_DAYS ? e.VERSION_KEEP_DAILY_DAYS * 86_400_000 : null,
    },
  }
}
