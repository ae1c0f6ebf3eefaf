// A local stand-in for GitHub, Jira Cloud and Linear: one HTTP server on a random loopback port that checks
// each request exactly (path, headers, body shape) and answers like the real API — including its errors.
// Tests pick the answer with `mock.next = {...}`; every request is recorded for assertions.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: any
}

export type Scenario = 'ok' | 'unauthorized' | 'not-found' | 'invalid' | 'server-error' | 'hang' | 'html'

export interface MockTrackers {
  url: string
  requests: RecordedRequest[]
  /** The answer for the next requests (default 'ok'). */
  scenario: Scenario
  /** Problems found in a request's shape; a well-formed request leaves this empty. */
  problems: string[]
  close(): Promise<void>
}

export const MOCK = {
  githubToken: 'ghp_mocktoken123',
  githubRepo: 'acme/discovery',
  jiraEmail: 'pm@acme.test',
  jiraToken: 'jira-secret-token',
  jiraProject: 'OUT',
  linearKey: 'lin_api_mockkey',
  linearTeam: 'team-123',
}

/** The tracker environment variables pointing at a stand-in on `url`, for the trackers named. */
export function mockTrackerEnv(url: string, trackers: readonly ('github' | 'jira' | 'linear')[] = ['github', 'jira', 'linear']): Record<string, string> {
  const env: Record<string, string> = {}
  if (trackers.includes('github')) {
    Object.assign(env, { GITHUB_TOKEN: MOCK.githubToken, GITHUB_REPO: MOCK.githubRepo, GITHUB_API_URL: `${url}/github` })
  }
  if (trackers.includes('jira')) {
    Object.assign(env, {
      JIRA_BASE_URL: `${url}/jira`,
      JIRA_EMAIL: MOCK.jiraEmail,
      JIRA_API_TOKEN: MOCK.jiraToken,
      JIRA_PROJECT: MOCK.jiraProject,
    })
  }
  if (trackers.includes('linear')) {
    Object.assign(env, { LINEAR_API_KEY: MOCK.linearKey, LINEAR_TEAM_ID: MOCK.linearTeam, LINEAR_API_URL: `${url}/linear/graphql` })
  }
  return env
}

export async function startMockTrackers(): Promise<MockTrackers> {
  const state: MockTrackers = { url: '', requests: [], scenario: 'ok', problems: [], close: async () => {} }
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let body: any = null
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      state.problems.push(`${req.url}: body is not JSON`)
    }
    const path = req.url ?? ''
    state.requests.push({ method: req.method ?? '', path, headers: req.headers, body })
    if (state.scenario === 'hang') return // never answers: the client's timeout must fire
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(json))
    }
    if (state.scenario === 'html') {
      res.writeHead(502, { 'Content-Type': 'text/html' })
      res.end('<html><body>Bad gateway</body></html>')
      return
    }
    if (path.startsWith('/github/')) return github(path, req, body, state, send)
    if (path.startsWith('/jira/')) return jira(path, req, body, state, send)
    if (path === '/linear/graphql') return linear(req, body, state, send)
    send(404, { message: 'Not Found' })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  return state
}

type Send = (status: number, json: unknown) => void

function github(path: string, req: http.IncomingMessage, body: any, state: MockTrackers, send: Send) {
  const expect = (ok: boolean, what: string) => ok || state.problems.push(`github: ${what}`)
  expect(req.method === 'POST', 'method must be POST')
  expect(path === `/github/repos/${MOCK.githubRepo}/issues`, `unexpected path ${path}`)
  expect(req.headers.accept === 'application/vnd.github+json', 'Accept header')
  expect(req.headers['x-github-api-version'] === '2022-11-28', 'X-GitHub-Api-Version header')
  expect(typeof body?.title === 'string' && body.title.length > 0 && body.title.length <= 256, 'title')
  expect(typeof body?.body === 'string', 'body')
  if (req.headers.authorization !== `Bearer ${MOCK.githubToken}` || state.scenario === 'unauthorized') {
    return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
  }
  if (state.scenario === 'not-found') return send(404, { message: 'Not Found', status: '404' })
  if (state.scenario === 'invalid') {
    return send(422, { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }], status: '422' })
  }
  if (state.scenario === 'server-error') return send(503, { message: 'Service Unavailable' })
  send(201, { id: 1, number: 42, html_url: `https://github.com/${MOCK.githubRepo}/issues/42`, title: body.title })
}

