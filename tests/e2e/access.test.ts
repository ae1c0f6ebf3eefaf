// Access control as a person sees it: a wrong token ends on a clear "access denied" page and the app stops
// trying; the home page creates a board and remembers it; a pasted link opens the board.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createBoardViaApi, launchChromium, newContext, recordForeignRequests, screenshot, startE2EServer, waitForStatus } from './harness'
import type { E2EServer } from './harness'

let server: E2EServer
let browser: Browser

beforeAll(async () => {
  server = await startE2EServer()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('access and the home page', () => {
  it('a wrong token shows "access denied" and the websocket does not keep retrying', async () => {
    const board = await createBoardViaApi(server.url, 'Secret board')
    const context = await newContext(browser, 'Mallory')
    const foreign = recordForeignRequests(context, server.url)
    const page = await context.newPage()
    let sockets = 0
    page.on('websocket', () => sockets++)
    await page.goto(`${server.url}/b/${board.id}?token=not-the-token`)
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
    const board = await createBoardViaApi(server.url, 'Flaky network')
    const context = await newContext(browser, 'Olu')
    const page = await context.newPage()
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
    const context = await newContext(browser, 'Hana')
    const foreign = recordForeignRequests(context, server.url)
    const page = await context.newPage()
    await page.goto(`${server.url}/`)
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

    await page.goto(`${server.url}/`)
    await page.waitForSelector('.ob-recent li')
    expect(await page.locator('.ob-recent li').first().textContent()).toContain('Onboarding discovery')

    // Paste someone else's view link.
    const other = await createBoardViaApi(server.url, 'Shared with me')
    await page.fill('input[name=link]', other.viewUrl)
    await page.click('button:has-text("Open board")')
    await page.waitForFunction(() => !!window.board)
    await waitForStatus(page, 'readonly')
    expect(foreign).toEqual([])
    await context.close()
  })
})
