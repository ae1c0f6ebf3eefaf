// HTTP floods: a token bucket per client address on /api/*, a stricter one on board creation, 429 with
// {error} and Retry-After, and a bounded memory of addresses. Other addresses come from 127.0.0.x: on
// Linux the whole 127/8 is loopback, so a request can really leave from 127.0.0.2.
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'
import { createBoard, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'

const servers: TestServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
async function start(options: Parameters<typeof startTestServer>[0]) {
  const s = await startTestServer(options)
  servers.push(s)
  return s
}

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One request leaving from `localAddress` (a fresh connection each time, so the address is exact). */
function request(url: string, { method = 'GET', from = '127.0.0.1', body }: { method?: string; from?: string; body?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(url, { method, localAddress: from, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('HTTP rate limits', () => {
  it('answer 429 with {error} and Retry-After once a client has used its burst; others and /healthz are unaffected', async () => {
    const s = await start({ apiRate: 1, apiBurst: 5 })
    const board = await createBoard(s.url) // one request of the burst
    const url = `${s.url}/api/boards/${board.id}?token=${board.viewToken}`
    for (let i = 0; i < 4; i++) expect((await request(url)).status).toBe(200)
    const limited = await request(url)
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/)
    expect(JSON.parse(limited.body)).toEqual({ error: expect.stringMatching(/too many requests/) })
    // Every /api/* route shares the bucket, wrong tokens and unknown boards included.
    expect((await request(`${s.url}/api/boards/AAAAAAAAAAAAAAAA`)).status).toBe(429)
    expect((await request(`${s.url}/api/boards`, { method: 'POST', body: '{}' })).status).toBe(429)

    expect((await request(url, { from: '127.0.0.2' })).status).toBe(200)
    for (let i = 0; i < 20; i++) expect((await request(`${s.url}/healthz`)).status).toBe(200)
    expect(await metric(s.url, 'outcome_board_http_rate_limited_total')).toBe(3)
    // The bucket refills: after Retry-After the client is served again.
    await waitFor(async () => (await request(url)).status === 200, { what: 'the bucket to refill', interval: 200 })
  })

  it('limit board creation more strictly than reads', async () => {
    const s = await start({ boardCreatePerMinute: 3 })
    const boards = []
    for (let i = 0; i < 3; i++) boards.push(await createBoard(s.url))
    const refused = await request(`${s.url}/api/boards`, { method: 'POST', body: '{"title":"one more"}' })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(10) // 60 s / 3 per minute = 20 s
    expect(JSON.parse(refused.body).error).toMatch(/too many boards created/)
    const b = boards[0]
    expect((await request(`${s.url}/api/boards/${b.id}?token=${b.viewToken}`)).status).toBe(200)
    expect((await request(`${s.url}/api/boards`, { method: 'POST', body: '{}', from: '127.0.0.2' })).status).toBe(201)
  })

  it('remember a bounded number of addresses, and forget a client whose bucket has refilled', async () => {
    const capped = await start({ apiRate: 1, apiBurst: 100, rateLimitClients: 3 })
    for (let i = 2; i <= 9; i++) expect((await request(`${capped.url}/api/config`, { from: `127.0.0.${i}` })).status).toBe(200)
    expect(capped.deps.limits.api.size).toBe(3)
    expect(await metric(capped.url, 'outcome_board_rate_limit_clients')).toBe(3)

    const refills = await start({ apiRate: 1_000_000, apiBurst: 1 }) // full again within a microsecond
    for (let i = 2; i <= 9; i++) {
      expect((await request(`${refills.url}/api/config`, { from: `127.0.0.${i}` })).status).toBe(200)
      expect(refills.deps.limits.api.size).toBe(1)
    }
  })

  it('are validated at start like every other setting', () => {
    expect(() => loadConfig({ API_RATE: '0' })).toThrow(ConfigError)
    expect(() => loadConfig({ API_BURST: 'lots' })).toThrow(/API_BURST/)
    expect(() => loadConfig({ BOARD_CREATE_PER_MINUTE: '-1' })).toThrow(/BOARD_CREATE_PER_MINUTE/)
    expect(() => loadConfig({ MAX_BUFFERED_BYTES: '10' })).toThrow(/MAX_BUFFERED_BYTES/)
    const c = loadConfig({ API_RATE: '5', API_BURST: '50', BOARD_CREATE_PER_MINUTE: '6', RATE_LIMIT_CLIENTS: '10' })
    expect([c.apiRate, c.apiBurst, c.boardCreatePerMinute, c.rateLimitClients]).toEqual([5, 50, 6, 10])
    expect(loadConfig({}).maxBufferedBytes).toBe(8 * 1024 * 1024)
  })
})
