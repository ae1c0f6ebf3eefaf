// Issue 4 over HTTP on a real server: seeding a board from Tree JSON or an outline, reading and exporting
// the live tree, locking and unlocking the bet (roles, 409, 422), the decision log, bet exports, and
// pushing to trackers through a local stand-in of their APIs. Live marks are checked with a real provider.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseTreeJson } from '../../shared/formats/tree-json'
import * as Y from 'yjs'
import { YDOC_BOARD } from '../../shared/model'
import { LAYOUT, readRecord, readRecords, recordsRoot, YDOC_RECORDS_V1 } from '../../shared/record-layout'
import { loadTrackersConfig } from '../../server/trackers/config'
import { MOCK, mockTrackerEnv, startMockTrackers, type MockTrackers } from '../helpers/mock-trackers'
import { jsonApi, startTestServer, type TestServer } from '../helpers/server'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { waitFor } from '../helpers/wait'

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures', name), 'utf8')
const onboarding = JSON.parse(fixture('team-onboarding.json'))
const checkout = fixture('checkout-retention.md')

let server: TestServer
let trackers: MockTrackers

interface Seeded {
  id: string
  ownerToken: string
  editToken: string
  viewToken: string
}

const api = jsonApi(() => server.url)

async function seedBoard(seed: Record<string, unknown> = { tree: onboarding }): Promise<Seeded> {
  const res = await api('POST', '/api/boards', undefined, seed)
  expect(res.status).toBe(201)
  return res.json
}

async function solutionId(board: Seeded, title: string): Promise<string> {
  const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
  const walk = (nodes: any[]): any => nodes.flatMap((n) => [n, ...walk(n.children)])
  const node = walk(tree.roots).find((n: any) => n.title === title)
  if (!node) throw new Error(`no node titled ${title}`)
  return node.id
}

beforeAll(async () => {
  trackers = await startMockTrackers()
  server = await startTestServer({
    trackers: loadTrackersConfig(mockTrackerEnv(trackers.url, ['github', 'jira'])),
  })
})
afterEach(() => destroyProviders())
afterAll(async () => {
  await server.close()
  await trackers.close()
})

describe('seeding and exporting the tree', () => {
  it('seeds a board from Tree JSON and exports the same tree back', async () => {
    const board = await seedBoard({ tree: onboarding })
    const info = await api('GET', `/api/boards/${board.id}`, board.viewToken)
    expect(info.json).toMatchObject({ title: 'Team onboarding', role: 'viewer', bet: null })
    const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
    const again = parseTreeJson(tree)
    const original = parseTreeJson(onboarding)
    expect(again.ok && original.ok).toBe(true)
    const strip = (v: unknown) => JSON.parse(JSON.stringify(v, (k, val) => (k === 'id' ? undefined : val)))
    if (again.ok && original.ok) expect(strip(again.value)).toEqual(strip(original.value))
  })

  it('seeds from a markdown outline and exports md, json and csv', async () => {
    const board = await seedBoard({ outline: checkout })
    const md = await api('GET', `/api/boards/${board.id}/export?format=md`, board.viewToken)
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/)
    expect(md.text.trim()).toBe(checkout.trim())
    const csv = await api('GET', `/api/boards/${board.id}/export?format=csv&download=1`, board.viewToken)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="Checkout-retention-discovery.csv"/)
    expect(csv.text.split('\r\n')[0]).toMatch(/^id,parent_id,depth,kind,title/)
    expect(csv.text).toContain('Raise the share of new shops that take a first order within 14 days from 31% to 45%')
    const json = await api('GET', `/api/boards/${board.id}/export?format=json`, board.viewToken)
    expect(json.json.roots[0].kind).toBe('outcome')
    expect((await api('GET', `/api/boards/${board.id}/export?format=pdf`, board.viewToken)).status).toBe(400)
  })

  it('rejects a bad seed with line-numbered or path-named errors and creates nothing', async () => {
    const bad = await api('POST', '/api/boards', undefined, { outline: '- Outcome: A\n  - Solution: straight under the outcome\n' })
    expect(bad.status).toBe(422)
    expect(bad.json.errors[0]).toMatch(/^line 2/)
    const badTree = await api('POST', '/api/boards', undefined, { tree: { title: 'x', roots: [{ kind: 'outcome', title: 'A', children: [{ kind: 'feature', title: 'B', children: [] }] }] } })
    expect(badTree.status).toBe(422)
    expect(badTree.json.error).toMatch(/roots\[0\]\.children\[0\]/)
    expect((await api('POST', '/api/boards', undefined, { tree: onboarding, outline: checkout })).status).toBe(422)
  })

  it('serves a seeded board to a real provider as tldraw records with the schema', async () => {
    const board = await seedBoard({ tree: onboarding })
    const client = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(client)
    const records = readRecords(client.doc)
    const kinds = [...records.values()].map((r: any) => r.type).filter(Boolean)
    expect(kinds.sort()).toEqual(['assumption', 'opportunity', 'opportunity', 'outcome', 'solution', 'solution', 'solution'])
    expect(records.get('document:document')).toBeTruthy()
    expect(records.get('page:page')).toBeTruthy()
    // Layout 2: each record a map of its fields, props a map of its own; nothing in the layout-1 array.
    const card = recordsRoot(client.doc).get([...records.values()].find((r: any) => r.type === 'outcome')!.id)!
    expect(card.get('props')).toBeInstanceOf(Y.Map)
    expect(client.doc.getArray(YDOC_RECORDS_V1).length).toBe(0)
    expect(client.doc.getMap('meta').get('layout')).toBe(LAYOUT)
    expect((client.doc.getMap('meta').get('schema') as any).schemaVersion).toBe(2)
  })
})

