// Starts a real server in-process on a random port with a temp DATA_DIR, plus small HTTP helpers.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningServer, type StartOptions, startServer } from '../../server/server'
import type { CreatedBoard } from '../../shared/api'

export interface TestServer extends RunningServer {
  dataDir: string
  wsUrl: string
}

export function tempDir(prefix = 'ob-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** The METRICS_TOKEN every test server gets unless a test sets its own; metric() sends it. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789'

/** Fast timers and a silent log unless overridden; reuses `dataDir` when given (restart tests). */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir()
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    roomGraceMs: 200,
    clientDir: path.join(dataDir, 'no-client-build'),
    metricsToken: TEST_METRICS_TOKEN,
    ...options,
    dataDir,
  })
  return { ...server, dataDir, wsUrl: server.url.replace(/^http/, 'ws') + '/ws' }
}

export type { CreatedBoard }

/** A board made through the API: empty, or seeded with `tree` ({ title, roots }, as an import takes it). */
export async function createBoard(baseUrl: string, title = 'Test board', tree?: unknown): Promise<CreatedBoard> {
  const res = await fetch(`${baseUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tree === undefined ? { title } : { title, tree }),
  })
  if (res.status !== 201) throw new Error(`create board: ${res.status} ${await res.text()}`)
  return (await res.json()) as CreatedBoard
}

/** A board seeded with `tree`, titled as the tree is unless `title` says otherwise. */
export const createSeededBoard = (baseUrl: string, tree: { title: string; roots: readonly unknown[] }, title = tree.title): Promise<CreatedBoard> =>
  createBoard(baseUrl, title, tree)

/** Reads one sample from /metrics, e.g. metric(url, 'outcome_board_rooms'). */
export async function metric(baseUrl: string, name: string): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`)
  const text = await res.text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  if (!line) throw new Error(`metric ${name} not found`)
  return Number(line.slice(name.length + 1))
}

export interface ApiAnswer {
  status: number
  /** The body parsed as JSON, or null when it is not JSON (md, csv answers). */
  json: any
  text: string
  headers: Headers
}

/** Calls the JSON API of the server at `baseUrl()` with an optional Bearer token and body (a string is sent
 *  as it is, anything else as JSON). */
export function jsonApi(baseUrl: () => string) {
  return async (method: string, url: string, token?: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${baseUrl()}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, text, headers: res.headers }
  }
}
