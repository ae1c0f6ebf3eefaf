// Splits fan-out deliveries into the parts bench/fanout-tail.ts prints, from the times the bench saw (the
// writer's send, each receiver's arrival) and the server's handler runs (lib/handler-probe.cjs), all in ns
// on one monotonic clock.

export interface Delivery {
  seq: number
  /** The writer handed the update's frame to its socket. */
  sent: number
  /** A receiver's socket handed it over. */
  arrival: number
}

/** A run of the server's websocket handler for one document update: [start, end]. */
export type HandlerRun = [number, number]

export interface DeliveryParts {
  total: number
  /** sent → the handler starts. */
  inbound: number
  /** The handler's run. */
  handler: number
  /** The handler returns → arrival (negative when the receiver had it first). */
  out: number
}

/** Each delivery's parts, in µs. An update's handler run is the first that starts at or after its send (the
 *  writer sends one update at a time, far apart next to a handler's run); deliveries that arrived before
 *  that run started are left out (no run matched them). */
export function splitDeliveries(deliveries: readonly Delivery[], runs: readonly HandlerRun[]): DeliveryParts[] {
  const sorted = [...runs].sort((a, b) => a[0] - b[0])
  const sentBySeq = new Map<number, number>()
  for (const d of deliveries) sentBySeq.set(d.seq, d.sent)
  const runBySeq = new Map<number, HandlerRun>()
  let i = 0
  for (const [seq, sent] of [...sentBySeq].sort((a, b) => a[1] - b[1])) {
    while (i < sorted.length && sorted[i][0] < sent) i++
    if (i < sorted.length) runBySeq.set(seq, sorted[i])
  }
  const parts: DeliveryParts[] = []
  for (const d of deliveries) {
    const run = runBySeq.get(d.seq)
    if (!run || run[0] > d.arrival) continue
    parts.push({ total: (d.arrival - d.sent) / 1e3, inbound: (run[0] - d.sent) / 1e3, handler: (run[1] - run[0]) / 1e3, out: (d.arrival - run[1]) / 1e3 })
  }
  return parts
}

const PARTS = ['inbound', 'handler', 'out'] as const
export type Part = (typeof PARTS)[number]

/** For the slowest 1% (total at or above p99): the mean of each part, and in how many each was the largest. */
export function slowestPercent(parts: readonly DeliveryParts[], p99: number): { mean: Record<Part, number>; largest: Record<Part, number>; count: number } {
  const tail = parts.filter((x) => x.total >= p99)
  const mean = { inbound: 0, handler: 0, out: 0 }
  const largest = { inbound: 0, handler: 0, out: 0 }
  for (const x of tail) {
    for (const k of PARTS) mean[k] += x[k] / tail.length
    largest[PARTS.reduce((a, b) => (x[b] > x[a] ? b : a))]++
  }
  return { mean, largest, count: tail.length }
}
