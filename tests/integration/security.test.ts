// Issue 18, items 5, 7 and 8 on a real server: voter identities the server issues and signs (inventing ids,
// clearing cookies or forging one gets no extra votes), the security headers on every response, /metrics
// behind its token, and deleting a board for good (every row gone, sockets closed, the room never back).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_BOARD_DELETED } from '../../shared/protocol'
import { ConfigError, loadConfig } from '../../server/config'
import { type CreatedBoard, jsonApi, startTestServer, TEST_METRICS_TOKEN, type TestServer, tempDir } from '../helpers/server'
import { openRaw, upgradeStatus } from '../helpers/raw-socket'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { waitFor } from '../helpers/wait'
import { voterProfile } from '../helpers/voter-profile'

const onboarding = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/team-onboarding.json'), 'utf8'))

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterEach(() => destroyProviders())
afterAll(() => server.close())

const api = jsonApi(() => server.url)

async function seeded(s: TestServer = server): Promise<CreatedBoard> {
  const res = await jsonApi(() => s.url)('POST', '/api/boards', undefined, { title: 'Security board', tree: onboarding })
  expect(res.status).toBe(201)
  return res.json
}

async function solutionIds(board: CreatedBoard): Promise<string[]> {
  const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
  return tree.roots[0].children[0].children.map((s: { id: string }) => s.id)
}

const profile = (s: TestServer, board: CreatedBoard, token: string) => voterProfile(s.url, board.id, token)

async function startRound(s: TestServer, board: CreatedBoard, votesPerPerson: number) {
  const res = await jsonApi(() => s.url)('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, {
    target: 'solution',
    votesPerPerson,
    allowMultiple: false,
  })
  expect(res.status).toBe(201)
}

