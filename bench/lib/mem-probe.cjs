// Preloaded (node --require) into each benchmarked server process, ours and the reference alike, so memory
// is read the same way in both: on an IPC request it runs a full GC (node --expose-gc) and answers with
// process.memoryUsage(). On request it also watches for stalls the same way in both (GC pauses and event-loop
// delay, from the first 'bench:stalls' request on). It adds nothing else to the server.
'use strict'
const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks')
const { watchLateWakeups } = require('./late-wakeups.cjs')

/** Stalls since the last reset: GC pauses (count, total, longest), event-loop delay (p99, max), and the
 *  longest stall with the wall-clock time it ended (to compare with what other processes saw then). */
let stalls = null
const TICK_MS = 5
function watchStalls() {
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const worst = { ms: 0, endedAt: 0 }
  watchLateWakeups(TICK_MS, (ms, endedAt) => {
    if (ms > worst.ms) Object.assign(worst, { ms, endedAt })
  })
  const gc = { count: 0, ms: 0, maxMs: 0 }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++
      gc.ms += e.duration
      gc.maxMs = Math.max(gc.maxMs, e.duration)
    }
  }).observe({ entryTypes: ['gc'] })
  return {
    read() {
      return {
        gcCount: gc.count,
        gcMs: gc.ms,
        gcMaxMs: gc.maxMs,
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
        longest: { ms: worst.ms, endedAt: worst.endedAt },
      }
    },
    reset() {
      loop.reset()
      worst.ms = 0
      worst.endedAt = 0
      gc.count = 0
      gc.ms = 0
      gc.maxMs = 0
    },
  }
}

if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg && msg.type === 'bench:stalls') {
      stalls = stalls || watchStalls()
      process.send({ type: 'bench:stalls', id: msg.id, stalls: stalls.read() })
      if (msg.reset) stalls.reset()
      return
    }
    if (!msg || msg.type !== 'bench:mem') return
    if (msg.gc && typeof global.gc === 'function') {
      global.gc()
      global.gc()
    }
    process.send({ type: 'bench:mem', id: msg.id, usage: process.memoryUsage() })
  })
  // The IPC channel must not keep a server alive that would otherwise exit.
  if (process.channel && typeof process.channel.unref === 'function') process.channel.unref()
}
