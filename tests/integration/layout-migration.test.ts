// Boards made before layout 2 (issue 21): a stored layout-1 board is converted on its first load with nothing
// lost, durably, once; a browser coming back with a layout-1 copy holding offline edits gets them carried
// field by field; code from before layout 2 is told to reload instead of being shown an empty board.
//
// tests/fixtures/layout1-board.ydoc was made with the server of commit 4792045 (the last with layout 1): a
// board seeded from tests/fixtures/team-onboarding.json, then edited by a y-websocket client writing as that
// app did (YKeyValue): one opportunity renamed "… (edited)" with importance 7.
import fs from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as Y from 'yjs'
import type { JsonRecord } from '../../shared/model'
import { CLOSE_RELOAD } from '../../shared/protocol'
import { layoutOf, readRecord, readRecords, readRecordsV1, recordsRoot, recordsV1, writeRecord } from '../../shared/record-layout'
import { jsonApi, startTestServer, type TestServer } from '../helpers/server'
import { storeDocument } from '../helpers/stored-doc'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'

const FIXTURE = fs.readFileSync(new URL('../fixtures/layout1-board.ydoc', import.meta.url))
const fixtureDoc = () => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, FIXTURE)
  return doc
}
/** A record's props, for reading a field. */
const props = (record: JsonRecord | undefined) => (record?.props ?? {}) as Record<string, unknown>
const fixtureRecords = readRecordsV1(fixtureDoc())
const edited = [...fixtureRecords.values()].find((r) => String(props(r).title).endsWith('(edited)'))!

let server: TestServer
const api = jsonApi(() => server.url)
beforeAll(async () => {
  server = await startTestServer({ roomGraceMs: 50 })
})
afterEach(() => destroyProviders())
afterAll(() => server?.close())

/** A new board whose stored document is the layout-1 fixture. */
async function layout1Board() {
  const board = (await api('POST', '/api/boards', undefined, { title: 'Team onboarding' })).json
  await storeDocument(server, board.id, fixtureDoc())
  return board
}

/** The board as stored (what a restart would load), read without its room. */
async function storedDoc(boardId: string): Promise<Y.Doc> {
  const stored = await server.deps.store.loadUpdates(boardId)
  const doc = new Y.Doc()
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc
}

/** The fixture's layout-1 copy in a browser that went offline: one field of the edited card changed, written
 *  as layout-1 code writes (the old entry deleted, the whole record pushed). */
function offlineCopyRenaming(title: string): Y.Doc {
  const doc = fixtureDoc()
  const array = recordsV1(doc)
  const entries = array.toArray()
  const at = entries.findIndex((e) => e.key === edited.id)
  doc.transact(() => {
    array.delete(at, 1)
    array.push([{ key: edited.id, val: { ...edited, props: { ...(edited.props as object), title } } }])
  })
  return doc
}

describe('a layout-1 board', () => {
  it('is converted on its first load with every record and field, stored before any client gets it', async () => {
    expect(fixtureRecords.size).toBe(9) // the document, the page and seven cards
    expect(layoutOf(fixtureDoc())).toBe(1)
    const board = await layout1Board()

    const client = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(client)
    expect(Object.fromEntries(readRecords(client.doc))).toEqual(Object.fromEntries(fixtureRecords))
    expect(recordsV1(client.doc).length).toBe(0)
    expect(layoutOf(client.doc)).toBe(2)
    expect(readRecord(client.doc, edited.id)?.props).toEqual(edited.props)

    // By the time the client had it, it was stored: a restart loads layout 2.
    const stored = await storedDoc(board.id)
    expect(layoutOf(stored)).toBe(2)
    expect(Object.fromEntries(readRecords(stored))).toEqual(Object.fromEntries(fixtureRecords))

    // The board as it was is a version; the tree and exports read the converted board.
    const versions = (await api('GET', `/api/boards/${board.id}/versions`, board.viewToken)).json
    expect(versions.filter((v: { reason: string }) => v.reason === 'before-layout')).toHaveLength(1)
    const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
    expect(JSON.stringify(tree)).toContain('(edited)')
    expect(tree.skipped ?? []).toEqual([])
  })

  it('is converted once: a later load finds layout 2 and keeps no second copy', async () => {
    const board = await layout1Board()
    await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)
    const rows = (await server.deps.store.loadUpdates(board.id)).updates.length
    await waitFor(() => !server.deps.rooms.peek(board.id), { what: 'the room unloaded', timeout: 10_000 })
    await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)
    const versions = (await api('GET', `/api/boards/${board.id}/versions`, board.viewToken)).json
    expect(versions.filter((v: { reason: string }) => v.reason === 'before-layout')).toHaveLength(1)
    expect((await server.deps.store.loadUpdates(board.id)).updates.length).toBeLessThanOrEqual(rows)
  })
})

