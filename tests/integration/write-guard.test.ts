// No edit link can break a board: each update below was once stored and relayed, and bricked the board for
// everyone. Now the server refuses it before storing or relaying anything of it, its sender's replica is
// brought back in line and told why, other clients never see it, and the board reads and restarts intact.
// The document is in layout 2 (shared/record-layout.ts): `records` maps an id to a Y.Map of the record's
// fields, props and meta nested maps. A client on older code may still write layout-1 entries to
// `tl_records`; the server carries valid ones into `records` field by field and refuses the rest.
import * as decoding from 'lib0/decoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOCUMENT_ID, PAGE_ID, YDOC_BOARD, YDOC_META, type JsonRecord } from '../../shared/model'
import {
  LAYOUT,
  NESTED_FIELDS,
  deleteRecord,
  readRecordFields,
  readRecords,
  recordsRoot,
  recordsV1,
  writeRecord,
} from '../../shared/record-layout'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import { makeNodeRecord } from '../../shared/records'
import { MAX_TREE_DEPTH, deriveTree } from '../../shared/tree'
import tldrawSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { recordProblem } from '../../server/sync/write-guard'
import { type CreatedBoard, createBoard, jsonApi, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'

let server: TestServer
const api = jsonApi(() => server.url)
beforeAll(async () => {
  server = await startTestServer({ maxBoardBytes: 2 * 1024 * 1024, roomGraceMs: 100 })
})
afterEach(() => destroyProviders())
afterAll(() => server?.close())

const records = (doc: Y.Doc) => recordsRoot(doc) as Y.Map<unknown>

/** Adds records, or writes the fields of present ones that differ, in one transaction (as the client's
 *  binding does: a new record is a new map, a changed one gets only its changed fields). */
function setRecords(doc: Y.Doc, values: unknown[]): void {
  doc.transact(() => {
    for (const value of values) writeRecord(recordsRoot(doc), value as JsonRecord)
  })
}

/** Every readable record in a doc, by id. */
const recordsOf = (doc: Y.Doc): Map<string, any> => readRecords(doc)

/** The fields map of a record in a doc. */
const fieldsOf = (doc: Y.Doc, id: string) => recordsRoot(doc).get(id)!

/** What is wrong with a replica as it stands: a value under `records` that is not a record's map, a field
 *  that is a shared type other than props/meta maps (or a shared type inside them), an invalid record, an
 *  invalid layout-1 entry, a schema that is not ours, a layout other than 2, a board map a client wrote.
 *  Empty for a healthy board. */
function problemsOf(doc: Y.Doc): string[] {
  const problems: string[] = []
  records(doc).forEach((value, key) => {
    if (!(value instanceof Y.Map)) return problems.push(`${key}: ${JSON.stringify(value)} is not a map`)
    value.forEach((field, name) => {
      if (!(field instanceof Y.AbstractType)) return
      if (!(field instanceof Y.Map) || !NESTED_FIELDS.has(name)) problems.push(`${key}.${name}: a shared type`)
      else field.forEach((v, k) => v instanceof Y.AbstractType && problems.push(`${key}.${name}.${k}: a shared type`))
    })
    const p = recordProblem(key, readRecordFields(value))
    if (p) problems.push(p)
  })
  for (const entry of recordsV1(doc).toArray() as unknown[]) {
    const e = entry as { key?: unknown; val?: unknown } | null
    const p = e && typeof e === 'object' && typeof e.key === 'string' ? recordProblem(e.key, e.val) : 'not an entry'
    if (p) problems.push(`layout 1: ${p}`)
  }
  const schema = doc.getMap(YDOC_META).get('schema')
  if (schema !== undefined && canonical(schema) !== canonical(tldrawSchema)) problems.push('meta.schema')
  const layout = doc.getMap(YDOC_META).get('layout')
  if (layout !== undefined && layout !== LAYOUT) problems.push(`meta.layout ${JSON.stringify(layout)}`)
  for (const key of doc.getMap(YDOC_BOARD).keys()) problems.push(`board.${key}`)
  return problems
}

/** JSON with sorted keys: the same schema serialized in another key order is the same schema. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))

/** Two replicas hold the same records (field order aside) and the same values under `records`. */
const sameRecords = (a: Y.Doc, b: Y.Doc) =>
  canonical(Object.fromEntries(records(a).entries())) === canonical(Object.fromEntries(records(b).entries()))

/** A client that notes every refusal the server tells it of. */
function withRefusals(client: TestClient): string[] {
  const refusals: string[] = []
  client.provider.messageHandlers[MESSAGE_BOARD_EVENT] = (_encoder, decoder) => {
    const event = JSON.parse(decoding.readVarString(decoder)) as { type: string; reason?: string }
    if (event.type === 'edit-refused') refusals.push(event.reason ?? '')
  }
  return refusals
}

/** An editor and a watching viewer on a fresh board with one outcome and one opportunity under it. The viewer
 *  checks its replica after every update it gets: a bad state must never reach it, not even for a moment. */
async function session() {
  const board = await createBoard(server.url)
  const editor = makeProvider(server.wsUrl, board.id, board.editToken)
  const refusals = withRefusals(editor)
  const viewer = makeProvider(server.wsUrl, board.id, board.viewToken)
  await Promise.all([synced(editor), synced(viewer)])
  const outcome = makeNodeRecord('outcome', { title: 'Grow weekly active teams' }, { id: 'shape:outcome' })
  const opportunity = makeNodeRecord('opportunity', { title: 'Hard to see progress', parentNode: outcome.id }, { id: 'shape:opp' })
  setRecords(editor.doc, [outcome, opportunity])
  await waitFor(() => recordsOf(viewer.doc).has('shape:opp'), { what: 'the tree at the viewer' })
  const seenByViewer: string[] = []
  viewer.doc.on('update', () => seenByViewer.push(...problemsOf(viewer.doc)))
  return { board, editor, viewer, refusals, seenByViewer, outcome, opportunity }
}

type Session = Awaited<ReturnType<typeof session>>

/** After a refused edit: the sender was told, its replica equals the viewer's again, nothing bad was seen,
 *  and the stored board reads, exports and reloads. */
async function expectRefused(s: Awaited<ReturnType<typeof session>>, reason: RegExp, refusedBefore = 0) {
  await waitFor(() => s.refusals.length > refusedBefore, { what: 'the refusal' })
  expect(s.refusals.at(-1)).toMatch(reason)
  await waitFor(() => sameRecords(s.editor.doc, s.viewer.doc), {
    what: 'the sender back in line with the others',
  })
  expect(problemsOf(s.editor.doc)).toEqual([])
  expect(problemsOf(s.viewer.doc)).toEqual([])
  expect(s.seenByViewer).toEqual([])
  await expectBoardReads(s.board)
}

async function expectBoardReads(board: CreatedBoard) {
  const tree = await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)
  expect(tree.status).toBe(200)
  expect(tree.json.skipped ?? []).toEqual([])
  for (const format of ['md', 'json', 'csv']) {
    expect((await api('GET', `/api/boards/${board.id}/export?format=${format}`, board.viewToken)).status).toBe(200)
  }
  // A fresh replica, as a cold load gets it.
  const fresh = makeProvider(server.wsUrl, board.id, board.viewToken)
  await synced(fresh)
  expect(problemsOf(fresh.doc)).toEqual([])
  return fresh
}

