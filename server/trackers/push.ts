// Sends a locked bet to one tracker. The payload and the meaning of the answer come from shared/trackers.ts
// (pure, unit-tested); this file only does the I/O: fetch with a timeout, and network failures turned into
// messages a facilitator can act on. Credentials never appear in a message.
import type { BetExportOptions, LockedBet } from '../../shared/bet'
import {
  githubIssueRequest,
  jiraIssueRequest,
  linearIssueRequest,
  parseGithubResponse,
  parseJiraResponse,
  parseLinearResponse,
  type TrackerRequest,
  type TrackerResult,
} from '../../shared/trackers'
import type { TrackerName, TrackersConfig } from './config'

const LABELS: Record<TrackerName, string> = { github: 'GitHub', jira: 'Jira', linear: 'Linear' }

/** Largest tracker answer we read; a misbehaving endpoint can't make us buffer megabytes. */
const MAX_RESPONSE_BYTES = 1024 * 1024

export async function pushBet(
  tracker: TrackerName,
  config: TrackersConfig,
  bet: LockedBet,
  opts: BetExportOptions,
  fetchImpl: typeof fetch = fetch,
): Promise<TrackerResult> {
  const label = LABELS[tracker]
  let request: TrackerRequest
  let parse: (status: number, json: unknown) => TrackerResult
  if (tracker === 'github' && config.github) {
    request = githubIssueRequest(config.github, bet, opts)
    parse = parseGithubResponse
  } else if (tracker === 'jira' && config.jira) {
    const jira = config.jira
    request = jiraIssueRequest(jira, bet, opts)
    parse = (status, json) => parseJiraResponse(status, json, jira.baseUrl)
  } else if (tracker === 'linear' && config.linear) {
    request = linearIssueRequest(config.linear, bet, opts)
    parse = parseLinearResponse
  } else {
    return { ok: false, message: `${label} is not configured on this server` }
  }

  let response: Response
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(config.timeoutMs),
      redirect: 'error',
    })
  } catch (err) {
    const name = (err as Error)?.name
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, message: `${label} did not answer within ${Math.round(config.timeoutMs / 1000)} s; try again later` }
    }
    return { ok: false, message: `Could not reach ${label} (${networkReason(err)})` }
  }
  return parse(response.status, await readJson(response))
}

/** The tracker's JSON answer, or null when it sent something else (an HTML error page, nothing). */
async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text()
    if (text.length > MAX_RESPONSE_BYTES) return null
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** A short reason for a failed request. Error messages may quote the request URL (undici does), so any URL
 *  in them is cut out: it can carry a secret, and this text reaches the browser and the log. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause
  const reason = cause?.code ?? cause?.message ?? (err as Error)?.message ?? 'network error'
  return reason.replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '<url>')
}
