// Several processes serving the same boards (README, "Running several processes"): two real server processes on a
// real PostgreSQL (a throwaway database) and a Redis of their own, with Debian's nginx in front, started from
// deploy/nginx.conf.example (round-robin, no stickiness). Every promise is checked across processes: a
// change or a cursor on one reaches clients of the other, board events and token rotation too; kill -9 of a
// process loses nothing anyone received and its clients come back through nginx; two processes compacting
// one board lose nothing; Redis going away crashes nothing and relay resumes when it is back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Started } from '../../bench/lib/cluster'
import type { ChildServer } from '../helpers/child-server'
import { type Cluster, missingForProcesses, PROCESSES_METRICS_TOKEN as METRICS_TOKEN, startCluster } from '../helpers/processes'
import type { CreatedBoard } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'

const missing = await missingForProcesses()

describe.skipIf(missing.length > 0)('several processes behind nginx (PostgreSQL + Redis)', () => {
  let cluster: Cluster
  let nginx: Started
  /** cluster.procs itself: a process restarted into it is stopped at the end too. */
  let procs: ChildServer[] = []
  const startProcess = (port: number) => cluster.startProcess(port)

  beforeAll(async () => {
    cluster = await startCluster({ processes: 2, nginx: true, env: { COMPACT_ROWS: '20', ROOM_GRACE_MS: '300', VERSION_QUIET_MS: '400' } })
    procs = cluster.procs
    nginx = cluster.nginx!
  }, 120_000)

  afterEach(() => destroyProviders())
  afterAll(async () => {
    destroyProviders()
    await cluster?.stop()
  })

  const [A, B] = [0, 1]
  const api = async (base: string, method: string, url: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : null }
  }
  const createBoard = async (base = procs[A].url): Promise<CreatedBoard> => (await api(base, 'POST', '/api/boards', undefined, { title: 'Shared' })).json
  const client = async (base: string, board: CreatedBoard, token = board.editToken): Promise<TestClient> => {
    const c = makeProvider(`${base.replace(/^http/, 'ws')}/ws`, board.id, token)
    await synced(c)
    return c
  }

  it('a change and a cursor made through one process reach a client of the other', async () => {
    const board = await createBoard()
    const onA = await client(procs[A].url, board)
    const onB = await client(procs[B].url, board)
    onA.items.push(['made on A'])
    await waitFor(() => onB.items.toArray().includes('made on A'), { what: 'A → B' })
    onB.items.push(['made on B'])
    await waitFor(() => onA.items.toArray().includes('made on B'), { what: 'B → A' })
    onA.provider.awareness.setLocalStateField('user', { name: 'Ada on A' })
    await waitFor(() => onB.provider.awareness.getStates().get(onA.doc.clientID)?.user?.name === 'Ada on A', { what: 'cursor A → B' })
    onA.provider.disconnect()
    await waitFor(() => !onB.provider.awareness.getStates().has(onA.doc.clientID), { what: 'A’s cursor gone at B' })
  })

  it('board events and a voting round give every process the same answer; a bet locks once', async () => {
    const tree = {
      title: 'Shared',
      roots: [{ id: 'shape:o', kind: 'outcome', title: 'Outcome', children: [{ id: 'shape:p', kind: 'opportunity', title: 'Need', children: [
        { id: 'shape:s1', kind: 'solution', title: 'One', children: [] },
        { id: 'shape:s2', kind: 'solution', title: 'Two', children: [] },
      ] }] }],
    }
    const board: CreatedBoard = (await api(procs[A].url, 'POST', '/api/boards', undefined, { title: 'Shared', tree })).json
    const onB = await client(procs[B].url, board)
    const events: string[] = []
    onB.provider.messageHandlers[100] = (_e, decoder) => {
      events.push(new TextDecoder().decode(decoder.arr.subarray(decoder.pos)))
    }
    expect((await api(procs[A].url, 'POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'start', seconds: 60 })).status).toBe(200)
    await waitFor(() => events.some((e) => e.includes('"timer"')), { what: 'the timer event at B' })
    expect((await api(procs[A].url, 'POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution' })).status).toBe(201)
    await waitFor(() => events.some((e) => e.includes('"round"')), { what: 'the round event at B' })
    const [viewA, viewB] = await Promise.all([procs[A], procs[B]].map((p) => api(p.url, 'GET', `/api/boards/${board.id}/session`, board.viewToken)))
    expect(viewA.json.timer).toEqual(viewB.json.timer)
    expect(viewA.json.round.id).toBe(viewB.json.round.id)
    // Two people lock different bets at once, one through each process: one wins, the other is told.
    const locks = await Promise.all([
      api(procs[A].url, 'POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:s1' }),
      api(procs[B].url, 'POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:s2' }),
    ])
    expect(locks.map((l) => l.status).sort()).toEqual([201, 409])
    const [betA, betB] = await Promise.all([procs[A], procs[B]].map((p) => api(p.url, 'GET', `/api/boards/${board.id}`, board.viewToken)))
    expect(betA.json.bet.solutionId).toBe(betB.json.bet.solutionId)
  })

  it('rotating tokens on one process closes the old-token sockets on the other at once', async () => {
    const board = await createBoard()
    const viewerOnB = await client(procs[B].url, board, board.viewToken)
    const closed = new Promise<number>((resolve) => viewerOnB.provider.ws?.addEventListener('close', (e) => resolve((e as CloseEvent).code)))
    expect((await api(procs[A].url, 'POST', `/api/boards/${board.id}/tokens/rotate`, board.ownerToken, { roles: ['viewer'] })).status).toBe(200)
    expect(await closed).toBe(4401)
    viewerOnB.provider.disconnect()
  })

  it('through nginx with no stickiness, requests and sockets land on both processes and all see one board', async () => {
    const board = await createBoard(nginx.url)
    for (let i = 0; i < 6; i++) expect((await api(nginx.url, 'GET', `/api/boards/${board.id}`, board.viewToken)).status).toBe(200)
    const clients = [await client(nginx.url, board), await client(nginx.url, board), await client(nginx.url, board), await client(nginx.url, board)]
    const perProcess = await Promise.all(procs.map((p) => metric(p.url, 'outcome_board_connections')))
    expect(perProcess.every((n) => n >= 1)).toBe(true)
    clients.forEach((c, i) => c.items.push([`through nginx ${i}`]))
    for (const c of clients) await waitFor(() => c.items.length === 4, { what: 'every edit at every client' })
  })

  it('two processes compacting one board at once lose nothing', async () => {
    const board = await createBoard()
    const onA = await client(procs[A].url, board)
    const onB = await client(procs[B].url, board)
    for (let i = 0; i < 60; i++) {
      onA.items.push([`a${i}`])
      onB.items.push([`b${i}`])
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20))
    }
    await waitFor(() => onA.items.length === 120 && onB.items.length === 120, { what: 'all 120 at both' })
    await waitFor(async () => (await metric(procs[A].url, 'outcome_board_compactions_total')) > 0 && (await metric(procs[B].url, 'outcome_board_compactions_total')) > 0, {
      what: 'both compacted',
    })
    destroyProviders()
    const fresh = await client(procs[B].url, board, board.viewToken)
    expect(fresh.items.length).toBe(120)
  })

  it('kill -9 of one process loses nothing any client received; its clients come back through nginx and resync', async () => {
    const board = await createBoard(nginx.url)
    const clients = [await client(nginx.url, board), await client(nginx.url, board), await client(nginx.url, board), await client(nginx.url, board)]
    for (let i = 0; i < 40; i++) clients[i % 4].items.push([`before ${i}`])
    for (const c of clients) await waitFor(() => c.items.length === 40, { what: 'the 40 edits everywhere' })
    const victim = procs[A]
    victim.proc.kill('SIGKILL')
    await victim.exited
    // Every client reconnects (those of A through nginx to B) without a reload, and keeps editing.
    for (const c of clients) await waitFor(() => c.provider.wsconnected && c.provider.synced, { what: 'reconnected', timeout: 20_000 })
    clients[0].items.push(['after the kill'])
    for (const c of clients) await waitFor(() => c.items.toArray().includes('after the kill'), { what: 'a new edit everywhere', timeout: 20_000 })
    // A fresh load (from what is stored) has all of it.
    const fresh = await client(procs[B].url, board, board.viewToken)
    expect(fresh.items.length).toBe(41)
    procs[A] = await startProcess(Number(new URL(victim.url).port))
  }, 90_000)

  it('Redis going away crashes nothing, says so on /healthz, and relay resumes when it is back', async () => {
    const board = await createBoard()
    const onA = await client(procs[A].url, board)
    const onB = await client(procs[B].url, board)
    await cluster.redis.stop()
    await waitFor(async () => (await (await fetch(`${procs[A].url}/healthz`)).json()).degraded, { what: 'degraded on A' })
    onA.items.push(['while Redis was away'])
    // Stored: a fresh client of A's has it; B's clients get it once Redis is back.
    await cluster.restartRedis()
    await waitFor(async () => !(await (await fetch(`${procs[B].url}/healthz`)).json()).degraded, { what: 'healthy again', timeout: 20_000 })
    await waitFor(() => onB.items.toArray().includes('while Redis was away'), { what: 'the missed edit at B', timeout: 20_000 })
    onB.items.push(['after Redis came back'])
    await waitFor(() => onA.items.toArray().includes('after Redis came back'), { what: 'relay resumed' })
    for (const p of procs) expect(p.proc.exitCode).toBeNull()
  }, 60_000)

  it('a version is made once per board, not once per process, and restores from either', async () => {
    const board = await createBoard()
    const onA = await client(procs[A].url, board)
    const onB = await client(procs[B].url, board)
    onA.items.push(['one'])
    onB.items.push(['two'])
    await waitFor(() => onA.items.length === 2 && onB.items.length === 2)
    await waitFor(async () => (await api(procs[A].url, 'GET', `/api/boards/${board.id}/versions`, board.viewToken)).json.some((v: { reason: string }) => v.reason === 'auto'), {
      what: 'an automatic version',
    })
    await new Promise((r) => setTimeout(r, 1000)) // both processes' quiet timers have fired
    const versions = (await api(procs[B].url, 'GET', `/api/boards/${board.id}/versions`, board.viewToken)).json as { id: number; reason: string }[]
    expect(versions.filter((v) => v.reason === 'auto')).toHaveLength(1)
    onA.items.delete(0, 2)
    await waitFor(() => onB.items.length === 0)
    const auto = versions.find((v) => v.reason === 'auto')!
    expect((await api(procs[B].url, 'POST', `/api/boards/${board.id}/versions/${auto.id}/restore`, board.ownerToken, {})).status).toBe(200)
    await waitFor(() => onA.items.length === 2, { what: 'the restore at A' })
  })
})

async function metric(base: string, name: string): Promise<number> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.slice(name.length + 1)) : NaN
}

