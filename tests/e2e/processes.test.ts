// Two browsers, each pinned to a different server process (opening the board from that process's own URL),
// with both processes on one PostgreSQL database and one Redis (tests/helpers/processes.ts, as in
// tests/integration/processes.test.ts): each sees the other's new cards, cursor and a voting round (start,
// votes, reveal) live. Skipped, saying so, without PostgreSQL, Redis or nginx; with CI=true it fails instead.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { type Cluster, missingForProcesses, startCluster } from '../helpers/processes'
import { createSeededBoard } from '../helpers/server'
import { e2eSuite, screenshot, TEAM_ONBOARDING, treeTitles } from './harness'
import type { CreatedBoard, Person } from './harness'

const CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client')
const missing = await missingForProcesses()

describe.skipIf(missing.length > 0)('two browsers on two processes (PostgreSQL + Redis)', () => {
  let cluster: Cluster
  // Hooked before the suite: the processes stop after Chromium closes (afterAll runs in reverse).
  afterAll(async () => {
    await cluster?.stop()
  })
  // No server of the suite's own: each person's origin is the process whose URL opens their board (board links
  // name the process that made the board).
  const suite = e2eSuite({ server: false })
  let board: CreatedBoard
  let ada: Person // owner, on process A
  let ben: Person // editor, on process B
  const ids: Record<string, string> = {}

  const card = (page: Page, id: string) => page.locator(`.ob-card[data-node-id="${id}"]`)
  const voteButton = (page: Page, id: string) => card(page, id).locator('button[aria-label="Add a vote"]')
  const waitForVotesLeft = (page: Page, n: number) => page.waitForSelector(`[data-testid=votes-left][data-votes-left="${n}"]`, { timeout: 15_000 })
  const waitForTitle = (page: Page, title: string) =>
    page.waitForFunction(
      (t) => {
        const titles: string[] = []
        const visit = (n: { props: { title: string }; children: unknown[] }) => {
          titles.push(n.props.title)
          for (const c of n.children) visit(c as typeof n)
        }
        for (const r of window.board!.tree().roots) visit(r as never)
        return titles.includes(t)
      },
      title,
      { timeout: 15_000 },
    )

  /** Selects the card `id` on the canvas and adds a sibling card titled `title` with Shift+Enter. */
  async function addSibling(page: Page, id: string, title: string) {
    // Selected the way the outline does it (a fitted tree of this size draws its cards too small to click).
    await page.evaluate((shapeId) => {
      window.editor!.select(shapeId as never)
      window.editor!.zoomToSelection({ animation: { duration: 0 } })
    }, id)
    await page.waitForFunction((shapeId) => window.editor!.getSelectedShapeIds().includes(shapeId as never), id)
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type(title)
    await page.keyboard.press('Enter')
    await waitForTitle(page, title)
  }

  beforeAll(async () => {
    cluster = await startCluster({ processes: 2, nginx: false, env: { CLIENT_DIR } })
    const [A, B] = cluster.procs
    expect(A.url).not.toBe(B.url)
    board = await createSeededBoard(A.url, TEAM_ONBOARDING, 'Onboarding across processes')
    ;[ada, ben] = await suite.people(['Ada', board.ownerUrl, 'live', { origin: A.url }], ['Ben', board.editUrl, 'live', { origin: B.url }])
    for (const n of await treeTitles(ada.page)) ids[n.title] = n.id
  })

  const SOLUTION = () => ids['Activity digest per board']
  const OTHER = () => ids['Seen-by markers on changed items']
  const OPPORTUNITY = () => ids["I can't tell whether my teammates have seen my changes"]

  it('each browser talks only to its own process', async () => {
    const apiRequests = await Promise.all(
      [ada, ben].map((p) => p.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/api/')))),
    )
    expect(apiRequests[0].every((u) => u.startsWith(ada.origin))).toBe(true)
    expect(apiRequests[1].every((u) => u.startsWith(ben.origin))).toBe(true)
    expect(ada.foreign).toEqual([])
    expect(ben.foreign).toEqual([])
  })

  it('a card added on one process appears live on the other, both ways', async () => {
    await addSibling(ada.page, SOLUTION(), 'Made through process A')
    await waitForTitle(ben.page, 'Made through process A')
    await addSibling(ben.page, OTHER(), 'Made through process B')
    await waitForTitle(ada.page, 'Made through process B')
    const [a, b] = await Promise.all([treeTitles(ada.page), treeTitles(ben.page)])
    expect(b).toEqual(a)
    const made = a.filter((n) => n.title.startsWith('Made through'))
    expect(made.map((n) => n.parentId)).toEqual([OPPORTUNITY(), OPPORTUNITY()])
  })

  it('each sees the other’s cursor with their name', async () => {
    for (const [mover, watcher] of [
      [ben, ada],
      [ada, ben],
    ] as const) {
      const box = (await mover.page.locator('.ob-board__canvas').boundingBox())!
      for (let i = 0; i < 8; i++) await mover.page.mouse.move(box.x + 300 + i * 20, box.y + 200 + i * 10)
      await watcher.page.waitForFunction(
        (name) => window.editor!.getCollaboratorsOnCurrentPage().some((c) => c.userName === name && c.cursor && c.cursor.x !== 0),
        mover.name,
        { timeout: 15_000 },
      )
    }
  })

  it('a voting round started on A is voted on from both and revealed to both', async () => {
    // Every card on screen in both (adding a card moved the camera to it; cards off screen are not drawn).
    for (const p of [ada, ben]) {
      await p.page.keyboard.press('Escape')
      await p.page.evaluate(() => {
        window.editor!.selectNone()
        window.editor!.zoomToFit({ animation: { duration: 0 } })
      })
    }
    const page = ada.page
    await page.click('[data-action=facilitate]')
    await page.click('[data-action=start-voting]')
    await page.waitForSelector('.ob-dialog--round')
    await page.click('.ob-segmented__opt:has-text("Solutions")')
    await page.selectOption('.ob-dialog--round select[name=scope]', OPPORTUNITY())
    await page.fill('.ob-dialog--round input[name=votesPerPerson]', '2')
    await page.click('[data-action=start-round]')
    await page.waitForSelector('.ob-dialog--round', { state: 'detached' })
    for (const p of [ada, ben]) {
      await p.page.waitForSelector('[data-testid=round-bar]', { timeout: 15_000 })
      await waitForVotesLeft(p.page, 2)
    }
    for (const p of [ada, ben]) await card(p.page, SOLUTION()).locator('[data-testid=vote]').waitFor({ timeout: 15_000 })
    await screenshot(ben.page, 'processes-round-on-b')
    // Ben votes through process B, Ada through A.
    await voteButton(ben.page, SOLUTION()).click()
    await waitForVotesLeft(ben.page, 1)
    await voteButton(ben.page, OTHER()).click()
    await waitForVotesLeft(ben.page, 0)
    await voteButton(ada.page, SOLUTION()).click()
    await waitForVotesLeft(ada.page, 1)
    for (const p of [ada, ben]) await p.page.waitForSelector('[data-testid=voters][data-voters="2"]', { timeout: 15_000 })
    // Nothing counted on anyone's cards before the reveal.
    for (const p of [ada, ben]) expect(await card(p.page, SOLUTION()).locator('[data-testid=vote-count]').count()).toBe(0)

    await page.click('[data-action=reveal-votes]')
    for (const p of [ada, ben]) {
      await card(p.page, SOLUTION()).locator('[data-testid=vote-count][data-votes="2"]').waitFor({ timeout: 15_000 })
      expect(await card(p.page, OTHER()).locator('[data-testid=vote-count]').getAttribute('data-votes')).toBe('1')
    }
    await screenshot(ben.page, 'processes-revealed-on-b')
    expect(suite.pageErrors).toEqual([])
  })
})
