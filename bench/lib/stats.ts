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

/** A small deterministic PRNG (mulberry32): the same interval for the same data in every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Latencies binned on a log scale (0.5% wide bins from 1 µs to ~100 s): pooled percentiles of many resamples
 *  without sorting the samples each time, at well under the bin width of error. */
const BIN_GROWTH = 1.005
const BIN_MIN_MS = 0.001
const BINS = Math.ceil(Math.log(1e5 / BIN_MIN_MS) / Math.log(BIN_GROWTH))
const binOf = (ms: number) => Math.min(BINS - 1, Math.max(0, Math.floor(Math.log(Math.max(ms, BIN_MIN_MS) / BIN_MIN_MS) / Math.log(BIN_GROWTH))))
const binValue = (bin: number) => BIN_MIN_MS * BIN_GROWTH ** (bin + 0.5)

function histogram(values: readonly number[]): Uint32Array {
  const h = new Uint32Array(BINS)
  for (const v of values) h[binOf(v)]++
  return h
}

/** A histogram's non-empty bins only: a slice of a few hundred samples fills a few hundred of the ~3,700
 *  bins, so a resample adds those instead of every bin. */
interface SparseHistogram {
  bins: Uint32Array
  counts: Uint32Array
}

function sparseHistogram(values: readonly number[]): SparseHistogram {
  const h = histogram(values)
  const bins: number[] = []
  for (let i = 0; i < h.length; i++) if (h[i] > 0) bins.push(i)
  return { bins: Uint32Array.from(bins), counts: Uint32Array.from(bins, (i) => h[i]) }
}

function addInto(sum: Uint32Array, { bins, counts }: SparseHistogram): void {
  for (let j = 0; j < bins.length; j++) sum[bins[j]] += counts[j]
}

function histogramPercentile(h: Uint32Array, total: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * total))
  let seen = 0
  for (let i = 0; i < h.length; i++) {
    seen += h[i]
    if (seen >= rank) return binValue(i)
  }
  return Number.NaN
}

/** A 95% percentile-bootstrap interval for the ratio of the pooled p-th percentiles of `a` and `b`, where
 *  a[i] and b[i] were measured side by side (slice i of each server, in turns): each resample draws slice
 *  indices with replacement and takes the same slices of both, so the machine's moments stay paired. */
export function pairedRatioInterval(a: readonly (readonly number[])[], b: readonly (readonly number[])[], p: number, resamples = 1000, seed = 1): [number, number] {
  const n = Math.min(a.length, b.length)
  if (n < 2) return [Number.NaN, Number.NaN]
  const ha = a.slice(0, n).map(sparseHistogram)
  const hb = b.slice(0, n).map(sparseHistogram)
  const random = mulberry32(seed)
  const ratios: number[] = []
  const sumA = new Uint32Array(BINS)
  const sumB = new Uint32Array(BINS)
  for (let r = 0; r < resamples; r++) {
    sumA.fill(0)
    sumB.fill(0)
    let totalA = 0
    let totalB = 0
    for (let k = 0; k < n; k++) {
      const i = Math.floor(random() * n)
      addInto(sumA, ha[i])
      addInto(sumB, hb[i])
      totalA += a[i].length
      totalB += b[i].length
    }
    ratios.push(ratio(histogramPercentile(sumA, totalA, p), histogramPercentile(sumB, totalB, p)))
  }
  const finite = ratios.filter(Number.isFinite).sort((x, y) => x - y)
  return [percentileSorted(finite, 2.5), percentileSorted(finite, 97.5)]
}

/** The geometric mean of paired ratios b[i]/a[i] (two builds loaded in turns) with a 95% percentile-bootstrap
 *  interval over the pairs: the mean of log ratios, so a pair at 0.5× and one at 2× cancel out. */
export function pairedGeomeanRatio(a: readonly number[], b: readonly number[], resamples = 2000, seed = 1): { ratio: number; interval: [number, number] } {
  const n = Math.min(a.length, b.length)
  const logs: number[] = []
  for (let i = 0; i < n; i++) if (a[i] > 0 && b[i] > 0) logs.push(Math.log(b[i] / a[i]))
  if (logs.length < 2) return { ratio: Number.NaN, interval: [Number.NaN, Number.NaN] }
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
  const random = mulberry32(seed)
  const means: number[] = []
  for (let r = 0; r < resamples; r++) {
    let sum = 0
    for (let k = 0; k < logs.length; k++) sum += logs[Math.floor(random() * logs.length)]
    means.push(sum / logs.length)
  }
  means.sort((x, y) => x - y)
  return { ratio: Math.exp(mean(logs)), interval: [Math.exp(percentileSorted(means, 2.5)), Math.exp(percentileSorted(means, 97.5))] }
}

/** A 95% percentile-bootstrap interval for the pooled p-th percentile of some slices' latencies (resampling
 *  whole slices, so a slow stretch of the machine stays in one piece). */
export function pooledPercentileInterval(slices: readonly (readonly number[])[], p: number, resamples = 1000, seed = 1): [number, number] {
  const n = slices.length
  if (n < 2) return [Number.NaN, Number.NaN]
  const hs = slices.map(sparseHistogram)
  const random = mulberry32(seed)
  const sum = new Uint32Array(BINS)
  const values: number[] = []
  for (let r = 0; r < resamples; r++) {
    sum.fill(0)
    let total = 0
    for (let k = 0; k < n; k++) {
      const i = Math.floor(random() * n)
      addInto(sum, hs[i])
      total += slices[i].length
    }
    if (total > 0) values.push(histogramPercentile(sum, total, p))
  }
  values.sort((x, y) => x - y)
  return [percentileSorted(values, 2.5), percentileSorted(values, 97.5)]
}

/** The p-th percentile (0–100) from Prometheus histogram buckets (upper bounds `le`, cumulative counts,
 *  +Inf last), interpolated linearly inside its bucket as Prometheus' histogram_quantile does; Infinity
 *  when it falls in the +Inf bucket. */
export function histogramQuantile(buckets: readonly { le: number; count: number }[], p: number): number {
  const total = buckets[buckets.length - 1]?.count ?? 0
  if (total <= 0) return Number.NaN
  const rank = (p / 100) * total
  let lower = 0
  let below = 0
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return Number.POSITIVE_INFINITY
      return count === below ? le : lower + ((le - lower) * (rank - below)) / (count - below)
    }
    lower = le
    below = count
  }
  return Number.NaN
}
