// Pure number helpers for the benchmarks: percentiles, summaries, ratios. No I/O.

/** The p-th percentile (0–100) of `values` by nearest rank on a sorted copy; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return percentileSorted(sorted, p)
}

/** Like percentile() on values already sorted ascending (no copy). */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export interface Summary {
  n: number
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  let sum = 0
  for (const v of sorted) sum += v
  return {
    n,
    min: n ? sorted[0] : Number.NaN,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: n ? sorted[n - 1] : Number.NaN,
    mean: n ? sum / n : Number.NaN,
  }
}

export function median(values: readonly number[]): number {
  return percentile(values, 50)
}

/** ours / reference; NaN when either is missing or the reference is zero. */
export function ratio(ours: number, reference: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(reference) || reference === 0) return Number.NaN
  return ours / reference
}
