// The whole tree as CSV, one row per node in pre-order, for spreadsheets. Every column is always present.
// Every CSV the product writes goes through unparseCsv, which gives any text cell a spreadsheet would run
// as a formula (= + - @, tab, CR) a leading apostrophe (OWASP), whatever its column: ids, enums and
// constants included, since a stored document can hold anything there. Only cells that are JS numbers
// (finite, written by `num`) stay bare, so a negative baseline stays a number: they cannot hold a formula.

import Papa from 'papaparse'
import type { TreeJson, TreeJsonNode } from './tree-json'

export const CSV_COLUMNS = [
  'id', 'parent_id', 'depth', 'kind', 'title', 'notes', 'metric', 'baseline', 'target', 'current',
  'importance', 'satisfaction', 'opportunity_score', 'impact', 'confidence', 'ease', 'ice_score',
  'status', 'category', 'test', 'result', 'evidence',
] as const

const FORMULA_START = /^[=+\-@\t\r]/

/** Neutralises spreadsheet formula injection in a user-written text cell. */
export function escapeCsvText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : '')

function row(node: TreeJsonNode, parentId: string, depth: number): Record<string, string | number> {
  const r: Record<string, string | number> = Object.fromEntries(CSV_COLUMNS.map((c) => [c, '']))
  r.id = node.id ?? ''
  r.parent_id = parentId
  r.depth = depth
  r.kind = node.kind
  r.title = escapeCsvText(node.title)
  r.notes = escapeCsvText(node.notes ?? '')
  switch (node.kind) {
    case 'outcome':
      Object.assign(r, { metric: escapeCsvText(node.metric), baseline: num(node.baseline), target: num(node.target), current: num(node.current) })
      break
    case 'opportunity':
      Object.assign(r, {
        importance: num(node.importance),
        satisfaction: num(node.satisfaction),
        opportunity_score: num(node.score),
        // One quote per line inside the cell (a formula only runs from the cell's first character).
        evidence: escapeCsvText(node.evidence.map((e) => e.replace(/\r?\n/g, ' ')).join('\n')),
      })
      break
    case 'solution':
      Object.assign(r, { impact: num(node.impact), confidence: num(node.confidence), ease: num(node.ease), ice_score: num(node.score), status: node.status })
      break
    case 'assumption':
      Object.assign(r, { category: node.category, test: escapeCsvText(node.test), result: node.result })
      break
  }
  return r
}

/** Papa.unparse ends with CRLF only when there are no rows; make every CSV we write end with one. */
export function unparseCsv(fields: readonly string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : escapeCsvText(v === null || v === undefined ? '' : String(v)))
  const csv = Papa.unparse({ fields: fields.map((f) => escapeCsvText(f)), data: rows.map((r) => r.map(cell)) }, { newline: '\r\n' })
  return csv.endsWith('\r\n') ? csv : `${csv}\r\n`
}

/** CSV (RFC 4180, CRLF) of every node with a header row; fields with commas, quotes or newlines are quoted. */
export function treeToCsv(treeJson: TreeJson): string {
  const rows: Record<string, string | number>[] = []
  const stack: { node: TreeJsonNode; parentId: string; depth: number }[] = treeJson.roots
    .map((node) => ({ node, parentId: '', depth: 0 }))
    .reverse()
  while (stack.length) {
    const { node, parentId, depth } = stack.pop()!
    rows.push(row(node, parentId, depth))
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], parentId: node.id ?? '', depth: depth + 1 })
  }
  return unparseCsv(CSV_COLUMNS, rows.map((r) => CSV_COLUMNS.map((c) => r[c])))
}
