// Defence in depth on every reader: a board whose stored document holds records no reader can use (written
// before the server validated writes: null entries, wrong prop types, tldraw parentId loops, tree cycles, a
// 2,000-deep chain) still answers /tree, every export, the bet path, the bet export and the tracker push
// with 200 and the valid part, listing what was skipped. Two such boards, each put in the store in place of
// the board's rows as an older server would have left them: one in layout 1 (`tl_records` entries, garbage
// among them; the server converts it on load, the garbage is left behind and the rest loads) and one in
// layout 2 (the `records` map, with values that are not record maps and a map whose id is not its key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import * as Y from 'yjs'
import { parseTreeJson } from '../../shared/formats/tree-json'
import { YDOC_META, type JsonRecord } from '../../shared/model'
import { LAYOUT, layoutOf, readRecords, recordsRoot, recordsV1, writeRecord } from '../../shared/record-layout'
import { makeNodeRecord } from '../../shared/records'
import schema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { MAX_TREE_DEPTH } from '../../shared/tree'
import type { LockedBet } from '../../shared/bet'
import { loadTrackersConfig } from '../../server/trackers/config'
import { mockTrackerEnv, startMockTrackers, type MockTrackers } from '../helpers/mock-trackers'
import { jsonApi, startTestServer, type TestServer } from '../helpers/server'
import { layout1Doc, storeDocument, storedRecords } from '../helpers/stored-doc'

let server: TestServer
let trackers: MockTrackers
const api = jsonApi(() => server.url)

const node = (kind: 'outcome' | 'opportunity' | 'solution' | 'assumption', id: string, parent = '', props: Record<string, unknown> = {}) =>
  makeNodeRecord(kind, { title: id, parentNode: parent ? `shape:${parent}` : '', ...props } as never, { id: `shape:${id}` })

const seed = {
  title: 'Bad records',
  tree: {
    title: 'Bad records',
    roots: [
      { id: 'shape:o', kind: 'outcome', title: 'Outcome', children: [
        { id: 'shape:p', kind: 'opportunity', title: 'Opportunity', children: [
          { id: 'shape:s', kind: 'solution', title: 'Solution', children: [{ id: 'shape:a', kind: 'assumption', title: 'Assumption', children: [] }] },
          { id: 'shape:s2', kind: 'solution', title: 'Other solution', children: [] },
        ] },
      ] },
    ],
  },
}

/** Records that are records (JSON objects with an id) but that no reader can use as they are. */
function badRecords(): JsonRecord[] {
  const chain: JsonRecord[] = []
  for (let i = 0; i < 2000; i++) chain.push(node('opportunity', `deep${i}`, i ? `deep${i - 1}` : 'o'))
  return [
    { ...node('opportunity', 'selfparent', 'o'), parentId: 'shape:selfparent' },
    { ...node('opportunity', 'mutual1', 'o'), parentId: 'shape:mutual2' },
    { ...node('opportunity', 'mutual2', 'o'), parentId: 'shape:mutual1' },
    node('opportunity', 'evidence', 'o', { evidence: 5 }),
    node('opportunity', 'numtitle', 'o', { title: 42 }),
    node('opportunity', 'loop1', 'loop2'),
    node('opportunity', 'loop2', 'loop1'),
    node('opportunity', 'injected', 'o', { title: '=HYPERLINK("http://evil","x")' }),
    ...chain,
  ] as JsonRecord[]
}

/** Layout-1 entries that are not records at all. */
const V1_GARBAGE: unknown[] = [null, { key: 'shape:nullval', val: null }, { key: 'shape:garbage', val: 'garbage' }]
const V1_GARBAGE_IDS = ['shape:nullval', 'shape:garbage']

/** Layout-2 values under `records` that are not records: not maps, a map whose id is not its key, a map with
 *  no type name. */