describe('voter identity', () => {
  it('a viewer inventing voter ids gets one ballot: the server issues the id and ignores the one sent', async () => {
    const board = await seeded()
    const [first, second] = await solutionIds(board)
    await startRound(server, board, 1)
    const viewer = profile(server, board, board.viewToken)
    const answers = []
    for (let i = 0; i < 40; i++) answers.push((await viewer.vote(i % 2 ? second : first, 1, { voterId: `invented-voter-${i}` })).status)
    expect(answers[0]).toBe(200)
    expect(answers.slice(1).every((s) => s === 422)).toBe(true) // the one vote is spent
    const session = await viewer.session('?voter=invented-voter-1')
    expect(session.json.mine).toEqual({ [first]: 1 })
    expect(session.json.round.voters).toBe(1)
    // The cookie: server-made, signed, for this board's API only, out of scripts' reach.
    const set = viewer.setCookies[0]
    expect(set).toMatch(/^ob_voter=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/)
    expect(set).toContain(`Path=/api/boards/${board.id}`)
    expect(set).toContain('HttpOnly')
    expect(set).toContain('SameSite=Strict')
    expect(viewer.setCookies).toHaveLength(1) // issued once, then kept
  })

  it('clearing cookies mints at most VOTER_IDS_PER_HOUR voters per address per board (default 10), then 429', async () => {
    const board = await seeded()
    const [first] = await solutionIds(board)
    await startRound(server, board, 1)
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 40; i++) {
      const fresh = profile(server, board, board.viewToken) // a cleared cookie jar each time
      const res = await fresh.vote(first, 1, { voterId: `cleared-${i}` })
      statuses.push(res.status)
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after')
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(30)
    expect(Number(retryAfter)).toBeGreaterThan(0)
    const owner = await api('GET', `/api/boards/${board.id}/session`, board.ownerToken)
    expect(owner.json.round.voters).toBe(10)
    // The limit is per board: the same address still gets a voter on another board.
    const other = await seeded()
    await startRound(server, other, 1)
    expect((await profile(server, other, other.viewToken).vote((await solutionIds(other))[0])).status).toBe(200)
  })

  it('refuses a forged or altered cookie, and a cookie signed for another board, and clears it', async () => {
    const board = await seeded()
    const [first, second, third] = await solutionIds(board)
    await startRound(server, board, 2)
    const alice = profile(server, board, board.editToken)
    expect((await alice.vote(first)).status).toBe(200)
    const real = alice.cookie!
    const [name, value] = real.split('=')
    const [id, sig] = value.split('.')

    const mallory = profile(server, board, board.viewToken)
    const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`
    for (const forged of [`${name}=${id}.${flipped}`, `${name}=${id}`, `${name}=${'x'.repeat(22)}.${sig}`, `${name}=${id}.${sig}.${sig}`, `${name}=garbage`]) {
      mallory.cookie = forged
      const res = await mallory.vote(second)
      expect(res.status, forged).toBe(403)
      expect(res.json.error).toMatch(/voter cookie/)
      expect(mallory.cookie, 'the bad cookie is cleared').toBeNull()
      mallory.cookie = forged
      expect((await mallory.session()).json.mine, 'a forged id reads no ballot').toEqual({})
    }
    // Alice's ballot is untouched by any of it.
    expect((await alice.session()).json.mine).toEqual({ [first]: 1 })

    // Alice's valid cookie for this board is worth nothing on another board.
    const other = await seeded()
    await startRound(server, other, 1)
    const carried = profile(server, other, other.editToken)
    carried.cookie = real
    expect((await carried.vote((await solutionIds(other))[0])).status).toBe(403)

    // A voter whose cookie was cleared may vote again, as a new voter (within the issuing limit).
    expect((await mallory.vote(third)).status).toBe(200)
  })

  it('a cookie signed with another key (a server with a different VOTER_SECRET) is refused', async () => {
    const a = await startTestServer({ voterSecret: 'a'.repeat(40) })
    const b = await startTestServer({ voterSecret: 'b'.repeat(40), dataDir: tempDir() })
    try {
      const boardA = await seeded(a)
      await startRound(a, boardA, 1)
      const inA = profile(a, boardA, boardA.viewToken)
      expect((await inA.vote((await jsonApi(() => a.url)('GET', `/api/boards/${boardA.id}/tree`, boardA.viewToken)).json.roots[0].children[0].children[0].id)).status).toBe(200)
      // Same board id and cookie presented to a server with another key: the signature does not verify.
      const boardB = await seeded(b)
      await startRound(b, boardB, 1)
      const inB = profile(b, boardB, boardB.viewToken)
      inB.cookie = inA.cookie!
      expect((await inB.vote((await jsonApi(() => b.url)('GET', `/api/boards/${boardB.id}/tree`, boardB.viewToken)).json.roots[0].children[0].children[0].id)).status).toBe(403)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('without VOTER_SECRET the key is made once in the data dir, readable by its owner only, and kept across restarts', async () => {
    const dataDir = tempDir()
    const first = await startTestServer({ dataDir })
    const board = await seeded(first)
    await startRound(first, board, 1)
    const voterProfile = profile(first, board, board.viewToken)
    const [solution] = await jsonApi(() => first.url)('GET', `/api/boards/${board.id}/tree`, board.viewToken).then((r) => r.json.roots[0].children[0].children.map((s: any) => s.id))
    expect((await voterProfile.vote(solution)).status).toBe(200)
    await first.close()
    const file = path.join(dataDir, 'voter-secret')
    expect(fs.statSync(file).mode & 0o077).toBe(0)
    const second = await startTestServer({ dataDir })
    try {
      const again = profile(second, board, board.viewToken)
      again.cookie = voterProfile.cookie
      expect((await again.session()).json.mine).toEqual({ [solution]: 1 })
    } finally {
      await second.close()
    }
  })
})

describe('security headers', () => {
  function clientDir() {
    const dir = path.join(tempDir(), 'client')
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><title>outcome board</title><script>${INLINE}</script>`)
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
    return dir
  }
  const INLINE = "if (location.pathname.startsWith('/b/')) console.log(1)"
  const paths = ['/', '/b/AAAAAAAAAAAAAAAA?token=x', '/assets/app.js', '/api/config', '/api/boards/x', '/healthz', '/nope']

  it('sends a strict Content-Security-Policy, frame-ancestors none, and no Referer on every response', async () => {
    const s = await startTestServer({ clientDir: clientDir() })
    try {
      for (const p of paths) {
        const res = await fetch(`${s.url}${p}`)
        const csp = res.headers.get('content-security-policy') ?? ''
        const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]))
        expect(directives.get('default-src'), p).toBe("'self'")
        // The page's one inline script is allowed by its hash, nothing else inline.
        const hash = `'sha256-${createHash('sha256').update(INLINE).digest('base64')}'`
        expect(directives.get('script-src'), p).toBe(p === '/' || p.startsWith('/b/') ? `'self' ${hash}` : "'self'")
        expect(directives.get('object-src'), p).toBe("'none'")
        expect(directives.get('base-uri'), p).toBe("'none'")
        expect(directives.get('frame-ancestors'), p).toBe("'none'")
        expect(directives.get('connect-src'), p).toBe(`'self' ${s.url.replace(/^http/, 'ws')} data:`)
        expect(csp, p).not.toMatch(/unsafe-eval|\*|https?:/)
        expect(res.headers.get('x-frame-options'), p).toBe('DENY')
        expect(res.headers.get('referrer-policy'), p).toBe('no-referrer')
      }
    } finally {
      await s.close()
    }
  })

  it('FRAME_ANCESTORS names who may frame the app; a bad value stops the server with a message', async () => {
    const s = await startTestServer({ clientDir: clientDir(), frameAncestors: loadConfig({ FRAME_ANCESTORS: "'self'  https://wiki.example.com" }).frameAncestors })
    try {
      const res = await fetch(`${s.url}/`)
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://wiki.example.com")
      expect(res.headers.get('x-frame-options')).toBeNull()
    } finally {
      await s.close()
    }
    for (const bad of ['*', 'javascript:alert(1)', "https://a.example; script-src 'unsafe-inline'"]) {
      expect(() => loadConfig({ FRAME_ANCESTORS: bad }), bad).toThrow(ConfigError)
    }
    // A secret's value is never echoed, even a bad one.
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN=\(hidden\)/)
  })
})

