// Presence (awareness: cursors, selections, names) going out from one room. A change goes out at once when
// none went out in the last `intervalMs`; changes that come closer together wait for the end of that interval
// and go out together, one frame holding every changed state as it is then. In a big room every cursor move
// would otherwise cost a write to every socket — 50 people moving at 10 Hz is 24,500 writes a second, the
// server's main cost, and as many frames for each browser to handle — and an edit that arrives behind those
// writes waits for them. Browsers already send presence at most every 80 ms (client/sync/presence.ts), so a
// few more milliseconds at busy moments are not seen.
import type { Awareness } from 'y-protocols/awareness'
import type { Conn } from './conn'
import { encodeAwareness } from './protocol'

/** Awareness (cursors, presence) is skipped for a socket with more than this much unsent data. */
export const AWARENESS_SKIP_BUFFERED_BYTES = 1024 * 1024

export class PresenceOutbox {
  /** Clients whose state changed since the last frame, and the connections those changes came from (null:
   *  the server itself, as when it removes a closed connection's states). */
  private readonly changed = new Set<number>()
  private readonly from = new Set<Conn | null>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastSent = -Infinity
  private closed = false

  constructor(
    private readonly awareness: Awareness,
    private readonly conns: ReadonlySet<Conn>,
    /** 0: every change goes out at once, as the reference y-websocket server does. */
    private readonly intervalMs: number,
  ) {}

  /** `clients` changed their state (or were removed), by a message from `from`. */
  add(clients: readonly number[], from: Conn | null): void {
    if (this.closed || clients.length === 0) return
    for (const id of clients) this.changed.add(id)
    this.from.add(from)
    if (this.timer) return
    const wait = this.lastSent + this.intervalMs - performance.now()
    if (wait <= 0) return this.send()
    this.timer = setTimeout(() => {
      this.timer = null
      this.send()
    }, wait)
  }

  /** Drops what has not gone out (the room is closing: its connections are closed or about to be). */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.changed.clear()
    this.from.clear()
  }

  /** Sends the changed states to every connection except the one they all came from, if one did. A sender
   *  that is among several gets its own state back, which changes nothing for it (same clock). */
  private send(): void {
    if (this.changed.size === 0) return
    this.lastSent = performance.now()
    const frame = encodeAwareness(this.awareness, [...this.changed])
    const onlySender = this.from.size === 1 ? this.from.values().next().value : null
    this.changed.clear()
    this.from.clear()
    for (const conn of this.conns) {
      if (conn !== onlySender && conn.bufferedAmount < AWARENESS_SKIP_BUFFERED_BYTES) conn.send(frame)
    }
  }
}
