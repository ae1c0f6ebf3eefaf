// Small things people noticed: keys pressed on a focused top-bar button stay with that button (never add
// cards); the floating selection tools and the bet tab of a locked card are both visible; cards without
// scores say "not scored" and keep their kind label whole; the owner resets the edit and view links from the
// Share popover, someone on the old edit link is shown "access denied" and the new link works; a first visit
// gets the editor's code compressed and caches the app for offline use only after the board is on screen.

import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, newContext, openBoard, screenshot, treeTitles, waitForStatus } from './harness'

const suite = e2eSuite()

const TREE = {
  title: 'Polish board',
  roots: [
    {
      kind: 'outcome',
      title: 'More teams finish onboarding',
      metric: 'onboarding completion',
      baseline: 40,
      target: 60,
      children: [
        {
          kind: 'opportunity',
          title: "I can't tell which step I am on",
          importance: 9,
          satisfaction: 2,
          children: [{ kind: 'solution', title: 'Progress bar with named steps', children: [] }],
        },
        { kind: 'opportunity', title: 'Setup takes too long', children: [] },
      ],
    },
  ],
}

async function idOf(page: Page, title: string) {
  const node = (await treeTitles(page)).find((n) => n.title === title)
  expect(node, title).toBeTruthy()
  return node!.id
}

