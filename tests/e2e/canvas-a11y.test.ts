// Issue 22, points 10 and 11: axe-core finds no violation on the home page nor on a board with every panel
// open (outline, node panel, bet panel, decision log, history, menus and popovers, a voting round and a
// finished timer); and a lazily loaded part (the importer) that failed to load opens on the next try, also
// where the browser remembers a failed module URL for good (Chromium 150's behaviour, simulated here).

import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, openBoard, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard } from './harness'

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

// The app's CSP allows no inline script; axe is injected as one.
const suite = e2eSuite({ person: { viewport: { width: 1440, height: 900 }, bypassCSP: true } })

const TREE = {
  title: 'Accessible board',
  roots: [
    {
      kind: 'outcome',
      title: 'More teams finish onboarding',
      children: [
        {
          kind: 'opportunity',
          title: 'Install a tracker and see nothing happen',
          importance: 8,
          satisfaction: 3,
          children: [
            { kind: 'solution', title: 'Guided setup checklist', children: [{ kind: 'assumption', title: 'People read checklists', children: [] }] },
            { kind: 'solution', title: 'Sample data on day one', children: [] },
          ],
        },
        { kind: 'opportunity', title: 'Let me pay for the app', children: [] },
      ],
    },
  ],
}

async function api(board: CreatedBoard, method: string, pathname: string, token: string, body?: unknown) {
  return fetch(`${suite.server.url}/api/boards/${board.id}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
}

/** axe-core's violations on the page as it is now, as short readable lines. */
async function violations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH })
  // Colours are judged once panels have finished sliding and fading in (endless spinners aside).
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity))
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').slice(0, 2).join(' ') ?? ''}`))
  })
  return found.map((line) => `${where}: ${line}`)
}

describe('accessibility', () => {
  it('the home page has no axe violation', async () => {
    const board = await suite.createSeededBoard(TREE)
    // A board in the recent list, so the page shows it.
    const { page } = await suite.person('Ada', board.ownerUrl)
    await page.goto(suite.server.url + '/')
    await page.waitForSelector('.ob-home')
    expect(await violations(page, 'home')).toEqual([])
  })

  it('a board with every panel open has no axe violation', { timeout: 180_000 }, async () => {
    const board = await suite.createSeededBoard(TREE)
    const tree = await (await api(board, 'GET', '/tree', board.viewToken)).json()
    const solution = tree.roots[0].children[0].children[0]
    expect((await api(board, 'POST', '/bet', board.editToken, { solutionId: solution.id })).status).toBe(201)
    expect((await api(board, 'POST', '/timer', board.ownerToken, { action: 'start', seconds: 1 })).status).toBeLessThan(300)
    expect((await api(board, 'POST', '/rounds', board.ownerToken, { target: 'opportunity' })).status).toBeLessThan(300)
    const { page } = await suite.person('Axel', board.ownerUrl)
    await waitForStatus(page, 'live')
    await page.waitForSelector('[data-testid=timer][data-state=done]')
    await page.waitForSelector('.ob-vote')
    const found: string[] = []
    // Outline and node panel (a card selected), votes on the cards, the finished timer.
    const opportunity = (await treeTitles(page)).find((n) => n.kind === 'opportunity')!
    await page.locator(`.ob-orow[data-id="${opportunity.id}"]`).click()
    await page.waitForSelector('.ob-detail')
    found.push(...(await violations(page, 'outline + node panel + round')))
    // Bet panel.
    await page.click('[data-testid=bet-chip]')
    await page.waitForSelector('.ob-drawer')
    found.push(...(await violations(page, 'bet panel')))
    await page.click('[data-testid=bet-chip]')
    await page.waitForSelector('.ob-drawer', { state: 'detached' })
    // Decision log (from the More menu, which is checked open first).
    await page.click('[data-action=more]')
    await page.waitForSelector('.ob-moremenu')
    found.push(...(await violations(page, 'more menu')))
    await page.click('.ob-moremenu [data-action=decisions]')
    await page.waitForSelector('.ob-decisions')
    found.push(...(await violations(page, 'decision log')))
    // Export menu, Share popover, Facilitate menu.
    await page.click('[data-action=export]')
    await page.waitForSelector('.ob-exportmenu')
    found.push(...(await violations(page, 'export menu')))
    await page.keyboard.press('Escape')
    await page.click('.ob-topbar button:has-text("Share")')
    await page.waitForSelector('[role=dialog][aria-label="Share this board"]')
    found.push(...(await violations(page, 'share')))
    await page.keyboard.press('Escape')
    await page.click('[data-action=facilitate]')
    await page.waitForSelector('[role=menu][aria-label=Facilitation]')
    found.push(...(await violations(page, 'facilitate menu')))
    await page.keyboard.press('Escape')
    // History panel, when this build has one.
    if (await page.locator('[data-action=history]').count()) {
      await page.click('[data-action=history]')
      await page.waitForTimeout(500)
      found.push(...(await violations(page, 'history')))
      await page.click('[data-action=history]')
    }
    // Revealed results.
    expect((await api(board, 'POST', '/rounds/current/reveal', board.ownerToken)).status).toBeLessThan(300)
    await page.waitForSelector('.ob-votecount')
    found.push(...(await violations(page, 'results')))
    expect(found).toEqual([])
  })
})

describe('lazy chunks', () => {
  for (const browserMemory of ['this Chromium', 'a browser that remembers a failed module URL (Chromium 150)']) {
    it(`the importer opens on the next try after a failed load, in ${browserMemory}`, async () => {
      const board = await suite.createSeededBoard(TREE)
      const remembers = browserMemory.startsWith('a browser')
      const { page } = await suite.newPerson(`Lou${remembers ? 150 : ''}`, { serviceWorkers: 'block' })
      let reachable = false
      const seen: string[] = []
      await page.context().route(/\/assets\/ImportForm-[\w-]+\.js(\?.*)?$/, (route) => {
        const url = new URL(route.request().url())
        seen.push(url.search)
        // Chromium 150 never asks the network again for a module URL whose import failed: the same URL fails
        // at once, only a fresh one can load.
        if (!reachable || (remembers && !url.search)) return route.abort('internetdisconnected')
        return route.continue()
      })
      await openBoard(page, suite.local(board.editUrl))
      await waitForStatus(page, 'live')
      await page.click('[data-action=more]')
      await page.click('.ob-moremenu [data-action=import]')
      await page.locator('[data-testid=notice]', { hasText: 'The importer did not load' }).waitFor()
      expect(await page.locator('[data-testid=import-dialog]').count()).toBe(0)
      reachable = true
      await page.click('[data-action=more]')
      await page.click('.ob-moremenu [data-action=import]')
      await page.locator('[data-testid=import-dialog]').waitFor()
      expect(seen[0]).toBe('')
      expect(seen.at(-1)).toMatch(/^\?retry=/)
    })
  }
})