describe('locking the bet', () => {
  it('locks a solution (editor), marks its path live, refuses a second lock, and the owner unlocks', async () => {
    const board = await seedBoard()
    const watcher = makeProvider(server.wsUrl, board.id, board.viewToken)
    await synced(watcher)
    const digest = await solutionId(board, 'Activity digest per board')
    const lock = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: digest, by: 'Sam' })
    expect(lock.status).toBe(201)
    expect(lock.json).toMatchObject({ solutionId: digest, title: 'Activity digest per board', lockedBy: 'Sam (editor)' })
    expect(lock.json.path.outcome.title).toMatch(/week 4/)
    expect(lock.json.path.opportunities.map((o: any) => o.title)).toEqual(["I can't tell whether my teammates have seen my changes"])
    expect(lock.json.path.siblings).toHaveLength(2)
    expect(lock.json.path.warnings.map((w: any) => w.code)).toContain('no-tested-assumption')

    // Everyone connected sees the bet and the locked shapes without reloading.
    await waitFor(() => (watcher.doc.getMap(YDOC_BOARD).get('bet') as any)?.solutionId === digest, { what: 'bet in doc' })
    expect(readRecord(watcher.doc, digest)!.isLocked).toBe(true)
    expect(readRecord(watcher.doc, lock.json.path.outcome.id)!.isLocked).toBe(true)

    const info = await api('GET', `/api/boards/${board.id}`, board.viewToken)
    expect(info.json.bet.solutionId).toBe(digest)

    const other = await solutionId(board, 'Seen-by markers on changed items')
    const second = await api('POST', `/api/boards/${board.id}/bet`, board.ownerToken, { solutionId: other })
    expect(second.status).toBe(409)
    expect(second.json.bet.solutionId).toBe(digest)

    expect((await api('DELETE', `/api/boards/${board.id}/bet`, board.editToken)).status).toBe(403)
    const unlock = await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken, { by: 'Dana' })
    expect(unlock.status).toBe(200)
    await waitFor(() => watcher.doc.getMap(YDOC_BOARD).get('bet') === null, { what: 'bet cleared' })
    expect(readRecord(watcher.doc, digest)!.isLocked).toBe(false)
    expect((await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken)).status).toBe(404)

    const relock = await api('POST', `/api/boards/${board.id}/bet`, board.ownerToken, { solutionId: other })
    expect(relock.status).toBe(201)

    const log = await api('GET', `/api/boards/${board.id}/decisions`, board.viewToken)
    expect(log.json.map((d: any) => [d.action, d.solutionId, d.by, d.role])).toEqual([
      ['lock', digest, 'Sam', 'editor'],
      ['unlock', digest, 'Dana', 'owner'],
      ['lock', other, '', 'owner'],
    ])
    expect(log.json[0].bet.path.solution.title).toBe('Activity digest per board')
    expect(Date.parse(log.json[0].at)).toBeLessThanOrEqual(Date.parse(log.json[1].at))
  })

  it('answers 422 for an id that is not a solution reachable from an outcome, and checks roles', async () => {
    const board = await seedBoard()
    const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
    const opportunityId = tree.roots[0].children[0].id
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: opportunityId })).status).toBe(422)
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: 'shape:nope' })).status).toBe(422)
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, {})).status).toBe(422)
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, '{"solutionId":')).status).toBe(400)
    const digest = await solutionId(board, 'Activity digest per board')
    expect((await api('POST', `/api/boards/${board.id}/bet`, board.viewToken, { solutionId: digest })).status).toBe(403)
    expect((await api('POST', `/api/boards/${board.id}/bet`, undefined, { solutionId: digest })).status).toBe(401)
    expect((await api('POST', `/api/boards/${board.id}/bet`, 'wrong-token', { solutionId: digest })).status).toBe(401)
    expect((await api('POST', `/api/boards/nosuchboard00/bet`, board.editToken, { solutionId: digest })).status).toBe(404)
    expect((await api('GET', `/api/boards/${board.id}/decisions`)).status).toBe(401)
  })

  it('lets exactly one of two simultaneous locks win', async () => {
    const board = await seedBoard()
    const a = await solutionId(board, 'Activity digest per board')
    const b = await solutionId(board, 'Mention a teammate on any card')
    const results = await Promise.all([
      api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: a }),
      api('POST', `/api/boards/${board.id}/bet`, board.ownerToken, { solutionId: b }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([201, 409])
    expect((await api('GET', `/api/boards/${board.id}/decisions`, board.viewToken)).json).toHaveLength(1)
  })
})

