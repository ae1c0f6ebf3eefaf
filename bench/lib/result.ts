// What each benchmark hands back to run.ts: table rows plus the raw figures for the JSON file.
import type { Row } from './format'

export interface BenchResult {
  name: string
  rows: Row[]
  data: Record<string, unknown>
  notes: string[]
}

export function row(partial: Partial<Row> & Pick<Row, 'bench' | 'metric'>): Row {
  return { ours: '', reference: '', ratio: '', target: '', status: '', ...partial }
}

/** 'met' / 'MISSED' for a target check; '' when the value is missing. */
export function check(ok: boolean | null): Row['status'] {
  return ok === null ? '' : ok ? 'met' : 'MISSED'
}
