// Issue 22, point 9 on a real server, as a client calls it: (a) an optional "why" on locking and unlocking
// the bet, kept in the decision log (SQLite and PostgreSQL) and carried by the bet's exports and its live
// copy; (b) a voting round the facilitator keeps viewers out of (403 with a plain message, no voter cookie
// issued), while owner and editors vote; (c) a board seeded from an outline without kind prefixes.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WHY_MAX } from '../../shared/bet'
import { YDOC_BOARD } from '../../shared/model'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import { VIEWERS_KEPT_OUT } from '../../shared/voting'
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../helpers/postgres'
import { jsonApi, startTestServer, type TestServer } from '../helpers/server'
import { voterProfile } from '../helpers/voter-profile'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { waitFor } from '../helpers/wait'

const onboarding = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/team-onboarding.json'), 'utf8'))
const pgUp = await postgresAvailable()

interface Board {
  id: string
  ownerToken: string
  editToken: string
  viewToken: string
}

afterEach(() => destroyProviders())

const walk = (nodes: any[]): any[] => nodes.flatMap((n) => [n, ...walk(n.children)])

const engines = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: !pgUp },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(`a why on locking and unlocking the bet (${engine.name})`, () => {
    let server: TestServer
    let db: TempDatabase | null = null
    const api = jsonApi(() => server.url)
    beforeAll(async () => {
      if (engine.name === 'postgres') db = await createTempDatabase()
      server = await startTestServer(db ? { databaseUrl: db.url } : {})
    })
    afterAll(async () => {
      await server?.close()
      await db?.drop()
    })

    async function seeded(): Promise<Board & { solution: string; other: string }> {
      const res = await api('POST', '/api/boards', undefined, { tree: onboarding })
      expect(res.status).toBe(201)
      const board = res.json as Board
      const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
      const solutions = walk(tree.roots).filter((n) => n.kind === 'solution')
      return { ...board, solution: solutions[0].id, other: solutions[1].id }
    }

    it('keeps the lock’s and the unlock’s why in the decision log, and the lock’s in the bet, its live copy and exports', async () => {
      const board = await seeded()
      const why = '  Cheapest way to learn whether admins finish setup.\nSupport asked for it twice.  '
      const lock = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: board.solution, by: 'Ed', why })
      expect(lock.status).toBe(201)
      expect(lock.json.why).toBe(why.trim())

      // Everyone's copy in the document carries it (the client's own exports are made from it).
      const viewer = makeProvider(server.wsUrl, board.id, board.viewToken)
      viewer.provider.messageHandlers[MESSAGE_BOARD_EVENT] = () => {} // board events: not what this reads
      await synced(viewer)
      await waitFor(() => (viewer.doc.getMap(YDOC_BOARD).get('bet') as { why?: string } | undefined)?.why === why.trim())
      expect((await api('GET', `/api/boards/${board.id}`, board.viewToken)).json.bet.why).toBe(why.trim())

      const md = await api('GET', `/api/boards/${board.id}/bet/export?format=md`, board.viewToken)
      expect(md.text).toContain('Why this bet:\n\n> Cheapest way to learn whether admins finish setup.\n> Support asked for it twice.\n')
      const json = await api('GET', `/api/boards/${board.id}/bet/export?format=json`, board.viewToken)
      expect(json.json.why).toBe(why.trim())
      const csv = await api('GET', `/api/boards/${board.id}/bet/export?format=csv`, board.viewToken)
      expect(csv.text).toContain('> Cheapest way to learn whether admins finish setup.')

      // Unlock with a why in a JSON body (the owner only, as before).
      expect((await api('DELETE', `/api/boards/${board.id}/bet`, board.editToken, { why: 'no' })).status).toBe(403)
      const unlock = await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken, { by: 'Olivia', why: 'The interviews said otherwise.' })
      expect(unlock.status).toBe(200)
      expect(unlock.json.why).toBe('The interviews said otherwise.')

      // Lock and unlock again without any why (and an unlock with no body at all).
      expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: board.other, why: '   ' })).status).toBe(201)
      expect((await api('GET', `/api/boards/${board.id}/bet/export?format=json`, board.viewToken)).json).not.toHaveProperty('why')
      expect((await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken)).status).toBe(200)

      const log = await api('GET', `/api/boards/${board.id}/decisions`, board.viewToken)
      expect(log.status).toBe(200)
      expect(log.json.map((d: any) => [d.action, d.by, d.why])).toEqual([
        ['lock', 'Ed', why.trim()],
        ['unlock', 'Olivia', 'The interviews said otherwise.'],
        ['lock', '', null],
        ['unlock', '', null],
      ])
    })

    it('refuses a why that is too long or not text, with 422 naming it, and locks nothing', async () => {
      const board = await seeded()
      const long = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: board.solution, why: 'x'.repeat(WHY_MAX + 1) })
      expect(long.status).toBe(422)
      expect(long.json.error).toMatch(/why must be at most 500 characters/)
      const notText = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: board.solution, why: 42 })
      expect(notText.status).toBe(422)
      expect(notText.json.error).toMatch(/why/)
      // Exactly the cap is fine, measured after trimming.
      expect((await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: board.solution, why: ` ${'y'.repeat(WHY_MAX)} ` })).status).toBe(201)
      const tooLongUnlock = await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken, { why: 'z'.repeat(WHY_MAX + 1) })
      expect(tooLongUnlock.status).toBe(422)
      expect((await api('GET', `/api/boards/${board.id}/decisions`, board.viewToken)).json.map((d: any) => d.action)).toEqual(['lock'])
    })
  })
}

