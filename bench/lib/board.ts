// Benchmark boards built through shared/: a Tree JSON of n nodes → treeJsonToRecords (ids, order, tidy
// layout) + makeBaseDocumentRecords, written into a Y.Doc the way the client stores them (YKeyValue over the
// `tl_records` Y.Array, tldraw schema in the `meta` map).
import { YKeyValue } from 'y-utility/y-keyvalue'
import type * as Y from 'yjs'
import schema from '../../shared/tldraw-schema.json' with { type: 'json' }
import type { TreeJson, TreeJsonNode } from '../../shared/formats/tree-json'
import { treeJsonToRecords } from '../../shared/formats/tree-json'
import type { JsonRecord } from '../../shared/model'
import { YDOC_META, YDOC_RECORDS } from '../../shared/model'
import { makeBaseDocumentRecords } from '../../shared/records'

const words = ['onboarding', 'checkout', 'search', 'pricing', 'trust', 'speed', 'reports', 'mobile', 'export', 'sharing']
const pick = (i: number) => words[i % words.length]

/**
 * A plausible tree of exactly `n` nodes: one outcome; opportunity groups of 10 nodes (an opportunity, three
 * solutions, two assumptions under each solution); the first 20 opportunities under the outcome, the rest
 * nested under them; leftovers as extra assumptions.
 */
export function makeTreeJson(n: number, title = `bench board (${n} nodes)`): TreeJson {
  if (n < 1) throw new Error('a tree needs at least one node')
  const outcome = {
    kind: 'outcome',
    title: 'Increase weekly active teams',
    notes: 'Teams that run at least one discovery session a week.',
    metric: 'weekly active teams',
    baseline: 120,
    target: 200,
    current: 134,
    children: [] as TreeJsonNode[],
  } as unknown as TreeJsonNode
  let left = n - 1
  const opps: TreeJsonNode[] = []
  const solutions: TreeJsonNode[] = []
  for (let g = 0; left >= 10; g++) {
    const opp = {
      kind: 'opportunity',
      title: `I struggle with ${pick(g)} when my team is remote (${g})`,
      notes: `Heard in ${3 + (g % 5)} interviews.`,
      evidence: [`interview ${g}`, `support ticket ${g * 7}`],
      importance: 1 + (g % 10),
      satisfaction: g % 7,
      children: [] as TreeJsonNode[],
    } as unknown as TreeJsonNode
    left -= 1
    for (let s = 0; s < 3; s++) {
      const sol = {
        kind: 'solution',
        title: `Build a ${pick(g + s)} helper, variant ${s}`,
        notes: '',
        impact: 1 + ((g + s) % 10),
        confidence: 1 + (g % 10),
        ease: 1 + (s * 3) % 10,
        status: 'idea',
        children: [] as TreeJsonNode[],
      } as unknown as TreeJsonNode
      left -= 1
      for (let a = 0; a < 2; a++) {
        sol.children.push({
          kind: 'assumption',
          title: `Teams want ${pick(g + a)} (${a})`,
          notes: '',
          category: a === 0 ? 'desirability' : 'feasibility',
          test: 'five customer interviews',
          result: 'untested',
          children: [],
        } as unknown as TreeJsonNode)
        left -= 1
      }
      opp.children.push(sol)
      solutions.push(sol)
    }
    if (opps.length < 20) outcome.children.push(opp)
    else opps[opps.length % 20].children.push(opp)
    opps.push(opp)
  }
  for (let i = 0; left > 0; i++, left--) {
    const assumption = {
      kind: 'assumption',
      title: `Extra assumption ${i}`,
      notes: '',
      category: 'viability',
      test: '',
      result: 'untested',
      children: [],
    } as unknown as TreeJsonNode
    if (solutions.length) solutions[i % solutions.length].children.push(assumption)
    else outcome.children.push({ ...assumption, kind: 'opportunity', evidence: [], importance: null, satisfaction: null } as unknown as TreeJsonNode)
  }
  return { title, roots: [outcome] }
}

/** Every record of a fresh board holding an n-node tree. */
export function makeBoardRecords(n: number): JsonRecord[] {
  return [...makeBaseDocumentRecords(), ...treeJsonToRecords(makeTreeJson(n))]
}

/** Writes records into the doc in one transaction (one update), plus the schema when the doc has none, as a
 *  client seeding a board does. Records the doc already holds as they are (the document and page records our
 *  server writes into every new board) are left alone: a synced client does not write them again, and a
 *  second entry for them would be a duplicate key. The reference's boards start empty, so there they are
 *  written, and both servers end up with the same board. */
export function writeRecords(doc: Y.Doc, records: readonly JsonRecord[]): void {
  const kv = new YKeyValue<JsonRecord>(doc.getArray(YDOC_RECORDS))
  doc.transact(() => {
    for (const r of records) {
      const stored = kv.get(r.id)
      if (stored === undefined || JSON.stringify(stored) !== JSON.stringify(r)) kv.set(r.id, r)
    }
    const meta = doc.getMap(YDOC_META)
    if (!meta.has('schema')) meta.set('schema', schema)
  })
}

/** A YKeyValue view of the doc's records (for edits after the first write). */
export function recordStore(doc: Y.Doc): YKeyValue<JsonRecord> {
  return new YKeyValue<JsonRecord>(doc.getArray(YDOC_RECORDS))
}
