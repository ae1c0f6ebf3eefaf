// Tracker payloads and response parsing, pure: the server does the fetch, these say what to send and
// what the answer means. Keeping them here lets tests pin the exact wire format of each tracker.

import { JIRA_SUMMARY_MAX, betIssueBody, betIssueTitle, truncate } from './bet'
import type { BetExportOptions, LockedBet, TrackerName } from './bet'
import { markdownToAdf } from './adf'
import type { AdfDoc } from './adf'

// The tracker names and the push record are the bet's (shared/bet.ts); they are read from here too.
export { TRACKERS } from './bet'
export type { TrackerName, TrackerPush } from './bet'

export const GITHUB_TITLE_MAX = 256
export const LINEAR_TITLE_MAX = 255
export const TRACKER_LABEL = 'outcome-board'

export interface TrackerRequest<B = unknown> {
  url: string
  method: 'POST'
  headers: Record<string, string>
  body: B
}

export type TrackerResult = { ok: true; url: string; key: string } | { ok: false; message: string }

const trimSlash = (url: string) => url.replace(/\/+$/, '')

/** base64 of the UTF-8 bytes (btoa alone throws on non-Latin-1 characters; Buffer is Node-only). */
export function base64Utf8(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

// ---- GitHub ----

export interface GithubConfig {
  /** 'owner/name' (GITHUB_REPO). */
  repo: string
  token: string
  apiUrl?: string
}
export interface GithubIssueBody {
  title: string
  body: string
  labels: string[]
}

export function githubIssueRequest(config: GithubConfig, bet: LockedBet, opts: BetExportOptions): TrackerRequest<GithubIssueBody> {
  const parts = config.repo.split('/')
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error('GitHub repository must look like "owner/name"')
  const [owner, name] = parts.map(encodeURIComponent)
  return {
    url: `${trimSlash(config.apiUrl || 'https://api.github.com')}/repos/${owner}/${name}/issues`,
    method: 'POST',
    headers: {
      Authorization: `Bearer ${config.token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'Content-Type': 'application/json',
    },
    body: { title: truncate(betIssueTitle(bet), GITHUB_TITLE_MAX), body: betIssueBody(bet, opts), labels: [TRACKER_LABEL] },
  }
}

const record = (json: unknown): Record<string, unknown> => (json && typeof json === 'object' ? (json as Record<string, unknown>) : {})
const str = (v: unknown) => (typeof v === 'string' ? v : '')

export function parseGithubResponse(status: number, json: unknown): TrackerResult {
  const j = record(json)
  if ((status === 201 || status === 200) && typeof j.html_url === 'string' && typeof j.number === 'number') {
    return { ok: true, url: j.html_url, key: `#${j.number}` }
  }
  const said = str(j.message)
  const detail = said ? `: ${said}` : ''
  if (status === 401) return { ok: false, message: `GitHub rejected the token (401)${detail}` }
  if (status === 403) return { ok: false, message: `GitHub refused the request (403): the token may lack permission to create issues, or a rate limit was hit${detail}` }
  if (status === 404) return { ok: false, message: 'GitHub: repository not found or token lacks access (404)' }
  if (status === 410) return { ok: false, message: 'GitHub: issues are disabled for this repository (410)' }
  if (status === 422) {
    const errors = Array.isArray(j.errors) ? j.errors.map((e) => str(record(e).message) || [str(record(e).field), str(record(e).code)].filter(Boolean).join(' ')).filter(Boolean) : []
    return { ok: false, message: `GitHub could not validate the issue (422): ${[said, ...errors].filter(Boolean).join('; ') || 'no details given'}` }
  }
  if (status >= 500) return { ok: false, message: `GitHub is having trouble (${status}); try again later` }
  if (status >= 200 && status < 300) return { ok: false, message: 'GitHub answered without an issue URL' }
  return { ok: false, message: `GitHub answered ${status}${detail}` }
}

// ---- Jira Cloud ----

export interface JiraConfig {
  baseUrl: string
  email: string
  apiToken: string
  /** Project key, e.g. 'OB'. */
  project: string
}
export interface JiraIssueBody {
  fields: { project: { key: string }; summary: string; issuetype: { name: string }; description: AdfDoc }
}

export function jiraIssueRequest(config: JiraConfig, bet: LockedBet, opts: BetExportOptions): TrackerRequest<JiraIssueBody> {
  return {
    url: `${trimSlash(config.baseUrl)}/rest/api/3/issue`,
    method: 'POST',
    headers: {
      Authorization: `Basic ${base64Utf8(`${config.email}:${config.apiToken}`)}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: {
      fields: {
        project: { key: config.project },
        summary: truncate(betIssueTitle(bet), JIRA_SUMMARY_MAX), // Jira refuses longer summaries and newlines
        issuetype: { name: 'Story' },
        description: markdownToAdf(betIssueBody(bet, opts)),
      },
    },
  }
}

/** Jira's error shape: `errorMessages: string[]` plus `errors: {field: message}`. */
function jiraErrors(j: Record<string, unknown>): string {
  const list = Array.isArray(j.errorMessages) ? j.errorMessages.map(str).filter(Boolean) : []
  for (const [field, message] of Object.entries(record(j.errors))) list.push(`${field}: ${str(message) || String(message)}`)
  return list.join('; ')
}

export function parseJiraResponse(status: number, json: unknown, baseUrl: string): TrackerResult {
  const j = record(json)
  if ((status === 201 || status === 200) && typeof j.key === 'string' && j.key) {
    return { ok: true, key: j.key, url: `${trimSlash(baseUrl)}/browse/${encodeURIComponent(j.key)}` }
  }
  const details = jiraErrors(j)
  const detail = details ? `: ${details}` : ''
  if (status === 401) return { ok: false, message: `Jira rejected the email or API token (401)${detail}` }
  if (status === 403) return { ok: false, message: `Jira refused: the account may not create issues in this project (403)${detail}` }
  if (status === 404) return { ok: false, message: `Jira: site or project not found (404)${detail}` }
  if (status === 400) return { ok: false, message: `Jira rejected the issue (400)${detail}` }
  if (status >= 500) return { ok: false, message: `Jira is having trouble (${status}); try again later` }
  if (status >= 200 && status < 300) return { ok: false, message: 'Jira answered without an issue key' }
  return { ok: false, message: `Jira answered ${status}${detail}` }
}

// ---- Linear ----

export const LINEAR_ISSUE_CREATE =
  'mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url } } }'

export interface LinearConfig {
  apiKey: string
  teamId: string
  apiUrl?: string
}
export interface LinearIssueBody {
  query: string
  variables: { input: { teamId: string; title: string; description: string } }
}

export function linearIssueRequest(config: LinearConfig, bet: LockedBet, opts: BetExportOptions): TrackerRequest<LinearIssueBody> {
  return {
    url: config.apiUrl || 'https://api.linear.app/graphql',
    method: 'POST',
    // Personal API keys go bare; "Bearer" is only for OAuth tokens.
    headers: { Authorization: config.apiKey, 'Content-Type': 'application/json' },
    body: {
      query: LINEAR_ISSUE_CREATE,
      variables: { input: { teamId: config.teamId, title: truncate(betIssueTitle(bet), LINEAR_TITLE_MAX), description: betIssueBody(bet, opts) } },
    },
  }
}

export function parseLinearResponse(status: number, json: unknown): TrackerResult {
  const j = record(json)
  const rawErrors = Array.isArray(j.errors) ? j.errors.map(record) : []
  const errors = rawErrors.map((e) => str(e.message)).filter(Boolean)
  // Linear reports a bad key as HTTP 400 with an AUTHENTICATION_ERROR code, sometimes as 401.
  const authFailed = rawErrors.some((e) => /AUTHENTICATION/i.test(str(record(e.extensions).code)) || /authenticat/i.test(str(e.message)))
  if (status === 401 || authFailed) {
    return { ok: false, message: `Linear rejected the API key (${status})${errors.length ? `: ${errors.join('; ')}` : ''}` }
  }
  if (errors.length) return { ok: false, message: `Linear refused the issue: ${errors.join('; ')}` }
  if (status >= 500) return { ok: false, message: `Linear is having trouble (${status}); try again later` }
  if (status !== 200) return { ok: false, message: `Linear answered ${status}` }
  const created = record(record(j.data).issueCreate)
  const issue = record(created.issue)
  if (created.success !== true) return { ok: false, message: 'Linear did not create the issue (success: false)' }
  if (typeof issue.url !== 'string' || typeof issue.identifier !== 'string') return { ok: false, message: 'Linear answered without an issue URL' }
  return { ok: true, url: issue.url, key: issue.identifier }
}
