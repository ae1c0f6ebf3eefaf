// The HTTP contract: boards, auth matrix on every route (HTTP and websocket), bad input, config, health,
// metrics, the static client, and logs that never contain a token.
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CreatedBoard, createBoard, startTestServer, TEST_METRICS_TOKEN, type TestServer, tempDir } from '../helpers/server'
import { upgradeStatus } from '../helpers/raw-socket'

let server: TestServer
let board: CreatedBoard
const logLines: string[] = []

beforeAll(async () => {
  server = await startTestServer({
    logLevel: 'debug',
    logDestination: { write: (line: string) => void logLines.push(line) },
    tldrawLicenseKey: 'tl-test-key',
    bodyLimitBytes: 64 * 1024,
  })
  board = await createBoard(server.url, 'Q3 activation')
})
afterAll(() => server.close())

const api = (p: string, init: RequestInit = {}) => fetch(`${server.url}${p}`, init)
const post = (p: string, body: string, headers: Record<string, string> = {}) =>
  api(p, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })

describe('POST /api/boards', () => {
  it('creates a board with three distinct strong tokens and links', async () => {
    const res = await post('/api/boards', JSON.stringify({ title: '  Grow weekly active teams ' }))
    expect(res.status).toBe(201)
    const b = (await res.json()) as CreatedBoard
    expect(b.title).toBe('Grow weekly active teams')
    expect(b.id).toMatch(/^[A-Za-z0-9_-]{16}$/)
    const tokens = [b.ownerToken, b.editToken, b.viewToken]
    expect(new Set(tokens).size).toBe(3)
    for (const t of tokens) expect(Buffer.from(t, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
    expect(b.ownerUrl).toBe(`${server.url}/b/${b.id}?token=${b.ownerToken}`)
    expect(b.editUrl).toBe(`${server.url}/b/${b.id}?token=${b.editToken}`)
    expect(b.viewUrl).toBe(`${server.url}/b/${b.id}?token=${b.viewToken}`)
  })

  it('accepts an empty body (default title) and uses PUBLIC_URL for links when set', async () => {
    const res = await api('/api/boards', { method: 'POST' })
    expect(res.status).toBe(201)
    expect(((await res.json()) as CreatedBoard).title).toBe('Untitled board')

    const other = await startTestServer({ publicUrl: 'https://board.example.com' })
    try {
      const b = await createBoard(other.url)
      expect(b.viewUrl).toBe(`https://board.example.com/b/${b.id}?token=${b.viewToken}`)
    } finally {
      await other.close()
    }
  })

  it('rejects bad JSON (400), non-objects (400), oversized or wrong titles (422), huge bodies (413)', async () => {
    const cases: [string, number][] = [
      ['{"title": ', 400],
      ['not json', 400],
      ['[1,2]', 400],
      ['"a string"', 400],
      [JSON.stringify({ title: 'x'.repeat(201) }), 422],
      [JSON.stringify({ title: 42 }), 422],
      [JSON.stringify({ title: 'x'.repeat(200 * 1024) }), 413],
    ]
    for (const [body, status] of cases) {
      const res = await post('/api/boards', body)
      expect(res.status, body.slice(0, 30)).toBe(status)
      const json = (await res.json()) as { error: unknown }
      expect(typeof json.error).toBe('string')
      // An unread body: the socket is not offered for the next request.
      if (status === 413) expect(res.headers.get('connection')).toBe('close')
    }
    expect((await post('/api/boards', JSON.stringify({ title: 'x'.repeat(200) }))).status).toBe(201)
  })
})

describe('auth matrix', () => {
  type Call = { name: string; min: 'viewer' | 'editor' | 'owner'; run: (id: string, h: Record<string, string>, q: string) => Promise<number> }
  const routes: Call[] = [
    { name: 'GET /api/boards/:id', min: 'viewer', run: async (id, h, q) => (await api(`/api/boards/${id}${q}`, { headers: h })).status },
    {
      name: 'PATCH /api/boards/:id',
      min: 'editor',
      run: async (id, h, q) =>
        (await api(`/api/boards/${id}${q}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...h }, body: JSON.stringify({ title: 'Renamed' }) })).status,
    },
    {
      name: 'websocket /ws/:id',
      min: 'viewer',
      run: (id, h, q) => upgradeStatus(`${server.wsUrl}/${id}${q}`, h),
    },
  ]
  const rank = { viewer: 1, editor: 2, owner: 3 }
  const ok = (r: Call) => (r.name.startsWith('websocket') ? 101 : 200)

  for (const route of routes) {
    it(`${route.name}: 404 odd/unknown id, 401 missing/wrong token, role checks`, async () => {
      const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
      expect(await route.run('AAAAAAAAAAAAAAAA', bearer(board.ownerToken), '')).toBe(404) // unknown
      for (const odd of ['x', '..%2F..%2Fetc', 'a'.repeat(300), '%00%00', 'ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ']) {
        expect(await route.run(odd, bearer(board.ownerToken), ''), odd).toBe(404)
      }
      expect(await route.run(board.id, {}, '')).toBe(401)
      expect(await route.run(board.id, bearer('wrong-token'), '')).toBe(401)
      expect(await route.run(board.id, {}, '?token=')).toBe(401)
      expect(await route.run(board.id, {}, `?token=${board.ownerToken}x`)).toBe(401)
      const other = await createBoard(server.url)
      expect(await route.run(board.id, bearer(other.ownerToken), '')).toBe(401) // a token of another board
      for (const [role, token] of [['viewer', board.viewToken], ['editor', board.editToken], ['owner', board.ownerToken]] as const) {
        const expected = rank[role] >= rank[route.min] ? ok(route) : 403
        expect(await route.run(board.id, bearer(token), ''), `${role} via header`).toBe(expected)
        expect(await route.run(board.id, {}, `?token=${token}`), `${role} via query`).toBe(expected)
      }
    })
  }

  it('GET /api/boards/:id reports the role of the token and bet null', async () => {
    for (const [role, token] of [['viewer', board.viewToken], ['editor', board.editToken], ['owner', board.ownerToken]]) {
      const res = await api(`/api/boards/${board.id}`, { headers: { authorization: `Bearer ${token}` } })
      const json = (await res.json()) as Record<string, unknown>
      expect(json).toMatchObject({ id: board.id, role, bet: null })
      expect(typeof json.createdAt).toBe('string')
      expect(typeof json.updatedAt).toBe('string')
      expect(json).not.toHaveProperty('ownerToken')
    }
  })

  it('GET and PATCH /api/boards/:id give editors and owners the view link, viewers nothing new, and nobody a stronger token', async () => {
    const viewUrl = `${server.url}/b/${board.id}?token=${board.viewToken}`
    const read = async (token: string, method = 'GET') => {
      const res = await api(`/api/boards/${board.id}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(method === 'PATCH' ? { 'content-type': 'application/json' } : {}) },
        body: method === 'PATCH' ? JSON.stringify({ title: 'Renamed for the view link' }) : undefined,
      })
      return { status: res.status, text: await res.text() }
    }
    const viewer = await read(board.viewToken)
    expect(viewer.status).toBe(200)
    expect(Object.keys(JSON.parse(viewer.text)).sort()).toEqual(['bet', 'createdAt', 'id', 'role', 'title', 'updatedAt'])
    for (const t of [board.viewToken, board.editToken, board.ownerToken]) expect(viewer.text).not.toContain(t)
    for (const method of ['GET', 'PATCH']) {
      const editor = await read(board.editToken, method)
      expect(editor.status).toBe(200)
      expect(JSON.parse(editor.text)).toMatchObject({ role: 'editor', viewUrl })
      expect(editor.text).not.toContain(board.editToken)
      expect(editor.text).not.toContain(board.ownerToken)
      const owner = await read(board.ownerToken, method)
      expect(JSON.parse(owner.text)).toMatchObject({ role: 'owner', viewUrl })
      expect(owner.text).not.toContain(board.editToken)
      expect(owner.text).not.toContain(board.ownerToken)
    }
  })

  it('errors are JSON {error}', async () => {
    const res = await api(`/api/boards/${board.id}`)
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/json/)
    expect(await res.json()).toEqual({ error: expect.any(String) })
    expect(await (await api('/api/nope')).json()).toEqual({ error: 'not found' })
  })

  it('a plain GET on the websocket route (no upgrade) gets 426 after auth', async () => {
    expect((await api(`/ws/${board.id}?token=${board.viewToken}`)).status).toBe(426)
  })
})

