// Per-client rate limits (HTTP requests, board creation and its bytes, new voter ids), kept by
// rate-limiter-flexible: in memory for one process, in Redis when REDIS_URL is set so that several processes
// share one count per client. Each limit is `burst` points per window of burst / rate seconds (a fixed
// window, not a refilling bucket: a client that used its burst waits for the window to end); 429 with
// Retry-After when a client is over. While Redis is unreachable each process counts on its own (the
// library's insurance limiter, in memory): a limit never fails a request.
// Memory: a window's count is forgotten when the window ends, and at most `maxClients` addresses are
// remembered here (the least recently seen go first, their in-memory counts with them). The address is the
// TCP peer, or the client named by a proxy in TRUST_PROXY (clientAddress below).
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Metrics } from './metrics'

/** Makes a limit named `name` (its Redis key prefix): `burst` points per burst / ratePerSecond seconds. */
export type LimiterFactory = (name: string, ratePerSecond: number, burst: number) => RateLimiter

/** Limits in Redis when a client is given (shared by every process using it), else in this process's memory. */
export function limiterFactory(maxClients: number, redis?: Redis): LimiterFactory {
  return (name, ratePerSecond, burst) => new RateLimiter(ratePerSecond, burst, maxClients, redis ? { redis, name } : undefined)
}

export class RateLimiter {
  /** Addresses seen, least recently seen first, with the time (Date.now) their window ends. */
  private readonly seen = new Map<string, number>()
  private readonly points: number
  private readonly limiter: RateLimiterMemory | RateLimiterRedis
  /** Where counts live in this process: the limiter itself, or Redis's insurance while Redis is away. */
  private readonly memory: RateLimiterMemory

  constructor(
    ratePerSecond: number,
    burst: number,
    private readonly maxClients: number,
    shared?: { redis: Redis; name: string },
  ) {
    this.points = Math.max(1, Math.round(burst))
    const duration = this.points / ratePerSecond
    if (shared) {
      const keyPrefix = `outcome-board:limit:${shared.name}`
      // Redis keeps whole seconds (EX); in memory the window is exact.
      const redisDuration = Math.max(1, Math.round(duration))
      this.memory = new RateLimiterMemory({ points: this.points, duration: redisDuration, keyPrefix })
      this.limiter = new RateLimiterRedis({
        storeClient: shared.redis,
        points: this.points,
        duration: redisDuration,
        keyPrefix,
        rejectIfRedisNotReady: true,
        insuranceLimiter: this.memory,
      })
    } else {
      this.memory = new RateLimiterMemory({ points: this.points, duration })
      this.limiter = this.memory
    }
  }

  /** Clients currently remembered. */
  get size(): number {
    return this.seen.size
  }

  /** Takes one request (or `cost` units) for `key`: 0 when allowed, else the milliseconds to wait. A cost
   *  above the burst is allowed at the start of a window and leaves the client over until the window ends. */
  async take(key: string, cost = 1): Promise<number> {
    const within = Math.min(cost, this.points)
    try {
      const res = await this.limiter.consume(key, within)
      if (cost > within) await this.limiter.penalty(key, cost - within)
      this.remember(key, res.msBeforeNext)
      return 0
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) return 0 // a store error the insurance could not absorb: serve
      this.remember(key, err.msBeforeNext)
      return Math.max(1, err.msBeforeNext)
    }
  }

  /** Charges `cost` more units to `key`, allowed or not (what a request turned out to cost). */
  async charge(key: string, cost: number): Promise<void> {
    if (cost <= 0) return
    try {
      const res = await this.limiter.penalty(key, cost)
      this.remember(key, res.msBeforeNext)
    } catch {
      // never fails a request
    }
  }

  /** Moves `key` to the most recently seen end and forgets what is over the cap or whose window ended. */
  private remember(key: string, msBeforeNext: number): void {
    const now = Date.now()
    this.seen.delete(key)
    this.seen.set(key, now + Math.max(0, msBeforeNext))
    for (const [k, endsAt] of this.seen) {
      if (this.seen.size > this.maxClients) {
        this.seen.delete(k)
        void this.memory.delete(k) // Redis forgets its own copy when its window ends
      } else if (endsAt <= now) this.seen.delete(k)
      else break // the rest were seen more recently
    }
  }
}

/** Counts what each client address holds open (websockets) in this process: `take` refuses past `max`; the
 *  count of an address that holds nothing is forgotten, so memory follows what is open. Not in Redis: a
 *  process that dies would leave its slots taken there. */
export class AddressSlots {
  private readonly held = new Map<string, number>()

  constructor(private readonly max: number) {}

  /** Addresses holding at least one slot. */
  get size(): number {
    return this.held.size
  }

  count(key: string): number {
    return this.held.get(key) ?? 0
  }

  /** One more slot for `key`; false (and nothing taken) when it already holds `max`. */
  take(key: string): boolean {
    const n = this.count(key)
    if (n >= this.max) return false
    this.held.set(key, n + 1)
    return true
  }

  release(key: string): void {
    const n = this.count(key) - 1
    if (n > 0) this.held.set(key, n)
    else this.held.delete(key)
  }
}

/** The client's address: the peer's, or, when the peer is a proxy named in TRUST_PROXY, the nearest address
 *  in X-Forwarded-For that is not one of those proxies (the right-most ones were added by proxies we trust;
 *  anything to the left of the first untrusted one could be made up by the client). */
export function clientAddress(c: Context): string {
  let peer: string
  try {
    peer = normalizeAddress(getConnInfo(c).remote.address ?? 'unknown')
  } catch {
    return 'unknown' // not served by @hono/node-server (app.request in a script)
  }
  const trusted = (c.get('deps') as { config?: { trustProxy?: readonly string[] } } | undefined)?.config?.trustProxy
  if (!trusted?.length || !trusted.includes(peer)) return peer
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((a) => normalizeAddress(a.trim())).filter(Boolean)
  for (let i = forwarded.length - 1; i >= 0; i--) if (!trusted.includes(forwarded[i])) return forwarded[i]
  return forwarded[0] ?? peer
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export const normalizeAddress = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')

/** Answers 429 `{error}` with Retry-After (whole seconds) once the client's bucket is empty. */
export function rateLimit(limiter: RateLimiter, what: string, metrics: Pick<Metrics, 'httpRateLimited'>): MiddlewareHandler {
  return async (c, next) => {
    const waitMs = await limiter.take(clientAddress(c))
    if (waitMs === 0) return next()
    const seconds = Math.ceil(waitMs / 1000)
    metrics.httpRateLimited++
    c.header('Retry-After', String(seconds))
    return c.json({ error: `too many ${what}; try again in ${seconds} s` }, 429)
  }
}
