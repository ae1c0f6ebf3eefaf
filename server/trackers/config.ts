// Which trackers this server can push to, read from the environment. Credentials stay in this object on
// the server; only the list of configured tracker names ever reaches the browser.
import { z } from 'zod'
import { ConfigError, int, setVars } from '../config'
import type { GithubConfig, JiraConfig, LinearConfig } from '../../shared/trackers'

import { TRACKERS, type TrackerName } from '../../shared/trackers'

export { TRACKERS, type TrackerName }

export interface TrackersConfig {
  github?: GithubConfig
  jira?: JiraConfig
  linear?: LinearConfig
  /** Milliseconds to wait for a tracker before giving up. */
  timeoutMs: number
}

// No user:password@ in the URL: fetch refuses such URLs with an error that quotes the URL, secret and all,
// and credentials belong in the token variables anyway.
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), 'must not contain credentials (user:password@); use the token variables')
const text = z.string().trim().min(1)

const schema = z.object({
  GITHUB_TOKEN: text.optional(),
  GITHUB_REPO: z.string().trim().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name').optional(),
  GITHUB_API_URL: httpUrl.optional(),
  JIRA_BASE_URL: httpUrl.optional(),
  JIRA_EMAIL: text.optional(),
  JIRA_API_TOKEN: text.optional(),
  JIRA_PROJECT: z.string().trim().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'expected a Jira project key such as OUT').optional(),
  LINEAR_API_KEY: text.optional(),
  LINEAR_TEAM_ID: text.optional(),
  LINEAR_API_URL: httpUrl.optional(),
  TRACKER_TIMEOUT_MS: int(100, 120_000).optional(),
})

/** A tracker counts as configured only when all of its required variables are set; a half-configured
 *  tracker is an error at start, so a typo never turns into a silent "not configured". */
export function loadTrackersConfig(env: Record<string, string | undefined>): TrackersConfig {
  const parsed = schema.safeParse(setVars(env))
  const problems: string[] = []
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`  ${String(issue.path[0])}: ${issue.message}`)
    throw new ConfigError(`Invalid tracker configuration:\n${problems.join('\n')}`)
  }
  const e = parsed.data
  const group = (name: string, required: Record<string, string | undefined>): boolean => {
    const missing = Object.entries(required).filter(([, v]) => !v).map(([k]) => k)
    if (missing.length === Object.keys(required).length) return false
    if (missing.length) problems.push(`  ${name}: also set ${missing.join(', ')}`)
    return missing.length === 0
  }
  const config: TrackersConfig = { timeoutMs: e.TRACKER_TIMEOUT_MS ?? 15_000 }
  if (group('GitHub', { GITHUB_TOKEN: e.GITHUB_TOKEN, GITHUB_REPO: e.GITHUB_REPO })) {
    config.github = { token: e.GITHUB_TOKEN!, repo: e.GITHUB_REPO!, apiUrl: e.GITHUB_API_URL }
  }
  if (group('Jira', { JIRA_BASE_URL: e.JIRA_BASE_URL, JIRA_EMAIL: e.JIRA_EMAIL, JIRA_API_TOKEN: e.JIRA_API_TOKEN, JIRA_PROJECT: e.JIRA_PROJECT })) {
    config.jira = { baseUrl: e.JIRA_BASE_URL!, email: e.JIRA_EMAIL!, apiToken: e.JIRA_API_TOKEN!, project: e.JIRA_PROJECT! }
  }
  if (group('Linear', { LINEAR_API_KEY: e.LINEAR_API_KEY, LINEAR_TEAM_ID: e.LINEAR_TEAM_ID })) {
    config.linear = { apiKey: e.LINEAR_API_KEY!, teamId: e.LINEAR_TEAM_ID!, apiUrl: e.LINEAR_API_URL }
  }
  if (problems.length) throw new ConfigError(`Incomplete tracker configuration:\n${problems.join('\n')}`)
  return config
}

/** The names safe to show in the UI. */
export function configuredTrackers(config: TrackersConfig): TrackerName[] {
  return TRACKERS.filter((name) => config[name] !== undefined)
}
