// Wakes every `tickMs` and reports each wake-up that came late: how late (ms), and the wall-clock time it
// came (epoch ms). Shared by the servers' probe (mem-probe.cjs: a server's longest stall) and the bystander
// process (pause-witness.cjs), so both see stalls the same way.
'use strict'

/** Calls `onLate(ms, endedAt)` after every late wake-up; returns the timer (unref'd: it keeps no process up). */
function watchLateWakeups(tickMs, onLate) {
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    const late = now - last - tickMs
    last = now
    if (late > 0) onLate(late, Date.now())
  }, tickMs)
  timer.unref()
  return timer
}

module.exports = { watchLateWakeups }
