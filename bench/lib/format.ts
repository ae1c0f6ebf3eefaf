// Pure formatting for the results table: fixed-width columns, units, ratios. No I/O.

export interface Row {
  bench: string
  metric: string
  ours: string
  reference: string
  ratio: string
  target: string
  status: '' | 'met' | 'MISSED' | 'skipped' | 'info'
}

export const COLUMNS: [keyof Row, string][] = [
  ['bench', 'bench'],
  ['metric', 'metric'],
  ['ours', 'ours'],
  ['reference', 'reference'],
  ['ratio', 'ours/ref'],
  ['target', 'target'],
  ['status', 'status'],
]

/** Plain-text table with a header and a rule; every column padded to its widest cell. */
export function formatTable(rows: readonly Row[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
  return [
    line(COLUMNS.map(([, title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(COLUMNS.map(([key]) => r[key]))),
  ].join('\n')
}

/** The same rows as a GitHub markdown table (for the README). */
export function formatMarkdown(rows: readonly Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  return [
    `| ${COLUMNS.map(([, t]) => t).join(' | ')} |`,
    `| ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${COLUMNS.map(([k]) => esc(r[k]) || ' ').join(' | ')} |`),
  ].join('\n')
}

/** Milliseconds with sensible precision: 0.42 ms, 12.3 ms, 1,234 ms. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–'
  if (v < 1) return `${v.toFixed(2)} ms`
  if (v < 100) return `${v.toFixed(1)} ms`
  return `${Math.round(v).toLocaleString('en-US')} ms`
}

export function bytes(v: number): string {
  if (!Number.isFinite(v)) return '–'
  const abs = Math.abs(v)
  if (abs < 1024) return `${Math.round(v)} B`
  if (abs < 1024 * 1024) return `${(v / 1024).toFixed(1)} KiB`
  if (abs < 1024 * 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MiB`
  return `${(v / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

export function count(v: number, unit = ''): string {
  if (!Number.isFinite(v)) return '–'
  const n = v >= 100 || Number.isInteger(v) ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2)
  return unit ? `${n} ${unit}` : n
}

export function ratioText(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '–'
}

export function pct(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v * 100)}%` : '–'
}
