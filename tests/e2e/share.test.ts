// Issue 22, point 9: people with the edit link can copy the view link from Share to invite stakeholders
// read-only; a viewer's Share shows only the view link they hold. The copied link opens the board read-only.

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot, waitForStatus } from './harness'
import type { CreatedBoard } from './harness'

const suite = e2eSuite({ person: { viewport: { width: 1280, height: 800 }, clipboard: true }, noPageErrorsAfterAll: true })
const local = suite.local
let board: CreatedBoard

async function openShare(page: Page) {
  await page.locator('.ob-share button', { hasText: 'Share' }).click()
  const popover = page.locator('[data-testid=share-popover]')
  await popover.waitFor()
  return popover
}

beforeAll(async () => {
  board = await suite.createBoard('Share the view link')
})

describe('share (issue 22, point 9)', () => {
  it('an editor copies the view link from Share, and it opens the board read-only', async () => {
    const { page: ed } = await suite.person('Ed', board.editUrl)
    await waitForStatus(ed, 'live')
    const popover = await openShare(ed)
    const view = popover.locator('[data-link=view]')
    await view.waitFor()
    expect(await view.locator('input').inputValue()).toBe(board.viewUrl)
    expect(await view.textContent()).toContain('Read-only')
    // Their own edit link is there too; the owner's is not.
    expect(await popover.locator('[data-link=edit] input').inputValue()).toBe(local(board.editUrl))
    expect(await popover.locator('[data-link=owner]').count()).toBe(0)
    expect(await popover.textContent()).not.toContain(board.ownerToken)
    await screenshot(ed, 'i22-share-editor')
    await view.locator('button', { hasText: 'Copy' }).click()
    await view.locator('button', { hasText: 'Copied' }).waitFor()
    const copied = await ed.evaluate(() => navigator.clipboard.readText())
    expect(copied).toBe(board.viewUrl)

    const { page: stakeholder } = await suite.person('Stella', copied)
    await waitForStatus(stakeholder, 'readonly')
  })

  it('a viewer sees only the view link they hold', async () => {
    const { page: vera } = await suite.person('Vera', board.viewUrl)
    await waitForStatus(vera, 'readonly')
    const popover = await openShare(vera)
    expect(await popover.locator('[data-link=view] input').inputValue()).toBe(local(board.viewUrl))
    expect(await popover.locator('[data-link=edit]').count()).toBe(0)
    expect(await popover.locator('[data-link=owner]').count()).toBe(0)
  })

  it('after the owner resets the links, the editor’s Share shows the new view link', async () => {
    const res = await fetch(`${suite.server.url}/api/boards/${board.id}/tokens/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roles: ['viewer'] }),
    })
    const fresh = (await res.json()) as { viewUrl: string }
    const { page: ed } = await suite.person('Ed2', board.editUrl)
    await waitForStatus(ed, 'live')
    const popover = await openShare(ed)
    await expect.poll(() => popover.locator('[data-link=view] input').inputValue()).toBe(fresh.viewUrl)
  })
})
