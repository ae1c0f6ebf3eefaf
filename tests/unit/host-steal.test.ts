// bench/lib/host-steal.ts: the share of CPU time the host took, printed beside every bench.
import { describe, expect, it } from 'vitest'
import { readCpuTimes, stealShare, stealText } from '../../bench/lib/host-steal'

describe('host steal', () => {
  it('reads the aggregate cpu line of /proc/stat', () => {
    const t = readCpuTimes()
    expect(t).not.toBeNull()
    expect(t!.total).toBeGreaterThan(0)
    expect(t!.steal).toBeGreaterThanOrEqual(0)
    expect(t!.steal).toBeLessThanOrEqual(t!.total)
  })

  it('is the stolen ticks over all ticks between two readings', () => {
    expect(stealShare({ total: 1000, steal: 10 }, { total: 1400, steal: 30 })).toBeCloseTo(0.05)
    expect(stealText(stealShare({ total: 1000, steal: 10 }, { total: 1400, steal: 30 }))).toBe('5.0%')
    expect(stealShare(null, { total: 1, steal: 0 })).toBeNull()
    expect(stealShare({ total: 5, steal: 0 }, { total: 5, steal: 0 })).toBeNull()
    expect(stealText(null)).toBe('unknown')
  })
})