function addV2Garbage(doc: Y.Doc) {
  const root = recordsRoot(doc) as Y.Map<unknown>
  root.set('shape:garbage', 'garbage')
  root.set('shape:nullval', null)
  root.set('shape:number', 5)
  const array = new Y.Array<unknown>()
  array.push([node('opportunity', 'array', 'o')])
  root.set('shape:array', array)
  const wrongId = new Y.Map<unknown>()
  for (const [k, v] of Object.entries(node('opportunity', 'other', 'o'))) if (k !== 'props' && k !== 'meta') wrongId.set(k, v)
  root.set('shape:wrongid', wrongId)
  const noType = new Y.Map<unknown>()
  noType.set('id', 'shape:notype')
  root.set('shape:notype', noType)
}
const V2_GARBAGE_IDS = ['shape:garbage', 'shape:nullval', 'shape:number', 'shape:array', 'shape:wrongid', 'shape:notype']

/** The seeded board's own records, read from its live document. */
async function seededBoard() {
  const created = await api('POST', '/api/boards', undefined, seed)
  expect(created.status).toBe(201)
  const board = created.json as { id: string; editToken: string; viewToken: string }
  const records = await storedRecords(server, board.id)
  expect(records.map((r) => r.id)).toEqual(expect.arrayContaining(['shape:o', 'shape:s', 'document:document', 'page:page']))
  return { board, records }
}

async function storedLayout1Board() {
  const { board, records } = await seededBoard()
  await storeDocument(server, board.id, layout1Doc([...records, ...badRecords()], V1_GARBAGE))
  return { ...board, records: records.length + badRecords().length }
}

async function storedLayout2Board() {
  const { board, records } = await seededBoard()
  const doc = new Y.Doc()
  doc.transact(() => {
    doc.getMap(YDOC_META).set('schema', schema)
    doc.getMap(YDOC_META).set('layout', LAYOUT)
    for (const r of [...records, ...badRecords()]) writeRecord(recordsRoot(doc), r)
    addV2Garbage(doc)
  })
  await storeDocument(server, board.id, doc)
  return { ...board, records: records.length + badRecords().length }
}

const layouts = [
  { layout: 'layout 1, converted on load', make: storedLayout1Board, garbage: V1_GARBAGE_IDS },
  { layout: 'layout 2', make: storedLayout2Board, garbage: V2_GARBAGE_IDS },
]

const SKIPPED_IDS = ['shape:evidence', 'shape:mutual1', 'shape:mutual2', 'shape:numtitle', 'shape:selfparent']
const DEEP_SKIPPED = 2000 - (MAX_TREE_DEPTH - 1) // the outcome is level 1

beforeAll(async () => {
  trackers = await startMockTrackers()
  server = await startTestServer({ trackers: loadTrackersConfig(mockTrackerEnv(trackers.url, ['github', 'jira'])) })
})
afterAll(async () => {
  await server.close()
  await trackers.close()
})

