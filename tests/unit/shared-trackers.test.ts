import { describe, expect, it } from 'vitest'
import {
  GITHUB_TITLE_MAX, LINEAR_ISSUE_CREATE, base64Utf8, githubIssueRequest, jiraIssueRequest, linearIssueRequest,
  parseGithubResponse, parseJiraResponse, parseLinearResponse,
} from '../../shared/trackers'
import { betIssueBody, betPath, lockBet } from '../../shared/bet'
import type { LockedBet } from '../../shared/bet'
import { markdownToAdf } from '../../shared/adf'
import { onboardingTree } from './helpers'

const opts = { boardUrl: 'https://board.example/b/1' }
function makeBet(): LockedBet {
  const { tree, idOf } = onboardingTree()
  const p = betPath(tree, idOf('Mention a teammate on any card'))
  if (!p.ok) throw new Error(p.reason)
  return lockBet(p.path, 'Ana', '2025-02-03T04:05:06.000Z')
}
const bet = makeBet()

describe('githubIssueRequest', () => {
  it('builds the REST call', () => {
    expect(githubIssueRequest({ repo: 'acme/discovery', token: 'ghp_x' }, bet, opts)).toEqual({
      url: 'https://api.github.com/repos/acme/discovery/issues',
      method: 'POST',
      headers: {
        Authorization: 'Bearer ghp_x',
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'Content-Type': 'application/json',
      },
      body: { title: 'Mention a teammate on any card', body: betIssueBody(bet, opts), labels: ['outcome-board'] },
    })
  })
  it('honours an API URL override and truncates the title', () => {
    const r = githubIssueRequest({ repo: 'a/b', token: 't', apiUrl: 'http://127.0.0.1:9999/api/' }, { ...bet, title: 'x'.repeat(500) }, opts)
    expect(r.url).toBe('http://127.0.0.1:9999/api/repos/a/b/issues')
    expect(r.body.title).toHaveLength(GITHUB_TITLE_MAX)
    expect(r.body.title.endsWith('…')).toBe(true)
  })
  it('refuses a malformed repo', () => {
    expect(() => githubIssueRequest({ repo: 'justname', token: 't' }, bet, opts)).toThrow(/owner\/name/)
    expect(() => githubIssueRequest({ repo: 'a/b/c', token: 't' }, bet, opts)).toThrow()
  })
})

describe('parseGithubResponse', () => {
  it('reads a created issue', () => {
    expect(parseGithubResponse(201, { html_url: 'https://github.com/a/b/issues/7', number: 7 })).toEqual({ ok: true, url: 'https://github.com/a/b/issues/7', key: '#7' })
  })
  it('explains failures', () => {
    expect(parseGithubResponse(401, { message: 'Bad credentials' })).toEqual({ ok: false, message: 'GitHub rejected the token (401): Bad credentials' })
    expect(parseGithubResponse(403, {})).toMatchObject({ ok: false, message: expect.stringMatching(/403/) })
    expect(parseGithubResponse(404, { message: 'Not Found' })).toEqual({ ok: false, message: 'GitHub: repository not found or token lacks access (404)' })
    expect(parseGithubResponse(422, { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }, { message: 'labels are bad' }] })).toEqual({
      ok: false,
      message: 'GitHub could not validate the issue (422): Validation Failed; title missing_field; labels are bad',
    })
    expect(parseGithubResponse(502, null)).toEqual({ ok: false, message: 'GitHub is having trouble (502); try again later' })
    expect(parseGithubResponse(201, {})).toMatchObject({ ok: false })
    expect(parseGithubResponse(418, 'teapot')).toEqual({ ok: false, message: 'GitHub answered 418' })
  })
})