describe('/metrics', () => {
  it('is 404 without METRICS_TOKEN', async () => {
    const s = await startTestServer({ metricsToken: undefined })
    try {
      expect(s.config.metricsToken).toBeUndefined()
      expect((await fetch(`${s.url}/metrics`)).status).toBe(404)
      expect((await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here' } })).status).toBe(404)
    } finally {
      await s.close()
    }
  })

  it('answers 401 without the token or with a wrong one, and serves Prometheus text with it', async () => {
    const get = (headers: Record<string, string> = {}, query = '') => fetch(`${server.url}/metrics${query}`, { headers })
    expect((await get()).status).toBe(401)
    expect((await get({ authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401)
    expect((await get({ authorization: `Basic ${TEST_METRICS_TOKEN}` })).status).toBe(401)
    expect((await get({}, `?token=${TEST_METRICS_TOKEN}`)).status).toBe(401) // never in a URL
    const ok = await get({ authorization: `Bearer ${TEST_METRICS_TOKEN}` })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('outcome_board_rooms ')
  })
})

describe('deleting a board', () => {
  const TABLES = ['boards', 'updates', 'decisions', 'bets', 'timers', 'rounds', 'votes'] as const

  /** Rows kept for a board, per table, read straight from the SQLite file. */
  function rowsFor(boardId: string): Record<string, number> {
    const db = new Database(path.join(server.dataDir, 'outcome-board.sqlite'), { readonly: true, fileMustExist: true })
    try {
      const count = (sql: string) => (db.prepare(sql).get(boardId) as { n: number }).n
      return {
        boards: count('SELECT COUNT(*) AS n FROM boards WHERE id = ?'),
        updates: count('SELECT COUNT(*) AS n FROM updates WHERE board_id = ?'),
        decisions: count('SELECT COUNT(*) AS n FROM decisions WHERE board_id = ?'),
        bets: count('SELECT COUNT(*) AS n FROM bets WHERE board_id = ?'),
        timers: count('SELECT COUNT(*) AS n FROM timers WHERE board_id = ?'),
        rounds: count('SELECT COUNT(*) AS n FROM rounds WHERE board_id = ?'),
        votes: count('SELECT COUNT(*) AS n FROM votes WHERE round_id IN (SELECT id FROM rounds WHERE board_id = ?)'),
      }
    } finally {
      db.close()
    }
  }

  /** A board with something in every table: document, bet and decisions, timer, a round with votes. */
  async function fullBoard(): Promise<CreatedBoard> {
    const board = await seeded()
    const [solution, other] = await solutionIds(board)
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: solution })).status).toBe(201)
    expect((await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken)).status).toBeLessThan(300)
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: other })).status).toBe(201)
    expect((await api('POST', `/api/boards/${board.id}/timer`, board.ownerToken, { action: 'start', seconds: 60 })).status).toBe(200)
    await startRound(server, board, 2)
    expect((await profile(server, board, board.viewToken).vote(solution)).status).toBe(200)
    const rows = rowsFor(board.id)
    for (const table of TABLES) expect(rows[table], table).toBeGreaterThan(0)
    return board
  }

  it('refuses editors and viewers (403), no or a wrong token (401), unknown boards (404)', async () => {
    const board = await seeded()
    expect((await api('DELETE', `/api/boards/${board.id}`, board.editToken)).status).toBe(403)
    expect((await api('DELETE', `/api/boards/${board.id}`, board.viewToken)).status).toBe(403)
    expect((await api('DELETE', `/api/boards/${board.id}`)).status).toBe(401)
    expect((await api('DELETE', `/api/boards/${board.id}`, 'not-the-token')).status).toBe(401)
    expect((await api('DELETE', `/api/boards/AAAAAAAAAAAAAAAA`, board.ownerToken)).status).toBe(404)
    expect((await api('DELETE', `/api/boards/..%2f`, board.ownerToken)).status).toBe(404)
    expect((await api('GET', `/api/boards/${board.id}`, board.viewToken)).status).toBe(200)
    expect(rowsFor(board.id).boards).toBe(1)
  })

  it('owner: removes every row for good, closes its sockets with 4404, and the board is 404 everywhere after', async () => {
    const board = await fullBoard()
    const bystander = await seeded()
    const before = rowsFor(bystander.id)

    const people = [board.ownerToken, board.editToken, board.viewToken].map((t) => makeProvider(server.wsUrl, board.id, t))
    await Promise.all(people.map((p) => synced(p)))
    const closes: { code: number; reason: string }[][] = people.map(() => [])
    people.forEach((p, i) => p.provider.on('connection-close', (e) => e && closes[i].push({ code: e.code, reason: e.reason })))
    const terminal: number[] = []
    for (const p of people) p.provider.on('closed', (e: { code: number }) => terminal.push(e.code))
    const raw = await openRaw(`${server.wsUrl}/${board.id}?token=${board.viewToken}`)
    // An edit in flight as the delete comes: stored then deleted, or refused; never written back after.
    people[1].items.push(['last edit'])

    const res = await api('DELETE', `/api/boards/${board.id}`, board.ownerToken)
    expect(res.status).toBe(204)
    expect(await raw.closed).toEqual({ code: CLOSE_BOARD_DELETED, reason: 'board deleted' })
    await waitFor(() => terminal.length === 3, { what: 'every provider closed for good' })
    expect(terminal).toEqual([CLOSE_BOARD_DELETED, CLOSE_BOARD_DELETED, CLOSE_BOARD_DELETED])
    for (const c of closes) expect(c).toEqual([{ code: CLOSE_BOARD_DELETED, reason: 'board deleted' }])

    expect(rowsFor(board.id)).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])))
    expect(server.deps.rooms.peek(board.id)).toBeUndefined()
    const t = board.ownerToken
    for (const [method, url] of [
      ['GET', ''],
      ['GET', '/tree'],
      ['GET', '/export?format=json'],
      ['GET', '/session'],
      ['GET', '/decisions'],
      ['PATCH', ''],
      ['POST', '/rounds/current/votes'],
      ['DELETE', ''],
    ] as const) {
      expect((await api(method, `/api/boards/${board.id}${url}`, t, method === 'GET' || method === 'DELETE' ? undefined : {})).status, `${method} ${url}`).toBe(404)
    }
    expect(await upgradeStatus(`${server.wsUrl}/${board.id}?token=${t}`)).toBe(404)

    // The room does not come back: after longer than the grace period nothing was loaded or written again.
    await waitFor(() => server.deps.conns.size === 0 || [...server.deps.conns].every((c) => c.boardId !== board.id), { what: 'sockets gone' })
    await new Promise((r) => setTimeout(r, server.config.roomGraceMs * 2))
    expect(server.deps.rooms.peek(board.id)).toBeUndefined()
    expect(rowsFor(board.id)).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])))
    // Other boards are untouched.
    expect(rowsFor(bystander.id)).toEqual(before)
    expect((await api('GET', `/api/boards/${bystander.id}/tree`, bystander.viewToken)).status).toBe(200)
  })
})
