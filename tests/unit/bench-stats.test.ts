// bench/lib/stats.ts: the paired bootstrap interval the fan-out bench prints beside its p99 ratio.
import { describe, expect, it } from 'vitest'
import { pairedGeomeanRatio, pairedRatioInterval, percentile } from '../../bench/lib/stats'

/** Slices of latencies: a lognormal-ish spread from a seeded generator, `scale` times bigger. */
function slices(count: number, perSlice: number, scale: number, seed: number): number[][] {
  let x = seed
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  return Array.from({ length: count }, () => Array.from({ length: perSlice }, () => scale * Math.exp(next() * 2 + next())))
}

describe('pairedRatioInterval', () => {
  it('brackets 1 for two servers drawn alike, and 0.5 for one twice as fast', () => {
    const a = slices(40, 500, 1, 7)
    const b = slices(40, 500, 1, 99)
    const [lo, hi] = pairedRatioInterval(a, b, 99)
    expect(lo).toBeLessThan(1)
    expect(hi).toBeGreaterThan(1)
    const [fastLo, fastHi] = pairedRatioInterval(a.map((s) => s.map((v) => v / 2)), a, 99)
    expect(fastLo).toBeGreaterThan(0.48)
    expect(fastHi).toBeLessThan(0.52)
  })

  it('is the same for the same data, and narrows with more slices', () => {
    const a = slices(60, 300, 1, 3)
    const b = slices(60, 300, 1.1, 4)
    expect(pairedRatioInterval(a, b, 99)).toEqual(pairedRatioInterval(a, b, 99))
    const [lo6, hi6] = pairedRatioInterval(a.slice(0, 6), b.slice(0, 6), 99)
    const [lo60, hi60] = pairedRatioInterval(a, b, 99)
    expect(hi60 - lo60).toBeLessThan(hi6 - lo6)
    // And it sits around the ratio of the pooled percentiles.
    const pooled = percentile(a.flat(), 99) / percentile(b.flat(), 99)
    expect(lo60).toBeLessThan(pooled)
    expect(hi60).toBeGreaterThan(pooled)
  })

  it('needs at least two slices', () => {
    expect(pairedRatioInterval([[1]], [[1]], 99).every(Number.isNaN)).toBe(true)
  })
})

describe('pairedGeomeanRatio', () => {
  const loads = (n: number, seed: number) => {
    let x = seed
    const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    return Array.from({ length: n }, () => 1500 * (0.8 + 0.4 * next()))
  }

  it('finds a build 20% faster, and brackets 1 for two alike', () => {
    const a = loads(40, 11)
    const faster = pairedGeomeanRatio(a, a.map((v, i) => v * 0.8 * (i % 2 ? 1.05 : 0.95)))
    expect(faster.ratio).toBeCloseTo(0.8, 1)
    expect(faster.interval[0]).toBeLessThan(faster.ratio)
    expect(faster.interval[1]).toBeGreaterThan(faster.ratio)
    expect(faster.interval[1]).toBeLessThan(0.85)
    const alike = pairedGeomeanRatio(a, loads(40, 12))
    expect(alike.interval[0]).toBeLessThan(1)
    expect(alike.interval[1]).toBeGreaterThan(1)
  })

  it('treats 0.5× and 2× as cancelling out, and needs two pairs', () => {
    expect(pairedGeomeanRatio([1, 1], [0.5, 2]).ratio).toBeCloseTo(1, 10)
    expect(pairedGeomeanRatio([1], [2]).ratio).toBeNaN()
  })
})
