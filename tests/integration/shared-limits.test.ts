// Rate limits shared by several processes through Redis (rate-limiter-flexible): one client's burst is one
// burst whichever process it reaches; with Redis away every process limits on its own (in memory) and
// serves, never failing a request; /metrics is prom-client's, with each process's own label.
// Other addresses come from 127.0.0.x (on Linux the whole 127/8 is loopback).
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Cluster, missingForProcesses, PROCESSES_METRICS_TOKEN, startCluster } from '../helpers/processes'
import { waitFor } from '../helpers/wait'

const missing = await missingForProcesses()
const BURST = 8

function get(url: string, from: string) {
  return new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
    const req = http.request(url, { localAddress: from, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe.skipIf(missing.length > 0)('rate limits across processes (Redis)', () => {
  let cluster: Cluster
  beforeAll(async () => {
    // BURST requests per BURST seconds: far longer than these requests take.
    cluster = await startCluster({ processes: 2, nginx: false, env: { API_RATE: '1', API_BURST: String(BURST) } })
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })
  const url = (i: number) => `${cluster.procs[i].url}/api/config`

  it('one client has one burst across both processes; other clients are unaffected', async () => {
    for (let i = 0; i < BURST; i++) expect((await get(url(i % 2), '127.0.0.2')).status).toBe(200)
    for (const i of [0, 1]) {
      const refused = await get(url(i), '127.0.0.2')
      expect(refused.status).toBe(429)
      expect(refused.retryAfter).toMatch(/^[1-9]\d*$/)
      expect(JSON.parse(refused.body)).toEqual({ error: expect.stringMatching(/too many requests/) })
    }
    expect((await get(url(1), '127.0.0.3')).status).toBe(200)
  })

  it('with Redis away each process limits on its own and still serves; shared again when it is back', async () => {
    await cluster.redis.stop()
    await waitFor(async () => (await (await fetch(`${cluster.procs[0].url}/healthz`)).json()).degraded, { what: 'degraded' })
    for (let i = 0; i < BURST; i++) expect((await get(url(0), '127.0.0.4')).status).toBe(200)
    expect((await get(url(0), '127.0.0.4')).status).toBe(429) // process A's own count
    expect((await get(url(1), '127.0.0.4')).status).toBe(200) // B counts apart while Redis is away
    await cluster.restartRedis()
    await waitFor(async () => !(await (await fetch(`${cluster.procs[1].url}/healthz`)).json()).degraded, { what: 'healthy again', timeout: 20_000 })
    // The limits' own connection is back too: a fresh client's burst is shared again.
    await waitFor(
      async () => {
        const from = `127.0.0.${10 + Math.floor(Math.random() * 200)}`
        for (let i = 0; i < BURST; i++) if ((await get(url(i % 2), from)).status !== 200) return false
        return (await get(url(1), from)).status === 429 && (await get(url(0), from)).status === 429
      },
      { what: 'one shared burst again', timeout: 20_000, interval: 200 },
    )
  })

  it('/metrics is prom-client’s: process metrics labelled with each process’s own id', async () => {
    const labels = await Promise.all(
      cluster.procs.map(async (p) => {
        const res = await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${PROCESSES_METRICS_TOKEN}` } })
        expect(res.status).toBe(200)
        const text = await res.text()
        expect(text).toMatch(/^outcome_board_http_rate_limited_total \d+$/m)
        expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{process="[^"]+"\} /m)
        expect(text).toMatch(/^nodejs_heap_size_used_bytes\{process="[^"]+"\} /m)
        return /^outcome_board_process_info\{process="([^"]+)"\} 1$/m.exec(text)?.[1]
      }),
    )
    expect(labels[0]).toBeTruthy()
    expect(labels[1]).toBeTruthy()
    expect(labels[0]).not.toBe(labels[1])
  })
})
