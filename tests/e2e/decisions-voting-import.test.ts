// Issue 22, point 9 in real Chromium, three people on one board (Olivia: owner link, Ed: edit link, Vera:
// view link): (a) Ed locks the bet with a "why", which his bet panel and his own exports show; Olivia unlocks
// it with a "why"; Vera reads both in the decision log. (b) Olivia starts a round with "Viewers can vote"
// off: Ed votes; Vera sees no vote controls, a short explanation instead, and the server refuses her vote.
// (c) Olivia imports an outline without kind prefixes (and a mixed one): the preview says the kinds were
// inferred from depth, and the cards arrive with those kinds; a fifth unprefixed level is refused by line.

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { VIEWERS_KEPT_OUT } from '../../shared/voting'
import { e2eSuite, screenshot, TEAM_ONBOARDING, treeTitles } from './harness'
import type { CreatedBoard, Person } from './harness'

const suite = e2eSuite({ person: { clipboard: true } })
let board: CreatedBoard
let olivia: Person
let ed: Person
let vera: Person
const ids: Record<string, string> = {}

const DIGEST = 'Activity digest per board'
const SEEN_BY = 'Seen-by markers on changed items'
const OPPORTUNITY = "I can't tell whether my teammates have seen my changes"
const LOCK_WHY = 'Cheapest way to learn whether people read about changes.\nSupport asked for it twice.'
const UNLOCK_WHY = 'The digest test failed: nobody opened it.'

const card = (page: Page, id: string) => page.locator(`.ob-card[data-node-id="${id}"]`)

/** The element's box lies inside the page's viewport (nothing cut off at the right or the bottom). */
async function expectInViewport(page: Page, selector: string) {
  const box = (await page.locator(selector).first().boundingBox())!
  const size = page.viewportSize()!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.y).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(size.width)
  expect(box.y + box.height).toBeLessThanOrEqual(size.height)
}

beforeAll(async () => {
  board = await suite.createSeededBoard(TEAM_ONBOARDING, 'Point nine')
  ;[olivia, ed, vera] = await suite.people(
    ['Olivia', board.ownerUrl, 'live'],
    ['Ed', board.editUrl, 'live'],
    ['Vera', board.viewUrl, 'readonly'],
  )
  for (const n of await treeTitles(olivia.page)) ids[n.title] = n.id
})

describe('a why on locking and unlocking the bet', () => {
  it('the editor locks the bet saying why; the panel and his own exports carry it', async () => {
    const page = ed.page
    await page.locator(`.ob-orow[data-id="${ids[DIGEST]}"]`).first().click()
    await page.waitForSelector('.ob-detail')
    await page.click('[data-action=lock-bet]')
    const dialog = page.locator('[data-testid=lock-dialog]')
    await dialog.waitFor()
    const why = dialog.locator('textarea[name=why]')
    expect(await dialog.locator('.ob-lockwhy > span').textContent()).toBe('Why this bet? (optional)')
    expect(await why.getAttribute('maxlength')).toBe('500')
    await why.fill(LOCK_WHY)
    await screenshot(page, 'point9-lock-why')
    await dialog.locator('[data-action=confirm-lock]').click()
    await dialog.waitFor({ state: 'detached' })
    const panel = page.locator('[data-testid=bet-panel]')
    await panel.waitFor()
    await expect.poll(() => panel.locator('[data-testid=bet-why]').textContent()).toBe(`Why this bet: ${LOCK_WHY}`)

    // The panel's own exports (made in the browser from the board's copy of the bet) carry the why.
    await panel.locator('[data-action=copy-bet-md]').click()
    await panel.locator('[data-action=copy-bet-md]:has-text("Copied")').waitFor()
    const md = await page.evaluate(() => navigator.clipboard.readText())
    expect(md).toContain('Why this bet:\n\n> Cheapest way to learn whether people read about changes.\n> Support asked for it twice.\n')
    await panel.locator('[data-action=copy-bet-json]').click()
    await panel.locator('[data-action=copy-bet-json]:has-text("Copied")').waitFor()
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())).why).toBe(LOCK_WHY)
    // The same as the server's export.
    const fromServer = await (await fetch(`${suite.server.url}/api/boards/${board.id}/bet/export?format=md`, { headers: { authorization: `Bearer ${board.viewToken}` } })).text()
    expect(md).toBe(fromServer)
    await page.click('[aria-label="Close the bet panel"]')
  })

  it('the owner unlocks saying why', async () => {
    const page = olivia.page
    await page.waitForSelector('[data-testid=bet-chip]', { timeout: 15_000 })
    await page.click('[data-testid=bet-chip]')
    const panel = page.locator('[data-testid=bet-panel]')
    await panel.waitFor()
    // Everyone's panel shows the lock's why (from the live copy of the bet).
    await expect.poll(() => panel.locator('[data-testid=bet-why]').textContent()).toBe(`Why this bet: ${LOCK_WHY}`)
    await panel.locator('[data-action=unlock-bet]').click()
    const field = panel.locator('textarea[name=unlockWhy]')
    await field.waitFor()
    // The field has the focus, so Enter adds a line instead of unlocking.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('unlockWhy')
    await page.keyboard.type(UNLOCK_WHY)
    // The confirm, field included, stays inside the drawer.
    const confirm = (await panel.locator('[aria-label="Confirm unlock"]').boundingBox())!
    const drawer = (await panel.boundingBox())!
    expect(confirm.x).toBeGreaterThanOrEqual(drawer.x)
    expect(confirm.x + confirm.width).toBeLessThanOrEqual(drawer.x + drawer.width + 0.5)
    await screenshot(page, 'point9-unlock-why')
    await panel.locator('[data-action=confirm-unlock]').click()
    await page.waitForSelector('[data-testid=bet-chip]', { state: 'detached', timeout: 15_000 })
  })

  it('the viewer reads both reasons in the decision log, newest first', async () => {
    const page = vera.page
    await page.click('[data-action=more]')
    await page.click('[data-action=decisions]')
    const log = page.locator('[data-testid=decision-log]')
    await log.waitFor()
    const entries = log.locator('[data-testid=decision]')
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(2)
    expect(await entries.nth(0).getAttribute('data-action-kind')).toBe('unlock')
    expect(await entries.nth(0).locator('[data-testid=decision-why]').textContent()).toBe(`Why: ${UNLOCK_WHY}`)
    expect(await entries.nth(1).locator('[data-testid=decision-why]').textContent()).toBe(`Why: ${LOCK_WHY}`)
    await expectInViewport(page, '[data-testid=decision-why]')
    await screenshot(page, 'point9-decision-log')
    await page.click('[aria-label="Close the decision log"]')
  })
})

