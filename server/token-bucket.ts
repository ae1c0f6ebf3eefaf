// A token bucket: `burst` takes at once, refilled at `ratePerSecond`. One per websocket connection against
// message floods (ws-conn.ts), checked synchronously on every frame; the limits per client address, shared
// across processes, are rate-limiter-flexible's (rate-limit.ts). A take may cost more than one token; what
// is known only afterwards is charged, and may leave the bucket in debt, paid back by waiting.
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = performance.now(),
  ) {
    this.tokens = burst
    this.last = now
  }

  /** Takes `cost` tokens if there are that many (a cost above the burst needs a full bucket). */
  take(now = performance.now(), cost = 1): boolean {
    this.refill(now)
    if (this.tokens < this.needed(cost)) return false
    this.tokens -= cost
    return true
  }

  /** Takes `cost` more tokens whatever is left: a cost learned after the take. */
  charge(cost: number, now = performance.now()): void {
    this.refill(now)
    this.tokens -= cost
  }

  /** Milliseconds until a take of `cost` succeeds (0 when it would now). */
  waitMs(now = performance.now(), cost = 1): number {
    this.refill(now)
    const needed = this.needed(cost)
    return this.tokens >= needed ? 0 : ((needed - this.tokens) / this.ratePerSecond) * 1000
  }

  /** True once the bucket is full again: forgetting it then changes nothing. */
  isFull(now = performance.now()): boolean {
    this.refill(now)
    return this.tokens >= this.burst
  }

  private needed(cost: number): number {
    return Math.min(cost, this.burst)
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond)
    this.last = now
  }
}
