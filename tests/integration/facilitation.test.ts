// Issue 5 on a real server: facilitator-only actions, dot-voting budgets and secrecy (no participant's
// socket or HTTP answer carries anyone else's votes before the reveal), reveal results for everyone,
// the server-time timer and summon, all seen through real y-websocket providers.
import fs from 'node:fs'
import path from 'node:path'
import * as decoding from 'lib0/decoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { YDOC_BOARD } from '../../shared/model'
import { MESSAGE_BOARD_EVENT as EVENT } from '../../shared/protocol'
import { jsonApi, startTestServer, type TestServer } from '../helpers/server'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'
import { waitFor } from '../helpers/wait'
import { voterProfile } from '../helpers/voter-profile'

const onboarding = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/team-onboarding.json'), 'utf8'))

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterEach(() => destroyProviders())
afterAll(() => server.close())

interface Board {
  id: string
  ownerToken: string
  editToken: string
  viewToken: string
}

const api = jsonApi(() => server.url)

async function seeded(): Promise<Board> {
  const res = await api('POST', '/api/boards', undefined, { tree: onboarding })
  expect(res.status).toBe(201)
  return res.json
}

/** A connected provider that also records every board event and every raw frame it receives. */
async function participant(board: Board, token: string) {
  const client = makeProvider(server.wsUrl, board.id, token)
  const events: any[] = []
  client.provider.messageHandlers[EVENT] = (_encoder, decoder) => {
    events.push(JSON.parse(decoding.readVarString(decoder)))
  }
  const frames: string[] = []
  const seenSockets = new WeakSet<object>()
  const attach = () => {
    const ws = client.provider.ws as unknown as { on(event: 'message', fn: (data: Buffer) => void): void } | null
    if (!ws || seenSockets.has(ws)) return
    seenSockets.add(ws)
    ws.on('message', (data) => frames.push(Buffer.from(data).toString('latin1')))
  }
  client.provider.on('status', ({ status }: { status: string }) => status === 'connected' && attach())
  attach()
  await synced(client)
  return { client, events, frames }
}

const ids = async (board: Board) => {
  const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
  const opp = tree.roots[0].children[0]
  return { opportunity: opp.id, solutions: opp.children.map((s: any) => s.id) as string[], other: tree.roots[0].children[1].id }
}

const voter = (board: Board, token: string) => voterProfile(server.url, board.id, token)

describe('facilitator-only actions', () => {
  it('refuses timer, rounds, reveal, cancel and summon to editors and viewers', async () => {
    const board = await seeded()
    for (const token of [board.editToken, board.viewToken]) {
      expect((await api('POST', `/api/boards/${board.id}/timer`, token, { action: 'start', seconds: 60 })).status).toBe(403)
      expect((await api('POST', `/api/boards/${board.id}/rounds`, token, { target: 'solution' })).status).toBe(403)
      expect((await api('POST', `/api/boards/${board.id}/rounds/current/reveal`, token)).status).toBe(403)
      expect((await api('DELETE', `/api/boards/${board.id}/rounds/current`, token)).status).toBe(403)
      expect((await api('POST', `/api/boards/${board.id}/summon`, token, { bounds: { x: 0, y: 0, w: 10, h: 10 } })).status).toBe(403)
    }
    expect((await api('POST', `/api/boards/${board.id}/timer`, undefined, { action: 'start', seconds: 60 })).status).toBe(401)
    expect((await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'start', seconds: 0 })).status).toBe(422)
    expect((await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'explode' })).status).toBe(422)
  })
})