describe('jiraIssueRequest', () => {
  it('builds the v3 call with basic auth and an ADF description', () => {
    const r = jiraIssueRequest({ baseUrl: 'https://acme.atlassian.net/', email: 'ana@acme.io', apiToken: 'tok', project: 'OB' }, bet, opts)
    expect(r.url).toBe('https://acme.atlassian.net/rest/api/3/issue')
    expect(r.method).toBe('POST')
    expect(r.headers.Authorization).toBe(`Basic ${Buffer.from('ana@acme.io:tok').toString('base64')}`)
    expect(r.headers['Content-Type']).toBe('application/json')
    expect(r.body).toEqual({
      fields: {
        project: { key: 'OB' },
        summary: 'Mention a teammate on any card',
        issuetype: { name: 'Story' },
        description: markdownToAdf(betIssueBody(bet, opts)),
      },
    })
    expect(r.body.fields.description).toMatchObject({ type: 'doc', version: 1 })
  })
  it('encodes non-ASCII credentials as UTF-8 and caps the summary at 255 on one line', () => {
    const r = jiraIssueRequest({ baseUrl: 'https://j', email: 'zoë@ex.io', apiToken: 'tøk', project: 'OB' }, { ...bet, title: 'line\n' + 'y'.repeat(300) }, opts)
    expect(r.headers.Authorization).toBe(`Basic ${Buffer.from('zoë@ex.io:tøk', 'utf8').toString('base64')}`)
    expect(Array.from(r.body.fields.summary)).toHaveLength(255)
    expect(r.body.fields.summary).not.toContain('\n')
  })
  it('base64Utf8 matches Buffer', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'héllo wörld', '日本語:🔑']) expect(base64Utf8(s)).toBe(Buffer.from(s, 'utf8').toString('base64'))
  })
})

describe('parseJiraResponse', () => {
  it('reads a created issue', () => {
    expect(parseJiraResponse(201, { id: '10000', key: 'OB-12', self: 'https://j/rest/api/3/issue/10000' }, 'https://acme.atlassian.net/')).toEqual({
      ok: true,
      key: 'OB-12',
      url: 'https://acme.atlassian.net/browse/OB-12',
    })
  })
  it('explains failures with Jira’s messages', () => {
    expect(parseJiraResponse(400, { errorMessages: [], errors: { project: 'valid project is required' } }, 'https://j')).toEqual({
      ok: false,
      message: 'Jira rejected the issue (400): project: valid project is required',
    })
    expect(parseJiraResponse(401, {}, 'https://j')).toEqual({ ok: false, message: 'Jira rejected the email or API token (401)' })
    expect(parseJiraResponse(403, { errorMessages: ['No permission'] }, 'https://j')).toMatchObject({ ok: false, message: expect.stringContaining('No permission') })
    expect(parseJiraResponse(404, null, 'https://j')).toMatchObject({ ok: false, message: expect.stringMatching(/not found/) })
    expect(parseJiraResponse(503, {}, 'https://j')).toEqual({ ok: false, message: 'Jira is having trouble (503); try again later' })
    expect(parseJiraResponse(201, {}, 'https://j')).toMatchObject({ ok: false })
  })
})

describe('linearIssueRequest', () => {
  it('builds the GraphQL mutation with a bare API key', () => {
    expect(linearIssueRequest({ apiKey: 'lin_api_x', teamId: 'team-1' }, bet, opts)).toEqual({
      url: 'https://api.linear.app/graphql',
      method: 'POST',
      headers: { Authorization: 'lin_api_x', 'Content-Type': 'application/json' },
      body: {
        query: 'mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url } } }',
        variables: { input: { teamId: 'team-1', title: 'Mention a teammate on any card', description: betIssueBody(bet, opts) } },
      },
    })
    expect(LINEAR_ISSUE_CREATE).toContain('issueCreate')
  })
  it('honours an API URL override', () => {
    expect(linearIssueRequest({ apiKey: 'k', teamId: 't', apiUrl: 'http://127.0.0.1:1/graphql' }, bet, opts).url).toBe('http://127.0.0.1:1/graphql')
  })
})

describe('parseLinearResponse', () => {
  it('reads a created issue', () => {
    expect(parseLinearResponse(200, { data: { issueCreate: { success: true, issue: { id: 'u', identifier: 'ENG-42', url: 'https://linear.app/x/issue/ENG-42' } } } })).toEqual({
      ok: true,
      url: 'https://linear.app/x/issue/ENG-42',
      key: 'ENG-42',
    })
  })
  it('explains failures', () => {
    expect(parseLinearResponse(400, { errors: [{ message: 'Authentication required, not authenticated', extensions: { code: 'AUTHENTICATION_ERROR' } }] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Linear rejected the API key/),
    })
    expect(parseLinearResponse(200, { errors: [{ message: 'Argument Validation Error' }], data: null })).toEqual({ ok: false, message: 'Linear refused the issue: Argument Validation Error' })
    expect(parseLinearResponse(200, { data: { issueCreate: { success: false, issue: null } } })).toEqual({ ok: false, message: 'Linear did not create the issue (success: false)' })
    expect(parseLinearResponse(500, {})).toMatchObject({ ok: false, message: expect.stringMatching(/trouble/) })
    expect(parseLinearResponse(200, {})).toMatchObject({ ok: false })
  })
})
