// Benchmark boards built through shared/: a Tree JSON of n nodes → treeJsonToRecords (ids, order, tidy
// layout) + makeBaseDocumentRecords, written into a Y.Doc the way the client stores them (layout 2,
// shared/record-layout.ts: the `records` Y.Map, one Y.Map of fields per record with props and meta nested;
// tldraw schema and `layout` in the `meta` map). `writeRecordsV1` writes the layout boards had before
// (YKeyValue entries in the `tl_records` Y.Array), for the layout bench's comparison only.
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import schema from '../../shared/tldraw-schema.json' with { type: 'json' }
import type { TreeJson, TreeJsonNode } from '../../shared/formats/tree-json'
import { treeJsonToRecords } from '../../shared/formats/tree-json'
import type { JsonRecord } from '../../shared/model'
import { YDOC_META } from '../../shared/model'
import { LAYOUT, readRecordFields, recordsRoot, recordsV1, writeRecord, type RecordFields } from '../../shared/record-layout'
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
 *  server writes into every new board) are left alone: writeRecord writes only fields that differ. The
 *  reference's boards start empty, so there they are written, and both servers end up with the same board. */
export function writeRecords(doc: Y.Doc, records: readonly JsonRecord[]): void {
  const root = recordsRoot(doc)
  doc.transact(() => {
    for (const r of records) writeRecord(root, r)
    const meta = doc.getMap(YDOC_META)
    if (!meta.has('schema')) meta.set('schema', schema)
    if (!meta.has('layout')) meta.set('layout', LAYOUT)
  })
}

/** The same board in layout 1 (whole records as YKeyValue entries in `tl_records`), as boards were stored
 *  before layout 2: for comparing the two layouts only; our server no longer takes writes in it. */
export function writeRecordsV1(doc: Y.Doc, records: readonly JsonRecord[]): void {
  const kv = new YKeyValue<JsonRecord>(recordsV1(doc) as unknown as Y.Array<{ key: string; val: JsonRecord }>)
  doc.transact(() => {
    for (const r of records) kv.set(r.id, r)
    const meta = doc.getMap(YDOC_META)
    if (!meta.has('schema')) meta.set('schema', schema)
  })
}

/** The doc's records in layout 2, for edits after the first write. */
export class RecordStore {
  readonly root: Y.Map<RecordFields>
  constructor(readonly doc: Y.Doc) {
    this.root = recordsRoot(doc)
  }
  has(id: string): boolean {
    return this.root.has(id)
  }
  get size(): number {
    return this.root.size
  }
  /** The whole record as JSON (reads every field: use `meta` for a ping). */
  get(id: string): JsonRecord | undefined {
    return readRecordFields(this.root.get(id)) ?? undefined
  }
  /** Just the record's `meta`, as JSON. */
  meta(id: string): Record<string, unknown> | undefined {
    const meta = this.root.get(id)?.get('meta')
    return meta instanceof Y.Map ? (meta.toJSON() as Record<string, unknown>) : undefined
  }
  records(): JsonRecord[] {
    const out: JsonRecord[] = []
    this.root.forEach((fields) => {
      const r = readRecordFields(fields)
      if (r) out.push(r)
    })
    return out
  }
  /** Writes the fields of `record` that differ from the stored one (a new map when there is none), in one
   *  transaction: what the client's binding sends for a changed record. */
  set(_id: string, record: JsonRecord): void {
    this.doc.transact(() => writeRecord(this.root, record))
  }
  /** Calls `fn` with the id of every record a transaction changed (a field, or a props/meta entry). */
  onChange(fn: (ids: Set<string>) => void): void {
    this.root.observeDeep((events) => {
      const ids = new Set<string>()
      for (const e of events) {
        if (e.target === this.root) for (const key of (e as Y.YMapEvent<RecordFields>).keysChanged) ids.add(key)
        else if (typeof e.path[0] === 'string') ids.add(e.path[0])
      }
      fn(ids)
    })
  }
}

export const recordStore = (doc: Y.Doc): RecordStore => new RecordStore(doc)
