// CPU and event-loop load of the bench process itself, so a run can say whether the clients (which live in
// this process) were the bottleneck rather than the server under test.
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface LoadSample {
  /** CPU seconds used per wall second (1.0 = one core busy). */
  cpu: number
  /** Event-loop delay p99 in ms: how late this process was to handle a ready socket. */
  loopDelayP99: number
}

export function startLoadMonitor(): { stop(): LoadSample } {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  return {
    stop() {
      h.disable()
      const cpu = process.cpuUsage(cpu0)
      const wall = (performance.now() - t0) / 1000
      return { cpu: (cpu.user + cpu.system) / 1e6 / wall, loopDelayP99: h.percentile(99) / 1e6 }
    },
  }
}
