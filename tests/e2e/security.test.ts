// Issue 18 in Chromium: a whole board session (create, edit, panels, PNG and SVG pictures, a voting round
// with a viewer voting) under the server's Content-Security-Policy logs not one violation and works; no request
// from a board page carries its token in a Referer; the owner deletes a board through the top bar's menu after
// typing its title, lands home with a notice, and a second browser watching sees "This board was deleted".

import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, openBoard, screenshot, TEAM_ONBOARDING, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard, Person } from './harness'

// Requests a service worker makes are reported too (playwright reads this when the browser starts).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1'

const suite = e2eSuite()
const local = suite.local

/** What one browser saw: CSP violations (event and console), requests with their headers, page errors. */
interface Watch extends Person {
  violations: string[]
  requests: { url: string; referer: string | undefined }[]
  pending: Promise<unknown>[]
  errors: string[]
}

async function watched(name: string): Promise<Watch> {
  const seen = { violations: [] as string[], requests: [] as Watch['requests'], pending: [] as Promise<unknown>[], errors: [] as string[] }
  const person = await suite.newPerson(name, {
    prepare: async (context) => {
      // In every document, before any of the app's scripts: report violations to the console, where they are read.
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) =>
          console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
        )
      })
      context.on('request', (request) => {
        seen.pending.push(request.allHeaders().then((headers) => seen.requests.push({ url: request.url(), referer: headers.referer }), () => {}))
      })
    },
  })
  person.page.on('console', (msg) => {
    const text = msg.text()
    if (text.startsWith('CSP-VIOLATION') || /Refused to|Content Security Policy/i.test(text)) seen.violations.push(text)
  })
  person.page.on('pageerror', (e) => seen.errors.push(e.message))
  return { ...person, ...seen }
}

const card = (page: Page, id: string) => page.locator(`.ob-card[data-node-id="${id}"]`)
const waitForVotesLeft = (page: Page, n: number) => page.waitForSelector(`[data-testid=votes-left][data-votes-left="${n}"]`, { timeout: 10_000 })

describe('a board session under the Content-Security-Policy', () => {
  let board: CreatedBoard
  let dana: Watch
  let mei: Watch

  it('create, edit, panels, PNG and SVG pictures and a voting round: zero violations, and everything works', async () => {
    dana = await watched('Dana')
    // Created through the home page, as a person would.
    await dana.page.goto(`${suite.server.url}/`)
    await dana.page.fill('input[name=title]', 'CSP workshop')
    await dana.page.click('button:has-text("Create board")')
    await dana.page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout: 30_000 })
    await waitForStatus(dana.page, 'live')
    // Then a seeded board for the round (the fixture has solutions to vote on).
    board = await suite.createSeededBoard(TEAM_ONBOARDING, 'Onboarding workshop')
    await openBoard(dana.page, local(board.ownerUrl))
    await waitForStatus(dana.page, 'live')
    const csp = (await dana.page.goto(local(board.ownerUrl)))!.headers()['content-security-policy']
    expect(csp).toContain("default-src 'self'")
    await dana.page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout: 30_000 })
    await waitForStatus(dana.page, 'live')

    // Edit: a new outcome typed in place.
    await dana.page.click('[data-action=add-outcome]')
    await dana.page.keyboard.type('Fewer support tickets')
    await dana.page.keyboard.press('Enter')
    await dana.page.waitForFunction(() => window.board!.tree().roots.length === 2)
    const ids = Object.fromEntries((await treeTitles(dana.page)).map((n) => [n.title, n.id]))

    // Panels: the outline, then a card's detail panel from it; the share popover.
    const outline = dana.page.locator('.ob-topbar button[aria-pressed]:has-text("Outline")')
    if ((await outline.getAttribute('aria-pressed')) !== 'true') await outline.click()
    await dana.page.locator(`.ob-orow[data-id="${ids['Activity digest per board']}"]`).click()
    await dana.page.locator('.ob-detail input[name=title]').waitFor({ state: 'visible' })
    await dana.page.click('button:has-text("Share")')
    await dana.page.locator('.ob-popover[aria-label="Share this board"]').waitFor()
    await dana.page.click('button:has-text("Share")')

    // Pictures drawn by tldraw (fonts embedded as data:, the PNG through a blob: image and a canvas).
    await dana.page.click('[data-action=export]')
    const [png] = await Promise.all([dana.page.waitForEvent('download'), dana.page.click('[data-action=picture-png]')])
    const pngBytes = fs.readFileSync((await png.path())!)
    expect(pngBytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(pngBytes.length).toBeGreaterThan(5_000)
    const [svg] = await Promise.all([dana.page.waitForEvent('download'), dana.page.click('[data-action=picture-svg]')])
    expect(fs.readFileSync((await svg.path())!, 'utf8')).toContain('Activity digest per board')
    await dana.page.keyboard.press('Escape')

    // A voting round started in the UI; Mei (view link) votes by clicking.
    mei = await watched('Mei')
    await openBoard(mei.page, local(board.viewUrl))
    await waitForStatus(mei.page, 'readonly')
    await dana.page.click('[data-action=facilitate]')
    await dana.page.click('[data-action=start-voting]')
    await dana.page.waitForSelector('.ob-dialog--round')
    await dana.page.click('.ob-segmented__opt:has-text("Solutions")')
    await dana.page.selectOption('.ob-dialog--round select[name=scope]', ids["I can't tell whether my teammates have seen my changes"])
    await dana.page.fill('.ob-dialog--round input[name=votesPerPerson]', '2')
    await dana.page.click('[data-action=start-round]')
    await waitForVotesLeft(mei.page, 2)
    await card(mei.page, ids['Activity digest per board']).locator('button[aria-label="Add a vote"]').click()
    await waitForVotesLeft(mei.page, 1)
    await card(dana.page, ids['Seen-by markers on changed items']).locator('button[aria-label="Add a vote"]').click()
    await waitForVotesLeft(dana.page, 1)
    for (const w of [dana, mei]) await w.page.waitForSelector('[data-testid=voters][data-voters="2"]')
    // A reload keeps Mei's ballot: her identity is the server's cookie, not something the page made up.
    await mei.page.reload()
    await mei.page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout: 30_000 })
    await waitForVotesLeft(mei.page, 1)
    expect(await card(mei.page, ids['Activity digest per board']).locator('[data-testid=vote]').getAttribute('data-mine')).toBe('1')
    // The cookie is out of scripts' reach.
    expect(await mei.page.evaluate(() => document.cookie)).toBe('')
    await dana.page.click('[data-action=reveal-votes]')
    for (const w of [dana, mei]) {
      await w.page.waitForSelector('[data-testid=results]')
      await card(w.page, ids['Activity digest per board']).locator('[data-testid=vote-count][data-votes="1"]').waitFor()
    }
    await screenshot(dana.page, 'security-csp-session')

    for (const w of [dana, mei]) {
      await Promise.all(w.pending)
      expect(w.violations, 'CSP violations').toEqual([])
      expect(w.errors, 'page errors').toEqual([])
      expect(w.foreign, 'requests to other hosts').toEqual([])
    }
  }, 240_000)

  it('no request from a board page carries the token in a Referer', async () => {
    const tokens = [board.ownerToken, board.editToken, board.viewToken]
    // A reload with the service worker in place, and a first visit of a fresh profile, both count.
    await dana.page.reload()
    await dana.page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout: 30_000 })
    await waitForStatus(dana.page, 'live')
    await dana.page.click('[data-action=export]')
    const [png] = await Promise.all([dana.page.waitForEvent('download'), dana.page.click('[data-action=picture-png]')])
    expect(await png.path()).toBeTruthy()
    for (const w of [dana, mei]) await Promise.all(w.pending)
    const all = [...dana.requests, ...mei.requests]
    expect(all.length).toBeGreaterThan(20)
    // The SVG sprite tldraw's icons come from was the one that used to carry the page's URL.
    expect(all.some((r) => /\.svg/.test(r.url))).toBe(true)
    const leaking = all.filter((r) => r.referer && (tokens.some((t) => r.referer!.includes(t)) || r.referer.includes('token=')))
    expect(leaking).toEqual([])
    // The page took the token out of its address once it had opened the board (kept for reloads in the tab).
    for (const w of [dana, mei]) expect(w.page.url()).toMatch(/\/b\/[A-Za-z0-9_-]{16}$/)
    for (const w of [dana, mei]) expect(w.violations).toEqual([])
    await dana.context.close()
    await mei.context.close()
  })
})

