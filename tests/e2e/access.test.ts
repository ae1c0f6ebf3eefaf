// Access control as a person sees it: a wrong token ends on a clear "access denied" page and the app stops
// trying; the home page creates a board and remembers it; a pasted link opens the board.

import { describe, expect, it } from 'vitest'
import { e2eSuite, screenshot, waitForStatus } from './harness'

const suite = e2eSuite()

describe('access and the home page', () => {
  it('a wrong token shows "access denied" and the websocket does not keep retrying', async () => {
    const board = await suite.createBoard('Secret board')
    const { context, page, foreign } = await suite.newPerson('Mallory')
    let sockets = 0
    page.on('websocket', () => sockets++)
    await page.goto(`${suite.server.url}/b/${board.id}?token=not-the-token`)
    await page.waitForSelector('[data-testid=access-denied] [data-status=denied]')
    // The board's document starts loading alongside the token check, so one attempt (refused by the server)
    // may be made; once the page knows the token is wrong, no more.
    const atDenial = sockets
    await page.waitForTimeout(1500)
    expect(atDenial).toBeLessThanOrEqual(1)
    expect(sockets).toBe(atDenial)
    await screenshot(page, 'access-denied')
    expect(foreign).toEqual([])
    await context.close()
  })

  it("says so when the editor's code cannot load, and a reload opens the board", async () => {
    const board = await suite.createBoard('Flaky network')
    const { context, page } = await suite.newPerson('Olu')
    // The editor is its own chunk, loaded while the board's info and document arrive.
    await page.route(/\/assets\/BoardEditor-[^/]+\.js$/, (route) => route.abort('internetdisconnected'))
    await page.goto(board.editUrl)
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('did not load')
    await page.unroute(/\/assets\/BoardEditor-[^/]+\.js$/)
    await alert.getByRole('button', { name: 'Reload' }).click()
    await page.waitForFunction(() => !!window.board)
    await waitForStatus(page, 'live')
    expect(await page.locator('.ob-topbar__title').textContent()).toBe('Flaky network')
    await context.close()
  })

  it('creates a board from the home page, remembers it, and opens a pasted link', async () => {
    const { context, page, foreign } = await suite.newPerson('Hana')
    await page.goto(`${suite.server.url}/`)
    await page.fill('input[name=title]', 'Onboarding discovery')
    await page.click('button:has-text("Create board")')
    await page.waitForURL(/\/b\/[^/]+\?token=/)
    await page.waitForFunction(() => !!window.board)
    await waitForStatus(page, 'live')
    expect(await page.locator('.ob-topbar__title').textContent()).toBe('Onboarding discovery')

    // Share popover offers the edit and view links the server returned.
    await page.click('button:has-text("Share")')
    const links = await page.locator('.ob-popover input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
    expect(links.some((l) => l.includes('/b/'))).toBe(true)
    expect(links.length).toBeGreaterThanOrEqual(2)

    await page.goto(`${suite.server.url}/`)
    await page.waitForSelector('.ob-recent li')
    expect(await page.locator('.ob-recent li').first().textContent()).toContain('Onboarding discovery')

    // Paste someone else's view link.
    const other = await suite.createBoard('Shared with me')
    await page.fill('input[name=link]', other.viewUrl)
    await page.click('button:has-text("Open board")')
    await page.waitForFunction(() => !!window.board)
    await waitForStatus(page, 'readonly')
    expect(foreign).toEqual([])
    await context.close()
  })
})