describe('config, health, metrics', () => {
  it('GET /api/config serves the tldraw licence key and nothing secret', async () => {
    const res = await api('/api/config')
    expect(await res.json()).toEqual({ tldrawLicenseKey: 'tl-test-key', trackers: [] })
  })

  it('GET /healthz is 200 and GET /metrics is Prometheus text with the named series', async () => {
    expect((await api('/healthz')).status).toBe(200)
    const res = await api('/metrics', { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    expect(res.headers.get('content-type')).toMatch(/text\/plain/)
    const text = await res.text()
    for (const name of [
      'outcome_board_rooms ',
      'outcome_board_connections ',
      'outcome_board_messages_total{direction="in"} ',
      'outcome_board_messages_total{direction="out"} ',
      'outcome_board_bytes_total{direction="in"} ',
      'outcome_board_store_write_seconds_count ',
      'outcome_board_store_write_seconds_bucket{le="+Inf"} ',
      'outcome_board_dropped_writes_total ',
    ]) {
      expect(text).toContain(name)
    }
    expect(text).toMatch(/^# TYPE outcome_board_store_write_seconds histogram$/m)
  })
})

describe('static client', () => {
  it('without a build, / and /b/:id answer 503 with a page saying to run npm run build', async () => {
    for (const p of ['/', `/b/${board.id}`]) {
      const res = await api(p)
      expect(res.status).toBe(503)
      expect(await res.text()).toContain('npm run build')
    }
  })

  it('with a build, serves files and falls back to index.html for / and /b/*', async () => {
    const clientDir = path.join(tempDir(), 'client')
    fs.mkdirSync(path.join(clientDir, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>outcome board</title>')
    fs.writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'console.log(1)')
    const s = await startTestServer({ clientDir })
    try {
      for (const p of ['/', '/b/AAAAAAAAAAAAAAAA?token=x']) {
        const res = await fetch(`${s.url}${p}`)
        expect(res.status).toBe(200)
        expect(await res.text()).toContain('<title>outcome board</title>')
      }
      const js = await fetch(`${s.url}/assets/app.js`)
      expect(js.status).toBe(200)
      expect(js.headers.get('content-type')).toMatch(/javascript/)
      expect((await fetch(`${s.url}/assets/missing.js`)).status).toBe(404)
      // Tokens travel in page URLs: no Referer leaves an app page, and nothing is sniffed.
      for (const p of ['/', '/b/AAAAAAAAAAAAAAAA?token=x', '/assets/app.js', '/api/config', '/api/boards/x', '/healthz']) {
        const res = await fetch(`${s.url}${p}`)
        expect(res.headers.get('referrer-policy'), p).toBe('no-referrer')
        expect(res.headers.get('x-content-type-options'), p).toBe('nosniff')
      }
      expect((await fetch(`${s.url}/api/boards/x`)).status).toBe(404)
    } finally {
      await s.close()
    }
  })

  it('sends the build\'s compressed twin to a browser that accepts it, and lets hashed assets be cached for good', async () => {
    const clientDir = path.join(tempDir(), 'client')
    fs.mkdirSync(path.join(clientDir, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>outcome board</title>')
    const source = `export const cards = ${JSON.stringify(Array.from({ length: 500 }, (_, i) => `card ${i}`))}\n`
    fs.writeFileSync(path.join(clientDir, 'assets', 'editor-abc123.js'), source)
    fs.writeFileSync(path.join(clientDir, 'assets', 'editor-abc123.js.br'), zlib.brotliCompressSync(source))
    fs.writeFileSync(path.join(clientDir, 'assets', 'editor-abc123.js.gz'), zlib.gzipSync(source))
    fs.writeFileSync(path.join(clientDir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    const s = await startTestServer({ clientDir })
    // Raw bytes and headers, as a browser's network stack sees them (fetch would decode the body itself).
    const get = (p: string, acceptEncoding?: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = http.get(`${s.url}${p}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
        })
        req.on('error', reject)
      })
    try {
      const br = await get('/assets/editor-abc123.js', 'gzip, deflate, br, zstd')
      expect(br.status).toBe(200)
      expect(br.headers['content-encoding']).toBe('br')
      expect(br.headers['content-type']).toMatch(/javascript/)
      expect(br.headers.vary).toMatch(/accept-encoding/i)
      expect(zlib.brotliDecompressSync(br.body).toString()).toBe(source)
      expect(br.body.length).toBeLessThan(source.length / 3)

      const gz = await get('/assets/editor-abc123.js', 'gzip')
      expect(gz.headers['content-encoding']).toBe('gzip')
      expect(zlib.gunzipSync(gz.body).toString()).toBe(source)

      const plain = await get('/assets/editor-abc123.js')
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.body.toString()).toBe(source)

      for (const r of [br, gz, plain]) expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable')
      // Not hashed: the service worker must be checked for updates.
      expect((await get('/sw.js', 'br')).headers['cache-control']).toBe('no-cache')
    } finally {
      await s.close()
    }
  })
})

describe('static client: path traversal', () => {
  /** One raw request line, so `..` and odd escapes reach the server as sent (fetch would normalise them). */
  const rawGet = (base: string, target: string) =>
    new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(base)
      const sock = net.connect(Number(port), hostname, () => sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`))
      let text = ''
      sock.setEncoding('utf8').on('data', (d: string) => (text += d))
      sock.on('end', () => resolve(text))
      sock.on('error', reject)
    })

  it('never serves a file outside CLIENT_DIR', async () => {
    const root = tempDir()
    const clientDir = path.join(root, 'client')
    fs.mkdirSync(path.join(clientDir, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>outcome board</title>')
    fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET-CONTENT')
    const s = await startTestServer({ clientDir })
    try {
      expect(await rawGet(s.url, '/index.html')).toContain('<title>outcome board</title>') // the probe works
      for (const target of [
        '/../secret.txt',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/assets/%2e%2e/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/..%5csecret.txt',
        '/..\\secret.txt',
        '//secret.txt',
        `/${'..%252f'.repeat(3)}secret.txt`,
      ]) {
        const answer = await rawGet(s.url, target)
        expect(answer, target).toMatch(/^HTTP\/1\.1 \d{3}/)
        expect(answer, target).not.toContain('TOP-SECRET-CONTENT')
      }
    } finally {
      await s.close()
    }
  })
})

describe('logs', () => {
  it('are structured JSON and never contain a token', async () => {
    await api(`/api/boards/${board.id}?token=${board.editToken}`)
    await api(`/api/boards/${board.id}`, { headers: { authorization: `Bearer ${board.ownerToken}` } })
    await upgradeStatus(`${server.wsUrl}/${board.id}?token=${board.viewToken}`)
    await upgradeStatus(`${server.wsUrl}/${board.id}?token=wrong-${board.viewToken}`)
    const text = logLines.join('')
    expect(logLines.length).toBeGreaterThan(5)
    for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow()
    expect(text).toContain('token=[redacted]')
    for (const t of [board.ownerToken, board.editToken, board.viewToken]) expect(text).not.toContain(t)
  })

  it('redact a token whose query key is percent-encoded (the router still reads it as the token)', async () => {
    const from = logLines.length
    for (const key of ['%74oken', 'tok%65n', 'TOKEN%20']) {
      await api(`/api/boards/${board.id}?x=1&${key}=${board.ownerToken}`)
    }
    expect((await api(`/api/boards/${board.id}?%74oken=${board.ownerToken}`)).status).toBe(200)
    const text = logLines.slice(from).join('')
    expect(text).toContain('"url"')
    expect(text).not.toContain(board.ownerToken)
  })
})