describe('bet exports and tracker push', () => {
  it('exports the locked bet as a ready issue in md, json and Jira CSV', async () => {
    const board = await seedBoard()
    expect((await api('GET', `/api/boards/${board.id}/bet/export?format=md`, board.viewToken)).status).toBe(404)
    const digest = await solutionId(board, 'Activity digest per board')
    await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: digest, by: 'Sam' })
    const md = await api('GET', `/api/boards/${board.id}/bet/export?format=md`, board.viewToken)
    expect(md.text).toMatch(/^# Activity digest per board/)
    expect(md.text).toContain("Interview 12: 'I post in chat to ask if anyone looked'")
    expect(md.text).toContain('People read a daily digest')
    const json = await api('GET', `/api/boards/${board.id}/bet/export?format=json`, board.viewToken)
    expect(json.json.title ?? json.json.bet?.title).toBeTruthy()
    const csv = await api('GET', `/api/boards/${board.id}/bet/export?format=csv`, board.viewToken)
    expect(csv.text.split('\r\n')[0]).toBe('Summary,Description,Issue Type,Labels')
  })

  it('links to the board read-only (its view link) and says the link grants read access, whoever exports', async () => {
    const board = await seedBoard()
    const digest = await solutionId(board, 'Activity digest per board')
    await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: digest, by: 'Sam' })
    const viewLink = `${server.url}/b/${board.id}?token=${board.viewToken}`
    // Any role may export (viewer and up); everyone's export carries the same view link, never a stronger token.
    for (const [role, token] of [['viewer', board.viewToken], ['editor', board.editToken], ['owner', board.ownerToken]] as const) {
      const md = await api('GET', `/api/boards/${board.id}/bet/export?format=md`, token)
      expect(md.status, role).toBe(200)
      expect(md.text, role).toContain(`[Open the board (read-only)](${viewLink})`)
      expect(md.text, role).toContain('Anyone with this link can view the board (read access only, no editing).')
      for (const text of [md.text, (await api('GET', `/api/boards/${board.id}/bet/export?format=json`, token)).text, (await api('GET', `/api/boards/${board.id}/bet/export?format=csv`, token)).text]) {
        expect(text, role).not.toContain(board.editToken)
        expect(text, role).not.toContain(board.ownerToken)
      }
      const json = (await api('GET', `/api/boards/${board.id}/bet/export?format=json`, token)).json
      expect(json, role).toMatchObject({ boardUrl: viewLink, boardAccess: 'read' })
      const csv = (await api('GET', `/api/boards/${board.id}/bet/export?format=csv`, token)).text
      expect(csv, role).toContain(viewLink)
    }
    // The link works, and only for reading.
    const res = await fetch(`${server.url}/api/boards/${board.id}?token=${board.viewToken}`)
    expect(((await res.json()) as { role: string }).role).toBe('viewer')
    // After the owner rotates the view token, exports link to the new view link.
    const rotated = await api('POST', `/api/boards/${board.id}/tokens/rotate`, board.ownerToken, { roles: ['viewer'] })
    expect(rotated.status).toBe(200)
    const md = await api('GET', `/api/boards/${board.id}/bet/export?format=md`, board.editToken)
    expect(md.text).toContain(`(${rotated.json.viewUrl})`)
    expect(md.text).not.toContain(board.viewToken)
  })

  it('pushes to a configured tracker, stores the issue with the decision, and reports tracker errors', async () => {
    const board = await seedBoard()
    const config = await api('GET', '/api/config')
    expect(config.json.trackers).toEqual(['github', 'jira'])
    expect(config.text).not.toContain(MOCK.githubToken)
    expect((await api('POST', `/api/boards/${board.id}/bet/push`, board.editToken, { tracker: 'github' })).status).toBe(404)
    const digest = await solutionId(board, 'Activity digest per board')
    await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: digest })

    expect((await api('POST', `/api/boards/${board.id}/bet/push`, board.viewToken, { tracker: 'github' })).status).toBe(403)
    const linear = await api('POST', `/api/boards/${board.id}/bet/push`, board.editToken, { tracker: 'linear' })
    expect(linear.status).toBe(400)
    expect(linear.json.error).toMatch(/not configured/)
    expect((await api('POST', `/api/boards/${board.id}/bet/push`, board.editToken, { tracker: 'trello' })).status).toBe(422)

    trackers.scenario = 'ok'
    trackers.problems.length = 0
    const pushed = await api('POST', `/api/boards/${board.id}/bet/push`, board.editToken, { tracker: 'jira' })
    expect(pushed.status).toBe(201)
    expect(pushed.json).toEqual({ url: `${trackers.url}/jira/browse/OUT-7`, key: 'OUT-7' })
    expect(trackers.problems).toEqual([])
    const info = await api('GET', `/api/boards/${board.id}`, board.viewToken)
    expect(info.json.bet.tracker).toEqual({ tracker: 'jira', url: pushed.json.url, key: 'OUT-7' })
    const log = await api('GET', `/api/boards/${board.id}/decisions`, board.viewToken)
    expect(log.json[0].pushes).toMatchObject([{ tracker: 'jira', key: 'OUT-7' }])

    trackers.scenario = 'unauthorized'
    const failed = await api('POST', `/api/boards/${board.id}/bet/push`, board.editToken, { tracker: 'github' })
    trackers.scenario = 'ok'
    expect(failed.status).toBe(502)
    expect(failed.json.error).toMatch(/GitHub rejected the token/)
    expect(failed.text).not.toContain(MOCK.githubToken)
  })
})
