// A bystander process for the fan-out rounds: it does nothing but wake every TICK_MS and, when a wake-up
// comes more than MIN_GAP_MS late, prints one JSON line ({ endedAt, ms }: the wall-clock time it woke, and
// how long it was kept from running). It shares the machine with the servers but none of their work, so a
// pause it sees at the moment a server stalled points at the machine (the host, the kernel), not at the server.
'use strict'
const TICK_MS = 5
const MIN_GAP_MS = Number(process.argv[2]) || 50
let last = performance.now()
setInterval(() => {
  const now = performance.now()
  const gap = now - last - TICK_MS
  last = now
  if (gap >= MIN_GAP_MS) process.stdout.write(`${JSON.stringify({ endedAt: Date.now(), ms: Math.round(gap) })}\n`)
}, TICK_MS)
