// A bystander process for the fan-out rounds: it does nothing but wake every TICK_MS and, when a wake-up
// comes MIN_GAP_MS or more late, prints one JSON line ({ endedAt, ms }: the wall-clock time it woke, and
// how long it was kept from running). It shares the machine with the servers but none of their work, so a
// pause it sees at the moment a server stalled points at the machine (the host, the kernel), not at the server.
'use strict'
const { watchLateWakeups } = require('./late-wakeups.cjs')

const TICK_MS = 5
const MIN_GAP_MS = Number(process.argv[2]) || 50
watchLateWakeups(TICK_MS, (ms, endedAt) => {
  if (ms >= MIN_GAP_MS) process.stdout.write(`${JSON.stringify({ endedAt, ms: Math.round(ms) })}\n`)
})
// Nothing else keeps this process alive; it runs until the bench kills it.
setInterval(() => {}, 1 << 30)