describe('dot voting', () => {
  it('keeps votes secret until the reveal, enforces budgets, then shows ranked counts to everyone', async () => {
    const board = await seeded()
    const { solutions, other } = await ids(board)
    const alice = await participant(board, board.editToken)
    const bob = await participant(board, board.viewToken)

    const start = await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution', votesPerPerson: 3, allowMultiple: false })
    expect(start.status).toBe(201)
    expect(start.json.candidates.sort()).toEqual([...solutions].sort())
    expect((await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'opportunity' })).status).toBe(409)
    await waitFor(() => alice.events.some((e) => e.type === 'round' && e.round.status === 'open'), { what: 'round event' })

    const va = voter(board, board.editToken)
    const vb = voter(board, board.viewToken)
    expect((await va.vote(solutions[0])).json).toEqual({ mine: { [solutions[0]]: 1 }, votesLeft: 2 })
    expect((await va.vote(solutions[0])).status).toBe(422) // one vote per node in this round
    expect((await va.vote(other)).status).toBe(422) // not a candidate
    expect((await va.vote(solutions[1])).status).toBe(200)
    expect((await va.vote(solutions[2])).json.votesLeft).toBe(0)
    const over = await va.vote(solutions[2], -1)
    expect(over.json.votesLeft).toBe(1) // taking a vote back frees it
    expect((await vb.vote(solutions[2])).status).toBe(200)
    expect((await vb.vote(solutions[0])).status).toBe(200)
    expect((await vb.vote(solutions[1], -1)).status).toBe(422) // no vote there to take back
    const A = va.id
    const B = vb.id
    expect(A).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(B).not.toBe(A)

    // Before the reveal: each voter sees only their own ballot; nobody sees counts.
    const asAlice = await va.session()
    expect(asAlice.json.mine).toEqual({ [solutions[0]]: 1, [solutions[1]]: 1 })
    expect(asAlice.json.round).toMatchObject({ status: 'open', voters: 2, results: null })
    expect(asAlice.text).not.toContain(B)
    const asOwner = await api('GET', `/api/boards/${board.id}/session`, board.ownerToken)
    expect(asOwner.json.round.results).toBeNull()
    expect(asOwner.json.mine).toEqual({})
    for (const p of [alice, bob]) {
      expect(p.client.doc.getMap(YDOC_BOARD).get('votes')).toBeUndefined()
      for (const e of p.events) expect(e.round?.results ?? null).toBeNull()
      expect(p.frames.length).toBeGreaterThan(0) // the capture really saw the socket's traffic
      const seen = p.frames.join('\n') + JSON.stringify(p.events)
      expect(seen).not.toContain(A)
      expect(seen).not.toContain(B)
    }

    const reveal = await api('POST', `/api/boards/${board.id}/rounds/current/reveal`, board.ownerToken)
    expect(reveal.status).toBe(200)
    expect(reveal.json.results.map((r: any) => [r.nodeId, r.votes, r.rank])).toEqual([
      [solutions[0], 2, 1],
      [solutions[1], 1, 2],
      [solutions[2], 1, 2],
    ])
    for (const p of [alice, bob]) {
      await waitFor(() => (p.client.doc.getMap(YDOC_BOARD).get('votes') as any)?.results?.length === 3, { what: 'results in doc' })
      await waitFor(() => p.events.some((e) => e.type === 'round' && e.round.status === 'revealed'), { what: 'reveal event' })
    }
    expect((await va.vote(solutions[2])).status).toBe(409) // round is over
    const later = await vb.session()
    expect(later.json.round.results).toHaveLength(3) // kept with the board
  })

  it('scopes a round to the children of one node and lets the facilitator cancel it', async () => {
    const board = await seeded()
    const { opportunity, solutions } = await ids(board)
    const start = await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution', scopeId: opportunity })
    expect(start.json).toMatchObject({ votesPerPerson: 3, allowMultiple: true, scopeId: opportunity })
    expect(start.json.candidates).toHaveLength(solutions.length)
    const v = voter(board, board.editToken)
    for (let i = 0; i < 3; i++) expect((await v.vote(solutions[0])).status).toBe(200)
    expect((await v.vote(solutions[0])).status).toBe(422)
    expect((await api('DELETE', `/api/boards/${board.id}/rounds/current`, board.ownerToken)).json.status).toBe('cancelled')
    expect((await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'opportunity', scopeId: 'shape:nope' })).status).toBe(422)
  })
})

describe('timer and summon', () => {
  it('runs a countdown on server time that every client and a later reload see', async () => {
    const board = await seeded()
    const p = await participant(board, board.viewToken)
    const started = await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'start', seconds: 300 })
    expect(started.json.timer).toMatchObject({ status: 'running', durationMs: 300_000 })
    await waitFor(() => p.events.some((e) => e.type === 'timer' && e.timer.status === 'running'), { what: 'timer event' })
    const event = p.events.find((e) => e.type === 'timer')
    expect(event.timer.endsAt - event.serverNow).toBeGreaterThan(290_000)
    await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'pause' })
    const added = await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'add', seconds: 60 })
    expect(added.json.timer.status).toBe('paused')
    expect(added.json.timer.remainingMs).toBeGreaterThan(350_000)
    const reload = await api('GET', `/api/boards/${board.id}/session`, board.viewToken)
    expect(reload.json.timer).toEqual(added.json.timer)
    expect(typeof reload.json.serverNow).toBe('number')
    const reset = await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'reset' })
    expect(reset.json.timer.status).toBe('idle')
  })

  it('sends a summon with the facilitator viewport to everyone connected', async () => {
    const board = await seeded()
    const p = await participant(board, board.editToken)
    const bounds = { x: 100, y: 200, w: 800, h: 600 }
    expect((await api('POST', `/api/boards/${board.id}/summon`, board.ownerToken, { bounds, by: 'Dana' })).status).toBe(200)
    await waitFor(() => p.events.some((e) => e.type === 'summon'), { what: 'summon event' })
    expect(p.events.find((e) => e.type === 'summon')).toEqual({ type: 'summon', bounds, by: 'Dana' })
  })
})