function jira(path: string, req: http.IncomingMessage, body: any, state: MockTrackers, send: Send) {
  const expect = (ok: boolean, what: string) => ok || state.problems.push(`jira: ${what}`)
  expect(req.method === 'POST', 'method must be POST')
  expect(path === '/jira/rest/api/3/issue', `unexpected path ${path}`)
  const fields = body?.fields
  expect(fields?.project?.key === MOCK.jiraProject, 'fields.project.key')
  expect(typeof fields?.summary === 'string' && fields.summary.length > 0 && fields.summary.length <= 255, 'fields.summary')
  expect(typeof fields?.issuetype?.name === 'string', 'fields.issuetype.name')
  const doc = fields?.description
  expect(doc?.type === 'doc' && doc?.version === 1 && Array.isArray(doc?.content) && doc.content.length > 0, 'description must be ADF')
  expect(!JSON.stringify(doc ?? {}).includes('"text":""'), 'ADF must not contain empty text nodes')
  const basic = 'Basic ' + Buffer.from(`${MOCK.jiraEmail}:${MOCK.jiraToken}`).toString('base64')
  if (req.headers.authorization !== basic || state.scenario === 'unauthorized') {
    // Jira Cloud answers a bad token with 401 and this body.
    return send(401, { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} })
  }
  if (state.scenario === 'not-found') return send(404, { errorMessages: ['No project could be found with key \'OUT\'.'], errors: {} })
  if (state.scenario === 'invalid') return send(400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } })
  if (state.scenario === 'server-error') return send(500, { errorMessages: ['Internal server error'] })
  send(201, { id: '10042', key: `${MOCK.jiraProject}-7`, self: `${state.url}/jira/rest/api/3/issue/10042` })
}

function linear(req: http.IncomingMessage, body: any, state: MockTrackers, send: Send) {
  const expect = (ok: boolean, what: string) => ok || state.problems.push(`linear: ${what}`)
  expect(req.method === 'POST', 'method must be POST')
  expect(typeof body?.query === 'string' && /issueCreate\s*\(\s*input:\s*\$input\s*\)/.test(body.query), 'issueCreate mutation')
  expect(/success\s+issue\s*\{\s*id\s+identifier\s+url\s*\}/.test(body?.query ?? ''), 'selection set')
  const input = body?.variables?.input
  expect(input?.teamId === MOCK.linearTeam, 'variables.input.teamId')
  expect(typeof input?.title === 'string' && input.title.length > 0, 'variables.input.title')
  expect(typeof input?.description === 'string', 'variables.input.description')
  if (req.headers.authorization !== MOCK.linearKey || state.scenario === 'unauthorized') {
    // Linear answers a bad key with 400 and an AUTHENTICATION_ERROR in the GraphQL errors.
    return send(400, {
      errors: [{ message: 'Authentication required, not authenticated', extensions: { code: 'AUTHENTICATION_ERROR', type: 'authentication error' } }],
    })
  }
  if (state.scenario === 'not-found' || state.scenario === 'invalid') {
    return send(200, { data: null, errors: [{ message: 'Entity not found: Team', extensions: { code: 'INVALID_INPUT' } }] })
  }
  if (state.scenario === 'server-error') return send(500, { errors: [{ message: 'Internal error' }] })
  send(200, { data: { issueCreate: { success: true, issue: { id: 'uuid-1', identifier: 'TEAM-12', url: 'https://linear.app/acme/issue/TEAM-12' } } } })
}