describe.each(layouts)('readers of a board stored with bad records ($layout)', ({ layout, make, garbage }) => {
  it('GET /tree answers 200 with the valid part and lists what it skipped', async () => {
    const board = await make()
    const res = await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)
    expect(res.status).toBe(200)
    const tree = res.json
    const outcome = tree.roots.find((r: any) => r.id === 'shape:o')
    expect(outcome.children.map((c: any) => c.id)).toEqual(expect.arrayContaining(['shape:p', 'shape:deep0', 'shape:injected']))
    // Tree cycles are broken by detaching: the cards stay, as loose roots.
    expect(tree.roots.map((r: any) => r.id)).toEqual(expect.arrayContaining(['shape:loop1', 'shape:loop2']))
    const skippedIds = tree.skipped.map((s: any) => s.id)
    for (const id of SKIPPED_IDS) expect(skippedIds).toContain(id)
    const treeIds = JSON.stringify(tree.roots)
    for (const id of garbage) expect(treeIds).not.toContain(`"${id}"`)
    if (layout === 'layout 2') {
      // Readers skip what is not a record and say so.
      for (const id of garbage) expect(tree.skipped.find((s: any) => s.id === id)?.reason, id).toBe('not a record')
    } else {
      // Converted on load, once: every record carried into the map, the old array emptied.
      const state = await server.deps.rooms.withDoc(board.id, (doc) => ({ layout: layoutOf(doc), v1: recordsV1(doc).length, records: readRecords(doc).size }))
      expect(state).toEqual({ layout: LAYOUT, v1: 0, records: board.records })
    }
    expect(tree.skipped.filter((s: any) => /deeper than/.test(s.reason))).toHaveLength(DEEP_SKIPPED)
    expect(tree.skipped.find((s: any) => s.id === 'shape:evidence').reason).toBe('prop evidence must be a list of text')
    expect(res.headers.get('x-skipped-records')).toBe(String(tree.skipped.length))
    // The export imports again: `skipped` is ignored on the way in.
    const parsed = parseTreeJson(res.text)
    expect(parsed.ok).toBe(true)
  })

  it('every export format answers 200 with the valid part and the X-Skipped-Records count', async () => {
    const board = await make()
    const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
    const count = String(tree.skipped.length)

    const json = await api('GET', `/api/boards/${board.id}/export?format=json`, board.viewToken)
    expect(json.status).toBe(200)
    expect(json.json.skipped).toEqual(tree.skipped)
    expect(json.headers.get('x-skipped-records')).toBe(count)

    const md = await api('GET', `/api/boards/${board.id}/export?format=md`, board.viewToken)
    expect(md.status).toBe(200)
    expect(md.text).toContain('- Solution: Solution')
    expect(md.headers.get('x-skipped-records')).toBe(count)

    const csv = await api('GET', `/api/boards/${board.id}/export?format=csv`, board.viewToken)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('x-skipped-records')).toBe(count)
    const rows = Papa.parse<Record<string, string>>(csv.text, { header: true, skipEmptyLines: true }).data
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(['shape:o', 'shape:s', 'shape:a']))
    expect(rows.find((r) => r.id === 'shape:injected')!.title).toBe(`'=HYPERLINK("http://evil","x")`)
    expect(rows.some((r) => SKIPPED_IDS.includes(r.id) || garbage.includes(r.id))).toBe(false)
  })

  it('locks a bet on the valid part, and its exports answer', async () => {
    const board = await make()
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:s' })).status).toBe(201)
    for (const format of ['md', 'json', 'csv']) {
      const res = await api('GET', `/api/boards/${board.id}/bet/export?format=${format}`, board.viewToken)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-skipped-records')).toBeNull() // the locked snapshot itself is sound
    }
    const info = await api('GET', `/api/boards/${board.id}`, board.viewToken)
    expect(info.json.bet.path.opportunities.map((o: any) => o.id)).toEqual(['shape:p'])
  })
})

describe('a stored bet snapshot', () => {
  it('a stored bet snapshot with unreadable fields still exports and pushes, listing what it left out', async () => {
    const created = await api('POST', '/api/boards', undefined, seed)
    const board = created.json as { id: string; editToken: string; viewToken: string }
    const locked = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:s' })
    expect(locked.status).toBe(201)
    // A snapshot frozen before props were validated: evidence a number, a null assumption, a numeric title.
    const bet = JSON.parse(JSON.stringify(locked.json)) as LockedBet & { path: any }
    bet.path.opportunities[0].evidence = 5
    bet.path.assumptions.push(null)
    bet.path.siblings[0].title = 42
    await server.deps.store.unlockBet(board.id, { role: 'owner', name: '' })
    expect((await server.deps.store.lockBet(board.id, bet, { role: 'editor', name: '' })).ok).toBe(true)

    const json = await api('GET', `/api/boards/${board.id}/bet/export?format=json`, board.viewToken)
    expect(json.status).toBe(200)
    expect(json.json.solution.title).toBe('Solution')
    expect(json.json.skipped.map((s: any) => s.reason)).toEqual([
      'opportunities[0] evidence could not be read',
      'assumptions[1] is not a readable card',
      'siblings[0] title could not be read',
    ])
    expect(json.headers.get('x-skipped-records')).toBe('3')
    for (const format of ['md', 'csv']) {
      const res = await api('GET', `/api/boards/${board.id}/bet/export?format=${format}`, board.viewToken)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-skipped-records')).toBe('3')
    }
    const pushed = await api('POST', `/api/boards/${board.id}/bet/push`, board.editToken, { tracker: 'github' })
    expect(pushed.status).toBe(201)
  })
})
