// Per-client HTTP rate limits: a token bucket per client address, 429 with Retry-After when it is empty.
// Memory is bounded two ways: a bucket that has refilled is forgotten (a fresh one is the same), and at
// most `maxClients` addresses are tracked (the least recently seen go first). The address is the TCP peer;
// behind a reverse proxy every client shares the proxy's address, so give the limits room there.
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './deps'
import { TokenBucket } from './token-bucket'

export class RateLimiter {
  /** Least recently seen first: a take moves its key to the end. */
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxClients: number,
  ) {}

  /** Clients currently tracked. */
  get size(): number {
    return this.buckets.size
  }

  /** Takes one request (or `cost` units) for `key`: 0 when allowed, else the milliseconds to wait. */
  take(key: string, now = performance.now(), cost = 1): number {
    const bucket = this.bucket(key, now)
    const wait = bucket.take(now, cost) ? 0 : Math.max(1, bucket.waitMs(now, cost))
    this.evict(now)
    return wait
  }

  /** Charges `cost` more units to `key`, allowed or not (what a request turned out to cost). */
  charge(key: string, cost: number, now = performance.now()): void {
    if (cost <= 0) return
    this.bucket(key, now).charge(cost, now)
    this.evict(now)
  }

  /** The key's bucket, moved to the most recently seen end. */
  private bucket(key: string, now: number): TokenBucket {
    let bucket = this.buckets.get(key)
    if (bucket) this.buckets.delete(key)
    else bucket = new TokenBucket(this.ratePerSecond, this.burst, now)
    this.buckets.set(key, bucket)
    return bucket
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size > this.maxClients || bucket.isFull(now)) this.buckets.delete(key)
      else break // the rest were seen more recently
    }
  }
}

/** Counts what each client address holds open (websockets): `take` refuses past `max`; the count of an
 *  address that holds nothing is forgotten, so memory follows what is open. */
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
export function rateLimit(limiter: RateLimiter, what: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const waitMs = limiter.take(clientAddress(c))
    if (waitMs === 0) return next()
    const seconds = Math.ceil(waitMs / 1000)
    c.get('deps').metrics.httpRateLimited++
    c.header('Retry-After', String(seconds))
    return c.json({ error: `too many ${what}; try again in ${seconds} s` }, 429)
  }
}
