// Pauses (a stretch of time some process could not run), compared across processes. Pure functions.

/** A pause that ended at `endedAt` (epoch ms) and lasted `ms`. */
export interface Pause {
  endedAt: number
  ms: number
}

/** How far apart two clocks' readings of the same moment may be: both are the same machine's wall clock,
 *  but each process sees a pause only at its next wake-up (up to a tick late). */
export const CLOCK_SLACK_MS = 20

/** The pauses in `pauses` that overlap `pause` (allowing CLOCK_SLACK_MS either side), longest first. */
export function overlapping(pauses: Pause[], pause: Pause): Pause[] {
  const start = pause.endedAt - pause.ms - CLOCK_SLACK_MS
  const end = pause.endedAt + CLOCK_SLACK_MS
  return pauses.filter((p) => p.endedAt >= start && p.endedAt - p.ms <= end).sort((a, b) => b.ms - a.ms)
}

/** The longest of some pauses, or null when there are none. */
export function longest(pauses: Pause[]): Pause | null {
  return pauses.reduce<Pause | null>((best, p) => (best === null || p.ms > best.ms ? p : best), null)
}

/** How much of `pause` the witness's pauses cover, from 0 (the witness ran throughout) to 1 (it was kept from
 *  running all along too). */
export function sharedShare(pause: Pause, witness: Pause[]): number {
  if (pause.ms <= 0) return 0
  const start = pause.endedAt - pause.ms
  const spans = overlapping(witness, pause)
    .map((p) => [Math.max(start, p.endedAt - p.ms - CLOCK_SLACK_MS), Math.min(pause.endedAt, p.endedAt + CLOCK_SLACK_MS)])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0])
  let covered = 0
  let reached = start
  for (const [from, to] of spans) {
    if (to <= reached) continue
    covered += to - Math.max(from, reached)
    reached = to
  }
  return Math.min(1, covered / pause.ms)
}
