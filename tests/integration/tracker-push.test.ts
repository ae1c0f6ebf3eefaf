// The tracker clients against a local HTTP stand-in that checks each request exactly and answers like the
// real GitHub, Jira Cloud and Linear APIs, errors included.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { betPath, lockBet, type LockedBet } from '../../shared/bet'
import { loadTrackersConfig, configuredTrackers, type TrackerName } from '../../server/trackers/config'
import { pushBet } from '../../server/trackers/push'
import { onboardingTree } from '../unit/helpers'
import { MOCK, mockTrackerEnv, startMockTrackers, type MockTrackers } from '../helpers/mock-trackers'

let mock: MockTrackers
let bet: LockedBet
const opts = { boardUrl: 'http://127.0.0.1:8787/b/abc' }

function envFor(url: string, overrides: Record<string, string> = {}) {
  return { ...mockTrackerEnv(url), TRACKER_TIMEOUT_MS: '400', ...overrides }
}

beforeAll(async () => {
  mock = await startMockTrackers()
  const { tree, idOf } = onboardingTree()
  const path = betPath(tree, idOf('Activity digest per board'))
  if (!path.ok) throw new Error(path.reason)
  bet = lockBet(path.path, 'owner: Dana', '2026-11-22T10:00:00.000Z')
})
afterAll(() => mock.close())
beforeEach(() => {
  mock.scenario = 'ok'
  mock.requests.length = 0
  mock.problems.length = 0
})

describe('tracker configuration', () => {
  it('configures only complete trackers and names the missing variable of a half-configured one', () => {
    expect(configuredTrackers(loadTrackersConfig({}))).toEqual([])
    expect(configuredTrackers(loadTrackersConfig(envFor('http://x')))).toEqual(['github', 'jira', 'linear'])
    expect(() => loadTrackersConfig({ GITHUB_TOKEN: 't' })).toThrow(/GITHUB_REPO/)
    expect(() => loadTrackersConfig({ JIRA_BASE_URL: 'ftp://x' })).toThrow(/JIRA_BASE_URL/)
  })
})

describe.each<[TrackerName, string, string]>([
  ['github', 'https://github.com/acme/discovery/issues/42', '#42'],
  ['jira', '/jira/browse/OUT-7', 'OUT-7'],
  ['linear', 'https://linear.app/acme/issue/TEAM-12', 'TEAM-12'],
])('%s', (tracker, url, key) => {
  const config = () => loadTrackersConfig(envFor(mock.url))

  it('sends exactly the request the API expects and returns the issue link and key', async () => {
    const result = await pushBet(tracker, config(), bet, opts)
    expect(mock.problems).toEqual([])
    expect(mock.requests).toHaveLength(1)
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.url.endsWith(url)).toBe(true)
      expect(result.key).toBe(key)
    }
    const sent = JSON.stringify(mock.requests[0].body)
    expect(sent).toContain('Activity digest per board')
    expect(sent).toContain(opts.boardUrl)
  })

  it.each<[MockTrackers['scenario'], RegExp]>([
    ['unauthorized', /reject|credential|token|key|authenticat/i],
    ['not-found', /not found/i],
    ['invalid', /./],
    ['server-error', /trouble|try again|error/i],
    ['html', /\d{3}|trouble/i],
  ])('turns a %s answer into a clear message without leaking credentials', async (scenario, pattern) => {
    mock.scenario = scenario
    const result = await pushBet(tracker, config(), bet, opts)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.message).toMatch(pattern)
      for (const secret of [MOCK.githubToken, MOCK.jiraToken, MOCK.linearKey]) expect(result.message).not.toContain(secret)
    }
  })

  it('gives up after the timeout when the tracker hangs', async () => {
    mock.scenario = 'hang'
    const result = await pushBet(tracker, config(), bet, opts)
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/did not answer/) })
  })

  it('says so when the tracker is not configured', async () => {
    const result = await pushBet(tracker, loadTrackersConfig({}), bet, opts)
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/not configured/) })
  })
})

describe('credentials in a tracker URL', () => {
  it('are refused at start, without echoing them', () => {
    for (const [name, url] of [
      ['JIRA_BASE_URL', 'https://pm:hunter2@acme.atlassian.net'],
      ['GITHUB_API_URL', 'https://x:hunter2@github.example.com/api/v3'],
      ['LINEAR_API_URL', 'https://hunter2@linear.example.com/graphql'],
    ]) {
      let message = ''
      try {
        loadTrackersConfig(envFor('http://x', { [name]: url }))
      } catch (err) {
        message = (err as Error).message
      }
      expect(message).toMatch(new RegExp(`${name}: .*credentials`))
      expect(message).not.toContain('hunter2')
    }
  })

  it('never reach the push result (the browser and the log) when a URL carries them anyway', async () => {
    const config = loadTrackersConfig(envFor(mock.url))
    config.github = { ...config.github!, apiUrl: 'http://pm:hunter2@127.0.0.1:1/api' }
    config.jira = { ...config.jira!, baseUrl: 'http://pm:hunter2@127.0.0.1:1/jira' }
    for (const tracker of ['github', 'jira'] as const) {
      const result = await pushBet(tracker, config, bet, opts)
      expect(result).toEqual({ ok: false, message: expect.stringMatching(/Could not reach/) })
      if (!result.ok) expect(result.message).not.toContain('hunter2')
    }
  })
})

it('reports an unreachable tracker by its network error', async () => {
  const closed = await startMockTrackers()
  await closed.close() // a port nobody listens on any more
  const result = await pushBet('github', loadTrackersConfig(envFor(closed.url)), bet, opts)
  expect(result).toEqual({ ok: false, message: expect.stringMatching(/Could not reach GitHub \(ECONNREFUSED\)/) })
})