describe('polish', () => {
  it('a first visit gets the editor compressed, and caches the app for offline use only once the board is on screen', async () => {
    // The service worker's install fetches every file of the app; during the load it would queue beside the
    // editor's code and the document.
    const board = await suite.createSeededBoard(TREE)
    // A context of its own, not a suite person: the last test does not count this visit's page errors or requests.
    const context = await newContext(suite.browser, 'Fay')
    let precacheAt: number | null = null
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/precache.json') precacheAt ??= Date.now()
    })
    // The editor's code (most of the app's bytes) travels compressed.
    let editorEncoding: string | null = null
    context.on('response', (response) => {
      if (/\/assets\/BoardEditor-[\w-]+\.js$/.test(new URL(response.url()).pathname)) editorEncoding ??= response.headers()['content-encoding'] ?? 'none'
    })
    const page = await context.newPage()
    await openBoard(page, suite.local(board.editUrl))
    await page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 30_000 })
    const mountedAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('ob:editor-mounted')[0].startTime)
    expect(precacheAt).not.toBeNull()
    expect(precacheAt!).toBeGreaterThan(mountedAt)
    expect(editorEncoding).toBe('br')
  })

  it('Enter and Tab on a focused top-bar button do not add cards', async () => {
    const board = await suite.createSeededBoard(TREE)
    const { page } = await suite.person('Kai', board.editUrl)
    await waitForStatus(page, 'live')
    const before = (await treeTitles(page)).length
    const opportunity = await idOf(page, 'Setup takes too long')
    await page.locator(`.ob-orow[data-id="${opportunity}"]`).click()
    await page.waitForFunction((id) => window.editor!.getSelectedShapeIds().join() === id, opportunity)

    // Enter on the focused Share button opens the popover, nothing else.
    await page.locator('.ob-topbar button:has-text("Share")').focus()
    await page.keyboard.press('Enter')
    await page.waitForSelector('.ob-popover')
    await page.keyboard.press('Escape')
    // Tab on a focused top-bar button moves focus along the bar.
    await page.locator('.ob-topbar [data-action=more]').focus()
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.waitForTimeout(300)
    expect((await treeTitles(page)).length).toBe(before)
    expect(await page.evaluate(() => window.editor!.getEditingShapeId())).toBeNull()

    // The same keys on the canvas still add cards.
    await page.locator(`.ob-orow[data-id="${opportunity}"]`).click()
    await page.locator('.tl-canvas').focus()
    await page.keyboard.press('Tab')
    await page.waitForFunction((n) => window.board!.tree().byId.size === n + 1, before)
  })

  it('cards without scores say "not scored" and keep their kind label whole', async () => {
    const board = await suite.createSeededBoard(TREE)
    const { page } = await suite.person('Lea', board.editUrl)
    await waitForStatus(page, 'live')
    const solution = await idOf(page, 'Progress bar with named steps')
    const scored = await idOf(page, "I can't tell which step I am on")
    const unscored = await idOf(page, 'Setup takes too long')
    const card = (id: string) => page.locator(`.ob-card[data-node-id="${id}"]`)
    await card(solution).waitFor()
    expect(await card(solution).locator('.ob-chip--muted').textContent()).toBe('not scored')
    expect(await card(solution).textContent()).not.toContain('–')
    expect(await card(solution).locator('.ob-card__score').count()).toBe(0)
    expect(await card(unscored).locator('.ob-chip--muted', { hasText: 'not scored' }).count()).toBe(1)
    // A scored opportunity with a hint: the hint badge is compact and the kind label is not cut.
    expect(await card(scored).locator('.ob-card__score').textContent()).toContain('16')
    const hint = card(scored).locator('.ob-card__hint')
    expect(Number(await hint.getAttribute('data-hints'))).toBeGreaterThan(0)
    expect(await hint.getAttribute('title')).toContain('three solutions')
    for (const id of [solution, scored, unscored]) {
      const cut = await card(id)
        .locator('.ob-card__kind')
        .evaluate((el) => el.scrollWidth > el.clientWidth)
      expect(cut, `kind label of ${id} is truncated`).toBe(false)
    }
    await page.evaluate((id) => window.board!.actions.focusNode(window.editor!, id), scored)
    await page.evaluate(() => void window.editor!.zoomToSelection())
    await screenshot(page, 'polish-card-header')
  })

  it('the selection tools and the bet tab of a locked card are both visible', async () => {
    const board = await suite.createSeededBoard(TREE)
    const { page } = await suite.person('Mo', board.ownerUrl)
    await waitForStatus(page, 'live')
    const solution = await idOf(page, 'Progress bar with named steps')
    const res = await fetch(`${suite.server.url}/api/boards/${board.id}/bet`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${board.editToken}` },
      body: JSON.stringify({ solutionId: solution, by: 'Mo' }),
    })
    expect(res.status).toBe(201)
    const tab = page.locator(`.ob-card[data-node-id="${solution}"] ~ [data-testid=bet-mark] .ob-betmark__tab`)
    await tab.waitFor()
    await page.locator(`.ob-orow[data-id="${solution}"]`).click()
    const tools = page.locator('.ob-seltools')
    await tools.waitFor()
    await page.waitForTimeout(400) // the camera may still be gliding to the card
    const t = (await tab.boundingBox())!
    const s = (await tools.boundingBox())!
    const overlaps = s.x < t.x + t.width && t.x < s.x + s.width && s.y < t.y + t.height && t.y < s.y + s.height
    expect(overlaps).toBe(false)
    await screenshot(page, 'polish-bet-selected')
  })

  it('the owner resets the edit and view links; the old edit link is denied, the new one works', async () => {
    const board = await suite.createSeededBoard(TREE)
    const { page: owner } = await suite.person('Olivia', board.ownerUrl)
    await waitForStatus(owner, 'live')
    // The creator remembers the links (as the home page does when it creates a board).
    await owner.evaluate((b) => {
      const list = JSON.parse(localStorage.getItem('outcome-board:recent') ?? '[]')
      const entry = { id: b.id, title: b.title, token: b.ownerToken, role: 'owner', openedAt: Date.now(), links: { owner: b.ownerUrl, edit: b.editUrl, view: b.viewUrl } }
      localStorage.setItem('outcome-board:recent', JSON.stringify([entry, ...list.filter((x: { id: string }) => x.id !== b.id)]))
    }, board)
    const { page: guest } = await suite.person('Gus', board.editUrl)
    await waitForStatus(guest, 'live')

    await owner.click('.ob-topbar button:has-text("Share")')
    await owner.click('[data-action=reset-links]')
    await owner.waitForSelector('.ob-reset--confirm:has-text("loses access")')
    await screenshot(owner, 'polish-reset-confirm')
    await owner.click('[data-action=confirm-reset-links]')
    await owner.waitForSelector('.ob-reset__done')
    const links = await owner.locator('.ob-popover input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
    const newEdit = links.find((l) => l.includes('/b/') && !l.includes(board.editToken) && !l.includes(board.ownerToken) && !l.includes(board.viewToken))
    expect(newEdit).toBeTruthy()
    expect(links.some((l) => l.includes(board.editToken) || l.includes(board.viewToken))).toBe(false)
    await screenshot(owner, 'polish-reset-done')
    // The remembered entry has the new links; the owner stays connected.
    const remembered = await owner.evaluate((id) => JSON.parse(localStorage.getItem('outcome-board:recent') ?? '[]').find((b: { id: string }) => b.id === id), board.id)
    expect(remembered.links.edit).not.toBe(board.editUrl)
    expect(remembered.links.view).not.toBe(board.viewUrl)
    expect(remembered.links.owner).toBe(board.ownerUrl)
    await waitForStatus(owner, 'live')

    // Gus, on the old edit link, is told access ended.
    await guest.waitForSelector('[data-testid=access-denied]', { timeout: 20_000 })
    expect(await guest.locator('[data-testid=access-denied]').textContent()).toContain('ask the owner for a new one')
    await screenshot(guest, 'polish-old-link-denied')
    // The new edit link works.
    const { page: fresh } = await suite.person('Gus again', newEdit!)
    await waitForStatus(fresh, 'live')
    expect((await treeTitles(fresh)).length).toBe(4)
  })

  it('no page errors and no foreign requests', () => {
    expect(suite.pageErrors).toEqual([])
    expect(suite.foreignRequests()).toEqual([])
  })
})
