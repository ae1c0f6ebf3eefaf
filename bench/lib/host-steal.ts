// How much of the CPUs the host took for other guests (steal time in /proc/stat): the one sign inside this VM
// that its neighbours were busy, which the load average cannot show (it counts only our own processes,
// the fan-out's idle-class spinners among them).
import fs from 'node:fs'

export interface CpuTimes {
  total: number
  steal: number
}

/** The aggregate "cpu" line of /proc/stat, in clock ticks; null where there is none (not Linux). */
export function readCpuTimes(): CpuTimes | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '))
    if (!line) return null
    // user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user/nice)
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number)
    if (v.length < 8 || v.some((n) => !Number.isFinite(n))) return null
    return { total: v.reduce((a, b) => a + b, 0), steal: v[7] }
  } catch {
    return null
  }
}

/** The share of CPU time stolen between two readings, or null when it cannot be told. */
export function stealShare(from: CpuTimes | null, to: CpuTimes | null): number | null {
  if (!from || !to || to.total <= from.total) return null
  return (to.steal - from.steal) / (to.total - from.total)
}

export const stealText = (share: number | null) => (share === null ? 'unknown' : `${(share * 100).toFixed(1)}%`)
