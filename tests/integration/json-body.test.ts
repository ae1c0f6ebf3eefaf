// JSON request bodies and board creation's seeds: nesting past MAX_JSON_DEPTH is refused before parsing
// (400), bodies other than creation's are at most JSON_BODY_LIMIT_BYTES (413), a seed has at most
// MAX_SEED_NODES nodes (413), a 5,000-node seed is still accepted (prepared in a worker thread,
// server/seed-pool.ts), and each address may store BOARD_CREATE_BYTES_PER_HOUR of new boards (429 with
// Retry-After). Other addresses come from 127.0.0.x (the whole 127/8 is loopback on Linux).
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'
import { bigTree, countNodes } from '../helpers/big-tree'
import { createBoard, startTestServer, type TestServer } from '../helpers/server'

const servers: TestServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
async function start(options: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(options)
  servers.push(s)
  return s
}

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  json: any
}

/** One request from `from` (a fresh connection, so the address is exact). */
function post(url: string, body: string, { from = '127.0.0.1', method = 'POST', token }: { from?: string; method?: string; token?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    const req = http.request(url, { method, localAddress: from, agent: false, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        let json: any = null
        try {
          json = JSON.parse(text)
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** `{"tree": [[[[…]]]]}`: `depth` levels of arrays. */
const deepBody = (depth: number) => `{"tree":${'['.repeat(depth)}${']'.repeat(depth)}}`

/** A chain of `levels` nested opportunities under an outcome (each level is two JSON levels: node, children). */
function chain(levels: number) {
  let node: Record<string, unknown> = { kind: 'opportunity', title: 'deepest', children: [] }
  for (let i = 1; i < levels - 1; i++) node = { kind: 'opportunity', title: `level ${i}`, children: [node] }
  return { title: 'Chain', roots: [{ kind: 'outcome', title: 'top', children: [node] }] }
}

describe('JSON bodies', () => {
  it('nesting deeper than MAX_JSON_DEPTH (default 128) is refused with 400 before parsing, on every route', async () => {
    const s = await start()
    for (const depth of [200, 2_600_000]) {
      const refused = await post(`${s.url}/api/boards`, deepBody(depth))
      expect(refused.status).toBe(400)
      expect(refused.json).toEqual({ error: 'request body nests deeper than 128 levels' })
    }
    // Brackets inside strings are text, not nesting.
    const inString = await post(`${s.url}/api/boards`, JSON.stringify({ title: '['.repeat(190) }))
    expect(inString.status).toBe(201)
    const b = await createBoard(s.url)
    const patch = await post(`${s.url}/api/boards/${b.id}`, `{"title":"x","extra":${deepBody(300)}}`, { method: 'PATCH', token: b.editToken })
    expect(patch.status).toBe(400)
    expect(patch.json.error).toMatch(/nests deeper than 128 levels/)
    // Bodies other than board creation's are small: JSON_BODY_LIMIT_BYTES (default 64 KiB).
    const big = await post(`${s.url}/api/boards/${b.id}`, JSON.stringify({ title: 'x', pad: 'p'.repeat(70 * 1024) }), { method: 'PATCH', token: b.editToken })
    expect(big.status).toBe(413)
    expect(big.json).toEqual({ error: `request body is larger than ${64 * 1024} bytes` })
    // The deepest tree Tree JSON allows (50 levels) fits under the default.
    expect((await post(`${s.url}/api/boards`, JSON.stringify({ tree: chain(50) }))).status).toBe(201)
  })

  it('a 5,000-node seed is accepted; more nodes than MAX_SEED_NODES are refused with 413', { timeout: 120_000 }, async () => {
    const s = await start()
    const tree = bigTree(5000, 'Notes from the last interview round, summarised.')
    const body = JSON.stringify({ tree })
    expect(body.length).toBeGreaterThan(32 * 1024) // prepared in the worker
    const created = await post(`${s.url}/api/boards`, body)
    expect(created.status).toBe(201)
    expect(created.json.title).toBe('Big tree')
    const read = await fetch(`${s.url}/api/boards/${created.json.id}/tree?token=${created.json.viewToken}`)
    expect(read.status).toBe(200)
    expect(countNodes(((await read.json()) as { roots: { children: unknown[] }[] }).roots)).toBe(5000)

    const capped = await start({ maxSeedNodes: 100 })
    const refused = await post(`${capped.url}/api/boards`, JSON.stringify({ tree: bigTree(101) }))
    expect(refused.status).toBe(413)
    expect(refused.json).toEqual({ error: 'the seed has 101 nodes, more than the 100 allowed' })
    expect((await post(`${capped.url}/api/boards`, JSON.stringify({ tree: bigTree(100) }))).status).toBe(201)
    const outline = ['# Outline', '- Outcome: grow', ...Array.from({ length: 100 }, (_, i) => `  - Opportunity: need ${i}`)].join('\n')
    expect((await post(`${capped.url}/api/boards`, JSON.stringify({ outline }))).status).toBe(413)
  })

  it('seed errors are still clear 422s, from the worker as inline', async () => {
    const s = await start()
    const bad = bigTree(600)
    ;(bad.roots[0].children[3] as { kind: string }).kind = 'planet'
    const fromWorker = await post(`${s.url}/api/boards`, JSON.stringify({ tree: bad }))
    expect(fromWorker.status).toBe(422)
    expect(fromWorker.json.error).toMatch(/^tree: roots\[0\]\.children\[3\]\.kind: unknown kind "planet"/)
    expect(fromWorker.json.errors).toHaveLength(1)
    const inline = await post(`${s.url}/api/boards`, JSON.stringify({ tree: { roots: [{ kind: 'planet', title: 'x' }] } }))
    expect(inline.status).toBe(422)
    expect(inline.json.error).toMatch(/unknown kind "planet"/)
  })
})

describe('board creation disk budget per address', () => {
  it('stops an address at BOARD_CREATE_BYTES_PER_HOUR with 429 and Retry-After; others go on', { timeout: 120_000 }, async () => {
    const s = await start({ boardCreateBytesPerHour: 3 * 1024 * 1024 })
    const body = JSON.stringify({ tree: bigTree(2000, 'n'.repeat(200)) })
    expect(body.length).toBeGreaterThan(512 * 1024)
    const statuses: number[] = []
    let refused: Answer | null = null
    for (let i = 0; i < 10 && !refused; i++) {
      const answer = await post(`${s.url}/api/boards`, body)
      statuses.push(answer.status)
      if (answer.status === 429) refused = answer
    }
    expect(refused).not.toBeNull()
    expect(statuses.slice(0, -1).every((st) => st === 201)).toBe(true)
    expect(statuses.length).toBeGreaterThanOrEqual(2)
    expect(statuses.length).toBeLessThanOrEqual(4) // each stores more than 700 KB of the 3 MiB
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(60)
    expect(refused!.json.error).toMatch(/too many bytes of new boards from this address/)
    expect((await post(`${s.url}/api/boards`, body, { from: '127.0.0.2' })).status).toBe(201)
  })

  it('the new caps are validated at start', () => {
    expect(() => loadConfig({ MAX_JSON_DEPTH: '2' })).toThrow(ConfigError)
    expect(() => loadConfig({ JSON_BODY_LIMIT_BYTES: '12' })).toThrow(/JSON_BODY_LIMIT_BYTES/)
    expect(() => loadConfig({ MAX_SEED_NODES: '5001' })).toThrow(/MAX_SEED_NODES/)
    expect(() => loadConfig({ BOARD_CREATE_BYTES_PER_HOUR: 'lots' })).toThrow(/BOARD_CREATE_BYTES_PER_HOUR/)
    const c = loadConfig({})
    expect([c.maxJsonDepth, c.jsonBodyLimitBytes, c.maxSeedNodes, c.boardCreateBytesPerHour]).toEqual([128, 64 * 1024, 5000, 64 * 1024 * 1024])
  })
})