describe('deleting a board', () => {
  it('the owner deletes it from the top bar menu after typing its title; a watcher sees it was deleted', async () => {
    const board = await suite.createSeededBoard(TEAM_ONBOARDING, 'Retired experiment')
    const owner = await watched('Olga')
    const watcher = await watched('Wes')
    // A board page on this busy machine, after the session above, may take longer than openBoard's 30 s.
    for (const [w, url] of [[owner, board.ownerUrl], [watcher, board.editUrl]] as const) {
      await w.page.goto(local(url))
      await w.page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout: 90_000 })
    }
    await waitForStatus(owner.page, 'live')
    await waitForStatus(watcher.page, 'live')
    // Participants have no board menu.
    expect(await watcher.page.locator('[data-action=board-menu]').count()).toBe(0)

    await owner.page.click('[data-action=board-menu]')
    await owner.page.click('[data-action=delete-board]')
    const dialog = owner.page.locator('[data-testid=delete-board-dialog]')
    await dialog.waitFor()
    expect(await dialog.locator('h2').textContent()).toBe('Delete “Retired experiment”?')
    const confirm = dialog.locator('[data-action=confirm-delete-board]')
    expect(await confirm.isDisabled()).toBe(true)
    // Cancel keeps the board.
    await dialog.locator('button:has-text("Cancel")').click()
    await dialog.waitFor({ state: 'detached' })
    await owner.page.click('[data-action=board-menu]')
    await owner.page.click('[data-action=delete-board]')
    await dialog.locator('[data-testid=delete-board-confirm-title]').fill('Retired')
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.locator('[data-testid=delete-board-confirm-title]').fill('Retired experiment')
    await screenshot(owner.page, 'security-delete-board-dialog')
    await confirm.click()

    // The owner lands home with a notice, and the board is gone from their recent boards.
    await owner.page.waitForURL(`${suite.server.url}/`)
    const notice = owner.page.locator('[data-testid=home-notice]')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('Retired experiment')
    expect(await owner.page.locator('.ob-recent').textContent()).not.toContain('Retired experiment')
    // The watcher is told plainly.
    await watcher.page.locator('[data-testid=board-deleted]').waitFor({ timeout: 15_000 })
    expect(await watcher.page.locator('[data-testid=board-deleted] h1').textContent()).toBe('This board was deleted')
    await screenshot(watcher.page, 'security-board-deleted')

    const res = await fetch(`${suite.server.url}/api/boards/${board.id}`, { headers: { authorization: `Bearer ${board.ownerToken}` } })
    expect(res.status).toBe(404)
    // Opening the link again says it does not exist.
    await watcher.page.goto(local(board.editUrl))
    await watcher.page.locator('[data-testid=access-denied]').waitFor()
    for (const w of [owner, watcher]) {
      await Promise.all(w.pending)
      expect(w.violations).toEqual([])
      expect(w.errors).toEqual([])
    }
    await owner.context.close()
    await watcher.context.close()
  }, 240_000)
})
