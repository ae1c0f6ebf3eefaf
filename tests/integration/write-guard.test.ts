// No edit link can break a board: each update below was once stored and relayed, and bricked the board for
// everyone. Now the server refuses it before storing or relaying anything of it, its sender's replica is
// brought back in line and told why, other clients never see it, and the board reads and restarts intact.
import * as decoding from 'lib0/decoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOCUMENT_ID, PAGE_ID, YDOC_BOARD, YDOC_META, YDOC_RECORDS, type JsonRecord } from '../../shared/model'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import { makeNodeRecord } from '../../shared/records'
import tldrawSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { recordProblem } from '../../server/sync/write-guard'
import { type CreatedBoard, createBoard, jsonApi, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'

type Entry = { key: string; val: JsonRecord }

let server: TestServer
const api = jsonApi(() => server.url)
beforeAll(async () => {
  server = await startTestServer({ maxBoardBytes: 2 * 1024 * 1024, roomGraceMs: 100 })
})
afterEach(() => destroyProviders())
afterAll(() => server?.close())

const records = (doc: Y.Doc) => doc.getArray<Entry>(YDOC_RECORDS)

/** Adds or replaces records as YKeyValue does: the old entry deleted, the new one pushed, in one transaction. */
function setRecords(doc: Y.Doc, values: unknown[]): void {
  doc.transact(() => {
    const array = records(doc)
    const keys = new Set(values.map((v) => (v as JsonRecord | null)?.id))
    const entries = array.toArray()
    for (let i = entries.length - 1; i >= 0; i--) if (keys.has(entries[i]?.key)) array.delete(i, 1)
    array.push(values.map((val) => ({ key: (val as JsonRecord).id, val }) as Entry))
  })
}

/** Every record in a doc, as YKeyValue shows it (the rightmost entry for a key). */
function recordsOf(doc: Y.Doc): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const entry of records(doc).toArray()) if (entry && typeof entry.key === 'string') out.set(entry.key, entry.val)
  return out
}

/** What is wrong with a replica as it stands: an invalid record, a schema that is not ours, a board map a
 *  client wrote. Empty for a healthy board. */
function problemsOf(doc: Y.Doc): string[] {
  const problems: string[] = []
  for (const entry of records(doc).toArray()) {
    if (!entry || typeof entry !== 'object') problems.push(`entry ${JSON.stringify(entry)}`)
    else {
      const p = recordProblem(entry.key, entry.val)
      if (p) problems.push(p)
    }
  }
  const schema = doc.getMap(YDOC_META).get('schema')
  if (schema !== undefined && canonical(schema) !== canonical(tldrawSchema)) problems.push('meta.schema')
  for (const key of doc.getMap(YDOC_BOARD).keys()) problems.push(`board.${key}`)
  return problems
}

/** JSON with sorted keys: the same schema serialized in another key order is the same schema. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))

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

/** After a refused edit: the sender was told, its replica equals the viewer's again, nothing bad was seen,
 *  and the stored board reads, exports and reloads. */
async function expectRefused(s: Awaited<ReturnType<typeof session>>, reason: RegExp, refusedBefore = 0) {
  await waitFor(() => s.refusals.length > refusedBefore, { what: 'the refusal' })
  expect(s.refusals.at(-1)).toMatch(reason)
  await waitFor(() => JSON.stringify([...recordsOf(s.editor.doc)].sort()) === JSON.stringify([...recordsOf(s.viewer.doc)].sort()), {
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

  it('a null entry in the records', async () => {
    const s = await session()
    records(s.editor.doc).push([null as unknown as Entry])
    await expectRefused(s, /\{key, val\}/)
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
    s.editor.doc.transact(() => {
      const array = records(s.editor.doc)
      const at = array.toArray().findIndex((e) => e.key === PAGE_ID)
      array.delete(at, 1)
    })
    await expectRefused(s, /still points at page:page/)
    s.editor.doc.transact(() => {
      const array = records(s.editor.doc)
      array.delete(array.toArray().findIndex((e) => e.key === DOCUMENT_ID), 1)
    })
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
      const array = records(s.editor.doc)
      for (let i = array.length - 1; i >= 0; i--) if (array.get(i).key.startsWith('shape:big-')) array.delete(i, 1)
    })
    await waitFor(() => ![...recordsOf(s.viewer.doc).keys()].some((k) => k.startsWith('shape:big-')), { what: 'the big cards deleted' })
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
