// A token bucket: `burst` takes at once, refilled at `ratePerSecond`. One per websocket connection against
// message floods, and one per client address against HTTP floods (rate-limit.ts).
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

  take(now = performance.now()): boolean {
    this.refill(now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** Milliseconds until the next take succeeds (0 when it would now). */
  waitMs(now = performance.now()): number {
    this.refill(now)
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.ratePerSecond) * 1000
  }

  /** True once the bucket is full again: forgetting it then changes nothing. */
  isFull(now = performance.now()): boolean {
    this.refill(now)
    return this.tokens >= this.burst
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond)
    this.last = now
  }
}