describe('the write guard refuses what would break a board', () => {
  it('a shape whose tldraw parent is itself', async () => {
    const s = await session()
    setRecords(s.editor.doc, [{ ...s.opportunity, parentId: s.opportunity.id }])
    await expectRefused(s, /not a page or shape|own ancestor/)
    expect((recordsOf(s.viewer.doc).get('shape:opp') as JsonRecord).parentId).toBe(PAGE_ID)
  })

  it('two shapes parenting each other, in one update or one after the other', async () => {
    const s = await session()
    setRecords(s.editor.doc, [
      { ...s.outcome, parentId: s.opportunity.id },
      { ...s.opportunity, parentId: s.outcome.id },
    ])
    await expectRefused(s, /own ancestor/)
    setRecords(s.editor.doc, [{ ...s.outcome, parentId: s.opportunity.id }]) // valid on its own: a child of a shape
    await waitFor(() => (recordsOf(s.viewer.doc).get(s.outcome.id) as JsonRecord).parentId === s.opportunity.id)
    setRecords(s.editor.doc, [{ ...s.opportunity, parentId: s.outcome.id }])
    await expectRefused(s, /own ancestor/, 1)
  })

  it('meta.schema from the future, or not a schema at all; the board map written by a client', async () => {
    const s = await session()
    // The same schema with its keys in another order (as a browser serializes it) is no change: accepted.
    const reordered = JSON.parse(JSON.stringify(tldrawSchema)) as { schemaVersion: number; sequences: Record<string, number> }
    const sequences = Object.fromEntries(Object.entries(reordered.sequences).reverse())
    s.editor.doc.getMap(YDOC_META).set('schema', { sequences, schemaVersion: reordered.schemaVersion })
    setRecords(s.editor.doc, [{ ...s.opportunity, props: { ...s.opportunity.props, title: 'after the schema' } }])
    await waitFor(() => (recordsOf(s.viewer.doc).get('shape:opp') as { props: { title: string } }).props.title === 'after the schema')
    expect(s.refusals).toEqual([])
    const future = JSON.parse(JSON.stringify(tldrawSchema)) as { sequences: Record<string, number> }
    for (const key of Object.keys(future.sequences)) future.sequences[key] = 999
    s.editor.doc.getMap(YDOC_META).set('schema', future)
    await expectRefused(s, /server's/)
    s.editor.doc.getMap(YDOC_META).set('schema', 'not a schema')
    await expectRefused(s, /server's/, 1)
    expect(s.viewer.doc.getMap(YDOC_META).get('schema')).toEqual(tldrawSchema)
    // The layout is the server's to state.
    expect(s.viewer.doc.getMap(YDOC_META).get('layout')).toBe(LAYOUT)
    s.editor.doc.getMap(YDOC_META).set('layout', 1)
    await expectRefused(s, /server's/, 2)
    await waitFor(() => s.editor.doc.getMap(YDOC_META).get('layout') === LAYOUT, { what: 'the layout restored at the sender' })
    expect(s.viewer.doc.getMap(YDOC_META).get('layout')).toBe(LAYOUT)
  })

  it('a forged bet and garbled vote results in the board map', async () => {
    const s = await session()
    // The first write to the board map is new there, so it is refused before it is applied: closed.
    const closed = new Promise<number>((resolve) => s.editor.provider.ws?.addEventListener('close', (e) => resolve((e as CloseEvent).code)))
    s.editor.doc.getMap(YDOC_BOARD).set('bet', { solutionId: 'shape:opp', title: '★ BET forged' })
    expect(await closed).toBe(1008)
    s.editor.provider.disconnect()
    // Once the server itself has written the map, a client's overwrite is undone instead.
    await api('POST', `/api/boards/${s.board.id}/rounds`, s.board.ownerToken, { target: 'opportunity' })
    const revealed = await api('POST', `/api/boards/${s.board.id}/rounds/current/reveal`, s.board.ownerToken)
    expect(revealed.status).toBeLessThan(300)
    await waitFor(() => s.viewer.doc.getMap(YDOC_BOARD).has('votes'), { what: 'the revealed results' })
    const votes = s.viewer.doc.getMap(YDOC_BOARD).get('votes')
    const editor = makeProvider(server.wsUrl, s.board.id, s.board.editToken)
    const refusals = withRefusals(editor)
    await synced(editor)
    editor.doc.getMap(YDOC_BOARD).set('votes', { results: [{ id: 'shape:opp', votes: 3 }, null] })
    await waitFor(() => refusals.length > 0, { what: 'the refusal' })
    await waitFor(() => JSON.stringify(editor.doc.getMap(YDOC_BOARD).get('votes')) === JSON.stringify(votes), { what: 'votes restored' })
    expect(s.viewer.doc.getMap(YDOC_BOARD).get('votes')).toEqual(votes)
    expect(s.viewer.doc.getMap(YDOC_BOARD).get('bet')).toBeUndefined()
  })

  it('values under records that are not a record\u2019s map, and a map whose id is not its key', async () => {
    const s = await session()
    records(s.editor.doc).set('shape:junk', 'junk')
    await expectRefused(s, /written as a map of its fields/)
    records(s.editor.doc).set('shape:opp', null) // a card replaced by null
    await expectRefused(s, /written as a map of its fields/, 1)
    expect(recordsOf(s.viewer.doc).get('shape:opp')).toEqual(s.opportunity)
    const wrongId = new Y.Map<unknown>()
    for (const [k, v] of Object.entries({ ...s.opportunity, id: 'shape:elsewhere', props: undefined, meta: undefined })) if (v !== undefined) wrongId.set(k, v)
    records(s.editor.doc).set('shape:mismatch', wrongId)
    await expectRefused(s, /not a record|does not match its key/, 2)
    fieldsOf(s.editor.doc, 'shape:opp').set('id', 'shape:other') // a present record's id changed
    await expectRefused(s, /not a record|does not match its key/, 3)
    fieldsOf(s.editor.doc, 'shape:opp').delete('type') // a field a shape must have, deleted
    await expectRefused(s, /shape:opp/, 4)
    expect(recordsOf(s.viewer.doc).get('shape:opp')).toEqual(s.opportunity)
  })

  it('a field holding a nested map other than props and meta, or a map inside props', async () => {
    const s = await session()
    const nested = new Y.Map<unknown>()
    nested.set('a', 1)
    fieldsOf(s.editor.doc, 'shape:opp').set('x', nested)
    await expectRefused(s, /only props and meta are maps/)
    const inProps = new Y.Map<unknown>()
    inProps.set('text', 'hi')
    ;(fieldsOf(s.editor.doc, 'shape:opp').get('props') as Y.Map<unknown>).set('title', inProps)
    await expectRefused(s, /props and meta hold plain JSON/, 1)
    expect(recordsOf(s.viewer.doc).get('shape:opp')!.x).toBe(0)
  })

  it('props of the wrong type, and records of types that never sync', async () => {
    const s = await session()
    setRecords(s.editor.doc, [{ ...s.opportunity, props: { ...s.opportunity.props, evidence: 5 } }])
    await expectRefused(s, /evidence/)
    setRecords(s.editor.doc, [{ ...s.opportunity, props: { ...s.opportunity.props, title: 123 } }])
    await expectRefused(s, /title/, 1)
    setRecords(s.editor.doc, [{ id: 'instance:instance', typeName: 'instance' }])
    await expectRefused(s, /not stored on a board/, 2)
    expect((recordsOf(s.viewer.doc).get('shape:opp') as { props: { evidence: unknown } }).props.evidence).toEqual([])
  })

  it('a 2,000-deep opportunity chain, and a move that would make a cycle', async () => {
    const s = await session()
    const chain = Array.from({ length: 2000 }, (_, i) =>
      makeNodeRecord('opportunity', { title: `level ${i}`, parentNode: i === 0 ? s.outcome.id : `shape:deep-${i - 1}` }, { id: `shape:deep-${i}` }),
    )
    setRecords(s.editor.doc, chain)
    await expectRefused(s, /levels deep/)
    expect(recordsOf(s.viewer.doc).has('shape:deep-0')).toBe(false)
    setRecords(s.editor.doc, [{ ...s.outcome, props: { ...s.outcome.props, parentNode: s.opportunity.id } }])
    await expectRefused(s, /cycle/, 1)
  })

  it('deleting what others point at: the page under the cards, the document record', async () => {
    const s = await session()
    s.editor.doc.transact(() => deleteRecord(recordsRoot(s.editor.doc), PAGE_ID))
    await expectRefused(s, /still points at page:page/)
    s.editor.doc.transact(() => deleteRecord(recordsRoot(s.editor.doc), DOCUMENT_ID))
    await expectRefused(s, /document record/, 1)
    expect(recordsOf(s.viewer.doc).has(PAGE_ID)).toBe(true)
  })

  it('the refused change is not sent again: later edits go through, and a reconnect brings nothing back', async () => {
    const s = await session()
    setRecords(s.editor.doc, [{ ...s.opportunity, parentId: s.opportunity.id }])
    await expectRefused(s, /ancestor|not a page/)
    setRecords(s.editor.doc, [{ ...s.opportunity, props: { ...s.opportunity.props, title: 'Renamed after' } }])
    await waitFor(() => (recordsOf(s.viewer.doc).get('shape:opp') as { props: { title: string } }).props.title === 'Renamed after')
    s.editor.provider.disconnect()
    s.editor.provider.connect()
    await synced(s.editor)
    const refusalsBefore = s.refusals.length
    const fresh = await expectBoardReads(s.board)
    expect((recordsOf(fresh.doc).get('shape:opp') as JsonRecord).parentId).toBe(PAGE_ID)
    expect(s.refusals.length).toBe(refusalsBefore)
  })

  it('writes outside the records close the socket and store nothing', async () => {
    const s = await session()
    const refusedBefore = await metric(server.url, 'outcome_board_refused_writes_total')
    const closed = new Promise<number>((resolve) => s.editor.provider.ws?.addEventListener('close', (e) => resolve((e as CloseEvent).code)))
    s.editor.doc.getMap('anything').set('x'.repeat(10_000), 'y')
    expect(await closed).toBe(1008)
    s.editor.provider.disconnect()
    expect(await metric(server.url, 'outcome_board_refused_writes_total')).toBeGreaterThan(refusedBefore)
    const fresh = await expectBoardReads(s.board)
    expect(fresh.doc.share.has('anything')).toBe(false)
  })

  it('a field holding a Y.Array or a Y.Text closes the socket and stores nothing', async () => {
    for (const make of [() => Y.Array.from(['evidence']), () => new Y.Text('rich title')]) {
      const s = await session()
      const closed = new Promise<number>((resolve) => s.editor.provider.ws?.addEventListener('close', (e) => resolve((e as CloseEvent).code)))
      const type = make()
      if (type instanceof Y.Array) fieldsOf(s.editor.doc, 'shape:opp').set('evidence', type)
      else (fieldsOf(s.editor.doc, 'shape:opp').get('props') as Y.Map<unknown>).set('title', type)
      expect(await closed).toBe(1008)
      s.editor.provider.disconnect()
      expect(s.seenByViewer).toEqual([])
      const fresh = await expectBoardReads(s.board)
      expect(recordsOf(fresh.doc).get('shape:opp')).toEqual(s.opportunity)
    }
  })

  it('a board cannot grow past MAX_BOARD_BYTES: the write past it is refused with a clear message', async () => {
    const s = await session()
    let refusedAt = -1
    for (let i = 0; i < 12 && refusedAt < 0; i++) {
      const card = makeNodeRecord('opportunity', { title: 'big', notes: `${i} `.repeat(200_000) }, { id: `shape:big-${i}` })
      setRecords(s.editor.doc, [card])
      await waitFor(() => recordsOf(s.viewer.doc).has(card.id) || s.refusals.length > 0, { what: `card ${i} stored or refused` })
      if (s.refusals.length > 0) refusedAt = i
    }
    expect(refusedAt).toBeGreaterThan(0)
    await expectRefused(s, /board is full/)
    const stored = await server.deps.store.loadUpdates(s.board.id)
    expect(stored.bytes).toBeLessThan(2 * 1024 * 1024 + 700_000)
    // Deleting is still allowed, and makes room again once the board is compacted.
    s.editor.doc.transact(() => {
      for (const key of [...records(s.editor.doc).keys()]) if (key.startsWith('shape:big-')) deleteRecord(recordsRoot(s.editor.doc), key)
    })
    await waitFor(() => ![...recordsOf(s.viewer.doc).keys()].some((k) => k.startsWith('shape:big-')), { what: 'the big cards deleted' })
  })
})

describe('a client on older code writing layout 1 (tl_records entries) to a layout-2 board', () => {
  it('has valid entries carried into the records field by field, and the old array emptied', async () => {
    const s = await session()
    const legacy = makeNodeRecord('opportunity', { title: 'Written by an old build', parentNode: s.outcome.id }, { id: 'shape:legacy' })
    const renamed = { ...s.opportunity, props: { ...s.opportunity.props, title: 'Renamed by an old build' } }
    recordsV1(s.editor.doc).push([{ key: renamed.id, val: renamed }, { key: legacy.id, val: legacy }] as never[])
    await waitFor(() => recordsOf(s.viewer.doc).has(legacy.id) && recordsOf(s.viewer.doc).get('shape:opp')!.props, { what: 'the carried records' })
    await waitFor(() => (recordsOf(s.viewer.doc).get('shape:opp')!.props as { title: string }).title === 'Renamed by an old build', {
      what: 'the carried title',
    })
    // Carried as layout 2: maps of fields with props a map, so later edits to other fields merge.
    expect(recordsOf(s.viewer.doc).get(legacy.id)).toEqual(legacy)
    expect(fieldsOf(s.viewer.doc, legacy.id).get('props')).toBeInstanceOf(Y.Map)
    await waitFor(() => recordsV1(s.viewer.doc).length === 0 && recordsV1(s.editor.doc).length === 0, { what: 'tl_records emptied' })
    await waitFor(() => sameRecords(s.editor.doc, s.viewer.doc), { what: 'the sender in line' })
    expect(s.refusals).toEqual([])
    expect(s.seenByViewer).toEqual([])
    const fresh = await expectBoardReads(s.board)
    expect(recordsOf(fresh.doc).get(legacy.id)).toEqual(legacy)
    expect(recordsV1(fresh.doc).length).toBe(0)
    const tree = await api('GET', `/api/boards/${s.board.id}/tree`, s.board.viewToken)
    const titles = JSON.stringify(tree.json)
    expect(titles).toContain('Renamed by an old build')
    expect(titles).toContain('Written by an old build')
  })

  it('refuses an invalid layout-1 entry', async () => {
    const s = await session()
    recordsV1(s.editor.doc).push([null] as never[])
    await expectRefused(s, /\{key, val\}/)
    recordsV1(s.editor.doc).push([{ key: s.opportunity.id, val: { ...s.opportunity, props: { ...s.opportunity.props, evidence: 5 } } }] as never[])
    await expectRefused(s, /evidence/, 1)
    expect(recordsOf(s.viewer.doc).get('shape:opp')).toEqual(s.opportunity)
  })

  // Entries each valid alone that together, or with the board, would break it. Whether the sender is told
  // (an 'edit-refused' event) or the entries are only left out when carried, none of it may reach `records`.
  it.each([
    ['a self-parented shape', (s: Session) => [{ ...s.opportunity, id: 'shape:self', parentId: 'shape:self' }]],
    ['two present shapes made each other\u2019s tldraw parent', (s: Session) => [
      { ...s.outcome, parentId: s.opportunity.id },
      { ...s.opportunity, parentId: s.outcome.id },
    ]],
    ['two present cards made each other\u2019s tree parent', (s: Session) => [
      { ...s.outcome, props: { ...s.outcome.props, parentNode: s.opportunity.id } },
    ]],
    ['a 2,000-deep chain', (s: Session) =>
      Array.from({ length: 2000 }, (_, i) =>
        makeNodeRecord('opportunity', { title: `level ${i}`, parentNode: i === 0 ? s.outcome.id : `shape:old-${i - 1}` }, { id: `shape:old-${i}` }),
      )],
  ])('never carries layout-1 entries that would break the board: %s', async (name, entries) => {
    const s = await session()
    const records = entries(s) as JsonRecord[]
    recordsV1(s.editor.doc).push(records.map((val) => ({ key: val.id, val })) as never[])
    // Refused, or accepted and then left out by the carry: either way the old array empties everywhere.
    await waitFor(() => s.refusals.length > 0 || (recordsV1(s.viewer.doc).length === 0 && recordsV1(s.editor.doc).length === 0 && sameRecords(s.editor.doc, s.viewer.doc)), {
      what: 'the entries refused or left out',
    })
    await waitFor(() => sameRecords(s.editor.doc, s.viewer.doc), { what: 'the sender in line' })
    expect(problemsOf(s.viewer.doc)).toEqual([])
    expect(s.seenByViewer).toEqual([])
    const fresh = await expectBoardReads(s.board)
    expect(recordsOf(fresh.doc).get(s.outcome.id)).toEqual(s.outcome)
    expect(recordsOf(fresh.doc).get(s.opportunity.id)).toEqual(s.opportunity)
    const carried = [...recordsOf(fresh.doc).keys()].filter((k) => k.startsWith('shape:old-') || k === 'shape:self')
    // The carry takes what it can, record by record: of the chain, the levels that fit under the depth cap
    // (and nothing hanging under a level left out); of the loops and the self-parented shape, nothing.
    expect(deriveTree([...recordsOf(fresh.doc).values()]).skipped).toEqual([])
    if (name === 'a 2,000-deep chain') expect(carried.length).toBe(MAX_TREE_DEPTH - 1)
    else expect(carried).toEqual([])
  })
})

describe('two people moving cards at once', () => {
  it('never leave a tree cycle: the second move is undone and both replicas agree', async () => {
    const board = await createBoard(server.url)
    const a = makeProvider(server.wsUrl, board.id, board.editToken)
    const b = makeProvider(server.wsUrl, board.id, board.editToken)
    const refusals = [withRefusals(a), withRefusals(b)]
    await Promise.all([synced(a), synced(b)])
    const root = makeNodeRecord('outcome', { title: 'root' }, { id: 'shape:root' })
    const x = makeNodeRecord('opportunity', { title: 'x', parentNode: root.id }, { id: 'shape:x' })
    const y = makeNodeRecord('opportunity', { title: 'y', parentNode: root.id }, { id: 'shape:y' })
    setRecords(a.doc, [root, x, y])
    await waitFor(() => recordsOf(b.doc).has('shape:y'))
    // Offline, each moves one card under the other; together they would make a loop.
    a.provider.disconnect()
    b.provider.disconnect()
    setRecords(a.doc, [{ ...x, props: { ...x.props, parentNode: y.id } }])
    setRecords(b.doc, [{ ...y, props: { ...y.props, parentNode: x.id } }])
    a.provider.connect()
    await synced(a)
    b.provider.connect()
    await waitFor(() => refusals[1].length > 0, { what: 'the second move refused' })
    const parents = (doc: Y.Doc) => ['shape:x', 'shape:y'].map((id) => (recordsOf(doc).get(id) as { props: { parentNode: string } }).props.parentNode)
    await waitFor(() => JSON.stringify(parents(a.doc)) === JSON.stringify(parents(b.doc)), { what: 'agreement' })
    expect(parents(a.doc)).toEqual([y.id, root.id])
    await expectBoardReads(board)
  })
})
