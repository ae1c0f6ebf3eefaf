// The bet's place of record is SQL; the document's `board.bet` is a copy derived from it (server/bet-record.ts).
// When the two disagree (the process stopped between locking in SQL and writing the copy, or an older server
// left a stale copy), the next load of the board rewrites the copy from the record, never the other way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { YDOC_BOARD } from '../../shared/model'
import { readRecords } from '../../server/board-doc'
import { jsonApi, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'

let server: TestServer
const api = jsonApi(() => server.url)
beforeAll(async () => {
  server = await startTestServer({ roomGraceMs: 50 })
})
afterAll(() => server.close())

const TREE = {
  title: 'Record',
  roots: [{ id: 'shape:o', kind: 'outcome', title: 'Outcome', children: [{ id: 'shape:p', kind: 'opportunity', title: 'Need', children: [
    { id: 'shape:s', kind: 'solution', title: 'Bet', children: [] },
  ] }] }],
}

const unloaded = () => waitFor(async () => (await metric(server.url, 'outcome_board_rooms')) === 0, { what: 'rooms unloaded' })
const docBet = (id: string) => server.deps.rooms.withDoc(id, (doc) => (doc.getMap(YDOC_BOARD).get('bet') as { solutionId?: string } | undefined) ?? null)
const locked = (id: string) => server.deps.rooms.withDoc(id, (doc) => readRecords(doc).get('shape:s')?.isLocked)

describe('the bet: SQL is the record, the document holds a copy', () => {
  it('a lock whose copy never reached the document is copied there on the next load', async () => {
    const board = (await api('POST', '/api/boards', undefined, { tree: TREE })).json
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:s' })).status).toBe(201)
    // The process "stopped" before the copy: take it out of the document by hand.
    await server.deps.rooms.applyServerChange(board.id, (doc) => doc.getMap(YDOC_BOARD).delete('bet'))
    expect(await docBet(board.id)).toBeNull()
    await unloaded()
    await server.deps.rooms.withDoc(board.id, () => null) // loads it again
    await waitFor(async () => (await docBet(board.id))?.solutionId === 'shape:s', { what: 'the copy rewritten from the record' })
    expect(await locked(board.id)).toBe(true)
  })

  it('a stale copy with no lock on record is cleared and its cards unlocked', async () => {
    const board = (await api('POST', '/api/boards', undefined, { tree: TREE })).json
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:s' })).status).toBe(201)
    const copy = await docBet(board.id)
    expect((await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken)).status).toBe(200)
    // The unlock reached SQL, but the document kept the old copy.
    await server.deps.rooms.applyServerChange(board.id, (doc) => doc.getMap(YDOC_BOARD).set('bet', copy))
    await unloaded()
    await server.deps.rooms.withDoc(board.id, () => null)
    await waitFor(async () => (await docBet(board.id)) === null, { what: 'the stale copy cleared' })
    expect(await locked(board.id)).toBe(false)
    expect((await api('GET', `/api/boards/${board.id}`, board.viewToken)).json.bet).toBeNull()
  })
})