describe('a browser coming back with a layout-1 copy', () => {
  it('has its offline edit carried field by field: a field someone else changed meanwhile stays theirs', async () => {
    const board = await layout1Board()
    // Someone on the converted board sets the card's importance.
    const other = makeProvider(server.wsUrl, board.id, board.editToken)
    await synced(other)
    const before = readRecord(other.doc, edited.id)!
    other.doc.transact(() => writeRecord(recordsRoot(other.doc), { ...before, props: { ...(before.props as object), importance: 9 } }, before))
    await waitFor(async () => props(await server.deps.rooms.withDoc(board.id, (doc) => readRecord(doc, edited.id))).importance === 9, { what: 'importance stored' })

    // The offline copy (importance still 7 in it) renamed the card; it comes back with code that reads layout 2.
    const copy = offlineCopyRenaming('Renamed while offline')
    const back = makeProvider(server.wsUrl, board.id, board.editToken, copy)
    await synced(back)
    const card = () => server.deps.rooms.withDoc(board.id, (doc) => readRecord(doc, edited.id))
    await waitFor(async () => props(await card()).title === 'Renamed while offline', { what: 'the offline rename carried' })
    expect(props(await card()).importance).toBe(9)
    await waitFor(() => props(readRecord(other.doc, edited.id)).title === 'Renamed while offline', { what: 'relayed' })
    expect(props(readRecord(other.doc, edited.id)).importance).toBe(9)
    expect(await server.deps.rooms.withDoc(board.id, (doc) => recordsV1(doc).length)).toBe(0)
  })

  it('from code before layout 2 (no ?layout=): its edit is carried and it is told to reload', async () => {
    const board = await layout1Board()
    await api('GET', `/api/boards/${board.id}/tree`, board.viewToken) // converted
    const copy = offlineCopyRenaming('Renamed in an old tab')
    // Code before layout 2 sees no records on a converted board and writes an empty board's page and document.
    copy.transact(() => {
      const array = recordsV1(copy)
      const page = array.toArray().findIndex((e) => e.key === 'page:page')
      const val = array.get(page).val
      array.delete(page, 1)
      array.push([{ key: 'page:page', val: { ...val, name: 'Page 1 (a default)' } }])
    })
    const closes: { code: number; reason: string }[] = []
    const old = new WebsocketProvider(server.wsUrl, board.id, copy, {
      params: { token: board.editToken },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 60_000,
    })
    old.on('connection-close', (e) => e && closes.push({ code: e.code, reason: e.reason }))
    await waitFor(() => closes.some((c) => c.code === CLOSE_RELOAD), { what: 'closed with 4426' })
    old.destroy()
    expect(closes.find((c) => c.code === CLOSE_RELOAD)!.reason).toMatch(/reload/i)
    const card = () => server.deps.rooms.withDoc(board.id, (doc) => readRecord(doc, edited.id))
    await waitFor(async () => props(await card()).title === 'Renamed in an old tab', { what: 'the edit carried' })
    expect(props(await card()).importance).toBe(props(edited).importance)
    const page = await server.deps.rooms.withDoc(board.id, (doc) => readRecord(doc, 'page:page'))
    expect(page!.name).not.toBe('Page 1 (a default)') // only what people make on the canvas is carried
    expect(await server.deps.rooms.withDoc(board.id, (doc) => recordsV1(doc).length)).toBe(0)
  })

  it('code that says it reads an older layout is told to reload at once', async () => {
    const board = (await api('POST', '/api/boards', undefined, { title: 'New' })).json
    const closes: { code: number; reason: string }[] = []
    const old = new WebsocketProvider(server.wsUrl, board.id, new Y.Doc(), {
      params: { token: board.viewToken, layout: '1' },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 60_000,
    })
    old.on('connection-close', (e) => e && closes.push({ code: e.code, reason: e.reason }))
    await waitFor(() => closes.length > 0, { what: 'closed' })
    old.destroy()
    expect(closes[0].code).toBe(CLOSE_RELOAD)
    expect(closes[0].reason).toMatch(/reload/i)
  })
})