describe('keeping viewers out of a voting round', () => {
  let server: TestServer
  const api = jsonApi(() => server.url)
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server?.close())

  async function seeded() {
    const res = await api('POST', '/api/boards', undefined, { tree: onboarding })
    expect(res.status).toBe(201)
    const board = res.json as Board
    const tree = (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json
    const opportunity = tree.roots[0].children[0]
    return { board, opportunity: opportunity.id as string, solutions: opportunity.children.map((s: any) => s.id) as string[] }
  }

  it('refuses a viewer’s vote with 403 and a plain reason when the facilitator turned viewers off; the team votes', async () => {
    const { board, opportunity, solutions } = await seeded()
    const start = await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution', scopeId: opportunity, votesPerPerson: 2, viewersCanVote: false })
    expect(start.status).toBe(201)
    expect(start.json.viewersCanVote).toBe(false)
    // Everyone learns the setting with the round.
    const session = await api('GET', `/api/boards/${board.id}/session`, board.viewToken)
    expect(session.json.round).toMatchObject({ status: 'open', viewersCanVote: false })

    const viewer = voterProfile(server.url, board.id, board.viewToken)
    const refused = await viewer.vote(solutions[0])
    expect(refused.status).toBe(403)
    expect(refused.json.error).toBe(VIEWERS_KEPT_OUT)
    expect(viewer.setCookies).toEqual([]) // no voter identity spent on a refused viewer

    const editor = voterProfile(server.url, board.id, board.editToken)
    const owner = voterProfile(server.url, board.id, board.ownerToken)
    expect((await editor.vote(solutions[0])).status).toBe(200)
    expect((await owner.vote(solutions[1])).status).toBe(200)
    const revealed = await api('POST', `/api/boards/${board.id}/rounds/current/reveal`, board.ownerToken)
    expect(revealed.json.voters).toBe(2)
    expect(revealed.json.results.find((r: any) => r.nodeId === solutions[0]).votes).toBe(1)
  })

  it('lets viewers vote by default and when asked to, as before', async () => {
    const { board, solutions } = await seeded()
    const start = await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution' })
    expect(start.json.viewersCanVote).toBe(true)
    const viewer = voterProfile(server.url, board.id, board.viewToken)
    expect((await viewer.vote(solutions[0])).status).toBe(200)
    await api('DELETE', `/api/boards/${board.id}/rounds/current`, board.ownerToken)
    expect((await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution', viewersCanVote: true })).json.viewersCanVote).toBe(true)
    expect((await viewer.vote(solutions[1])).status).toBe(200)
  })

  it('refuses a setting that is not a boolean', async () => {
    const { board } = await seeded()
    const res = await api('POST', `/api/boards/${board.id}/rounds`, board.ownerToken, { target: 'solution', viewersCanVote: 'no' })
    expect(res.status).toBe(422)
    expect(res.json.error).toMatch(/viewersCanVote/)
  })
})

describe('seeding a board from an outline without kind prefixes', () => {
  let server: TestServer
  const api = jsonApi(() => server.url)
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server?.close())

  it('infers the kinds from depth, and keeps the prefixed items’ kinds in a mixed outline', async () => {
    const outline = ['# Plain notes', '- Grow weekly active teams', '  - Setup takes too long', '    - Guided checklist', '      - Admins finish checklists', '    - Opportunity: Invites get lost', '      - Resend invites'].join('\n')
    const res = await api('POST', '/api/boards', undefined, { outline })
    expect(res.status).toBe(201)
    const tree = (await api('GET', `/api/boards/${res.json.id}/tree`, res.json.viewToken)).json
    expect(tree.title).toBe('Plain notes')
    expect(walk(tree.roots).map((n) => `${n.kind}: ${n.title}`)).toEqual([
      'outcome: Grow weekly active teams',
      'opportunity: Setup takes too long',
      'solution: Guided checklist',
      'assumption: Admins finish checklists',
      'opportunity: Invites get lost',
      'solution: Resend invites',
    ])
    // The export writes every kind, so it reads back the same.
    const md = await api('GET', `/api/boards/${res.json.id}/export?format=md`, res.json.viewToken)
    expect(md.text).toContain('      - Assumption: Admins finish checklists')
  })

  it('refuses a fifth unprefixed level with its line number and how to fix it', async () => {
    const outline = ['- O', '  - P', '    - S', '      - A', '        - Too deep'].join('\n')
    const res = await api('POST', '/api/boards', undefined, { outline })
    expect(res.status).toBe(422)
    expect(res.json.errors).toHaveLength(1)
    expect(res.json.errors[0]).toMatch(/^line 5: nothing can sit under an Assumption/)
    expect(res.json.error).toMatch(/^outline: line 5/)
  })
})