describe('keeping viewers out of a vote', () => {
  it('the facilitator starts a round with "Viewers can vote" off', async () => {
    const page = olivia.page
    await page.click('[data-action=facilitate]')
    await page.click('[data-action=start-voting]')
    const dialog = page.locator('.ob-dialog--round')
    await dialog.waitFor()
    const option = dialog.locator('input[name=viewersCanVote]')
    expect(await option.isChecked()).toBe(true) // as before: everyone votes unless the facilitator says otherwise
    await page.click('.ob-segmented__opt:has-text("Solutions")')
    await page.selectOption('.ob-dialog--round select[name=scope]', ids[OPPORTUNITY])
    await option.uncheck()
    expect(await dialog.locator('[data-testid=viewers-can-vote-note]').textContent()).toBe('People on the view link watch; the team votes.')
    await screenshot(page, 'point9-start-round')
    await page.click('[data-action=start-round]')
    await dialog.waitFor({ state: 'detached' })
  })

  it('the editor votes; the viewer sees why she cannot, and no vote controls', async () => {
    await ed.page.waitForSelector('[data-testid=votes-left][data-votes-left="3"]', { timeout: 15_000 })
    await card(ed.page, ids[DIGEST]).locator('button[aria-label="Add a vote"]').click()
    await ed.page.waitForSelector('[data-testid=votes-left][data-votes-left="2"]')
    expect(await ed.page.locator('[data-testid=round-bar]').textContent()).toContain('the team votes, view links watch')

    const page = vera.page
    const note = page.locator('[data-testid=viewers-kept-out]')
    await note.waitFor({ timeout: 15_000 })
    expect(await note.textContent()).toBe('You’re watching · view links don’t vote in this round')
    expect(await note.getAttribute('title')).toContain('The facilitator kept this round to the team')
    expect(await page.locator('[data-testid=votes-left]').count()).toBe(0)
    expect(await card(page, ids[DIGEST]).count()).toBe(1)
    expect(await page.locator('[data-testid=vote]').count()).toBe(0)
    // V on a selected candidate explains instead of voting.
    await card(page, ids[SEEN_BY]).locator('.ob-card__title').click()
    await page.waitForFunction((id) => window.editor!.getSelectedShapeIds().includes(id as never), ids[SEEN_BY])
    await page.keyboard.press('v')
    await page.locator('[data-testid=notice]:has-text("people on a view link can watch but not vote")').waitFor()
    // The server refuses her vote whatever the page shows, and says why.
    const refused = await page.evaluate(
      async ([id, token, node]) => {
        const res = await fetch(`/api/boards/${id}/rounds/current/votes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ nodeId: node, delta: 1 }),
        })
        return { status: res.status, body: await res.json() }
      },
      [board.id, board.viewToken, ids[SEEN_BY]],
    )
    expect(refused).toEqual({ status: 403, body: { error: VIEWERS_KEPT_OUT } })
    // At 1024, 1280 and 1440 px, with the card's panel open beside the canvas, the round bar and its
    // explanation fit the window, and every part of the bar stays inside the bar.
    for (const width of [1024, 1280, 1440]) {
      await page.setViewportSize({ width, height: 800 })
      await page.waitForTimeout(150)
      await expectInViewport(page, '[data-testid=round-bar]')
      await expectInViewport(page, '[data-testid=viewers-kept-out]')
      const { bar, parts } = await page.evaluate(() => {
        const el = document.querySelector('[data-testid=round-bar]')!
        const box = (e: Element) => {
          const r = e.getBoundingClientRect()
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }
        }
        return { bar: box(el), parts: [...el.children].map(box) }
      })
      for (const part of parts) {
        expect(part.left).toBeGreaterThanOrEqual(bar.left)
        expect(part.right).toBeLessThanOrEqual(bar.right + 0.5)
        expect(part.bottom).toBeLessThanOrEqual(bar.bottom + 0.5)
      }
      await screenshot(page, `point9-viewer-kept-out-${width}`)
    }
    await page.setViewportSize({ width: 1400, height: 860 })
  })

  it('the facilitator reveals: only the team’s vote counts', async () => {
    await olivia.page.click('[data-action=reveal-votes]')
    await olivia.page.waitForSelector('[data-testid=results]')
    expect(await olivia.page.locator(`[data-testid=results] li[data-node-id="${ids[DIGEST]}"]`).getAttribute('data-votes')).toBe('1')
    await vera.page.waitForSelector('[data-testid=viewers-kept-out]', { state: 'detached' })
  })
})

describe('importing an outline without kind prefixes', () => {
  async function openImport(page: Page) {
    await page.click('[data-action=more]')
    await page.click('[data-action=import]')
    await page.locator('[data-testid=import-dialog]').waitFor()
  }

  it('refuses a fifth unprefixed level, naming the line', async () => {
    const page = olivia.page
    await openImport(page)
    await page.fill('textarea[name=import]', ['- O', '  - P', '    - S', '      - A', '        - Too deep'].join('\n'))
    await page.click('[data-action=confirm-import]')
    const errors = page.locator('[data-testid=import-errors]')
    await errors.waitFor()
    expect(await errors.textContent()).toContain('line 5: nothing can sit under an Assumption')
  })

  it('says the kinds were inferred from depth, and imports them so', async () => {
    const page = olivia.page
    const plain = ['# Retro notes', '- Keep new teams past week two', '  - Invites get lost in spam', '    - Resend from the board', '      - Admins notice a failed invite', '    - Opportunity: Nobody knows who joined', '      - Welcome post'].join('\n')
    await page.fill('textarea[name=import]', plain)
    const inferred = page.locator('[data-testid=import-inferred]')
    await inferred.waitFor()
    expect(await inferred.getAttribute('data-inferred')).toBe('5')
    expect(await inferred.textContent()).toContain('5 of 6 items have no kind prefix; their kinds were inferred from depth: outcome → opportunity → solution → assumption')
    expect(await page.locator('[data-testid=import-summary]').textContent()).toContain('1 outcome, 2 opportunities, 2 solutions, 1 assumption')
    await expectInViewport(page, '[data-testid=import-inferred]')
    await screenshot(page, 'point9-import-inferred')

    // With no prefix at all, the preview says every kind was inferred.
    await page.fill('textarea[name=import]', '- Just an outcome\n  - And its opportunity')
    await expect.poll(() => inferred.textContent()).toContain('No item has a kind prefix, so every kind was inferred from depth')

    await page.fill('textarea[name=import]', plain)
    await inferred.waitFor()
    await page.click('[data-action=confirm-import]')
    await page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' })
    const byTitle = new Map((await treeTitles(page)).map((n) => [n.title, n]))
    expect(byTitle.get('Keep new teams past week two')?.kind).toBe('outcome')
    expect(byTitle.get('Invites get lost in spam')?.kind).toBe('opportunity')
    expect(byTitle.get('Resend from the board')?.kind).toBe('solution')
    expect(byTitle.get('Admins notice a failed invite')?.kind).toBe('assumption')
    expect(byTitle.get('Nobody knows who joined')?.kind).toBe('opportunity')
    expect(byTitle.get('Welcome post')?.kind).toBe('solution')
    expect(byTitle.get('Welcome post')?.parentId).toBe(byTitle.get('Nobody knows who joined')?.id)
    // The other browsers see the imported cards live.
    await expect.poll(async () => (await treeTitles(ed.page)).find((n) => n.title === 'Admins notice a failed invite')?.kind, { timeout: 15_000 }).toBe('assumption')
  })

  it('raised no page errors', () => {
    expect(suite.pageErrors).toEqual([])
  })
})
