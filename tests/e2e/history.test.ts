// Version history in Chromium against the real server: Ed (edit link) names a version of a small tree; Olivia
// (owner link) deletes cards and renames one, opens History, browses the named version (a read-only canvas
// and outline of the tree as it was, with what differs from now marked in words), restores it, undoes the
// restore and brings back only the deleted cards; Vera (view link) watches every restore arrive live, and
// sees the list but cannot restore.

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard, Person } from './harness'

// The shared 2-core machine can be slow to mount the editor: wait longer than openBoard's 30 s.
const suite = e2eSuite({ person: { openTimeout: 90_000 } })
let board: CreatedBoard
let olivia: Person
let ed: Person
let vera: Person
const ids: Record<string, string> = {}

const OUTCOME = 'Grow weekly active teams'
const OPP_A = 'Teams lose track of decisions'
const OPP_B = 'Onboarding takes too long'
const SOL_A = 'Decision digest'
const SOL_B = 'Guided setup'
const RENAMED = 'Decision digest (weekly)'
const NAMED = 'After the interview synthesis'

const titles = async (page: Page) => (await treeTitles(page)).map((n) => n.title).sort()

/** Waits until the page's live tree holds exactly these titles. */
async function waitForTitles(page: Page, expected: string[]) {
  const want = [...expected].sort()
  await page.waitForFunction(
    (w) => {
      const tree = window.board?.tree()
      if (!tree) return false
      const got = [...tree.byId.values()].map((n) => n.props.title).sort()
      return JSON.stringify(got) === JSON.stringify(w)
    },
    want,
    { timeout: 20_000 },
  )
}

async function openHistory(page: Page) {
  await page.click('[data-action=history]')
  await page.locator('[data-testid=history-panel]').waitFor()
  await page.locator('[data-testid=version]').first().waitFor()
}

async function openVersion(page: Page, title: string) {
  await page.locator('[data-testid=version]', { hasText: title }).first().click()
  await page.locator('[data-testid=compare-view]').waitFor()
  await page.waitForFunction(() => !!window.versionEditor && window.versionEditor.getCurrentPageShapeIds().size > 0)
}

beforeAll(async () => {
  board = await suite.createBoard('History board')
  olivia = await suite.person('Olivia', board.ownerUrl)
  await waitForStatus(olivia.page, 'live')
  ed = await suite.person('Ed', board.editUrl)
  vera = await suite.person('Vera', board.viewUrl)
}, 300_000)

describe('version history', () => {
  it('the owner builds a small tree', async () => {
    const page = olivia.page
    await page.evaluate(
      ([outcome, oppA, oppB, solA, solB]) => {
        const { actions } = window.board!
        const editor = window.editor!
        const o = actions.createNode(editor, 'outcome', { title: outcome, edit: false })!
        const a = actions.addChild(editor, o, 'opportunity', { title: oppA, edit: false })!
        const b = actions.addChild(editor, o, 'opportunity', { title: oppB, edit: false })!
        actions.addChild(editor, a, 'solution', { title: solA, edit: false })
        actions.addChild(editor, b, 'solution', { title: solB, edit: false })
      },
      [OUTCOME, OPP_A, OPP_B, SOL_A, SOL_B],
    )
    for (const n of await treeTitles(page)) ids[n.title] = n.id
    expect(await titles(page)).toEqual([OPP_A, OPP_B, SOL_A, SOL_B, OUTCOME].sort())
    await waitForTitles(ed.page, [OUTCOME, OPP_A, OPP_B, SOL_A, SOL_B])
    await waitForTitles(vera.page, [OUTCOME, OPP_A, OPP_B, SOL_A, SOL_B])
  })

  it('an editor names the present from the history panel', async () => {
    const page = ed.page
    await page.click('[data-action=history]')
    await page.locator('[data-testid=history-panel]').waitFor()
    await page.click('[data-action=save-version]')
    await page.getByLabel('Name this version').fill(NAMED)
    await page.click('[data-action=confirm-save-version]')
    const item = page.locator('[data-testid=version]', { hasText: NAMED })
    await item.waitFor()
    expect(await item.getAttribute('data-reason')).toBe('named')
    await expect(item.textContent()).resolves.toContain('Ed (editor)')
    // Escape closes the panel (nothing is open on the canvas).
    await item.focus()
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=history-panel]').waitFor({ state: 'detached' })
  })

  it('the owner deletes cards and renames one; the history shows the named version', async () => {
    const page = olivia.page
    await page.evaluate(
      ([opp, sol, title]) => {
        const { actions } = window.board!
        actions.deleteNodes(window.editor!, [opp], 'subtree')
        actions.updateNodeProps(window.editor!, sol, { title })
      },
      [ids[OPP_B], ids[SOL_A], RENAMED],
    )
    await waitForTitles(vera.page, [OUTCOME, OPP_A, RENAMED])

    await openHistory(page)
    const versions = page.locator('[data-testid=version]')
    await versions.filter({ hasText: NAMED }).waitFor()
    // Keyboard: the first version takes focus; ↓/↑ move through the list; Enter opens one.
    const first = versions.first()
    await first.focus()
    await page.keyboard.press('End')
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('version')
    await page.keyboard.press('Home')
    expect(await page.evaluate(() => document.activeElement === document.querySelector('[data-testid=version]'))).toBe(true)
  })

  it('browsing the version shows it read-only, with what differs from now marked in words', async () => {
    const page = olivia.page
    const index = await page.locator('[data-testid=version]').evaluateAll((els, name) => els.findIndex((el) => el.textContent?.includes(name)), NAMED)
    expect(index).toBeGreaterThanOrEqual(0)
    await page.locator('[data-testid=version]').first().focus()
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=compare-view]').waitFor()
    await page.waitForFunction(() => !!window.versionEditor && window.versionEditor.getCurrentPageShapeIds().size > 0)
    await expect(page.locator('.ob-compare__banner').textContent()).resolves.toContain(NAMED)

    // The canvas holds the tree as it was, and cannot be edited.
    const version = await page.evaluate(() => {
      const ed = window.versionEditor!
      const before = ed.getCurrentPageShapes().map((s) => (s.props as { title?: string }).title ?? '')
      ed.deleteShapes([...ed.getCurrentPageShapeIds()])
      return { readonly: ed.getIsReadonly(), titles: before.sort(), after: ed.getCurrentPageShapeIds().size }
    })
    expect(version.readonly).toBe(true)
    expect(version.titles).toEqual([OUTCOME, OPP_A, OPP_B, SOL_A, SOL_B].sort())
    expect(version.after).toBe(5)

    // Marks on the canvas: colour and a label.
    const removed = page.locator(`.ob-diffmark[data-id="${ids[OPP_B]}"]`)
    await removed.waitFor()
    expect(await removed.getAttribute('data-change')).toBe('removed')
    await expect(removed.textContent()).resolves.toContain('Removed since')
    await expect(page.locator(`.ob-diffmark[data-id="${ids[SOL_B]}"]`).textContent()).resolves.toContain('Removed since')
    const changed = page.locator(`.ob-diffmark[data-id="${ids[SOL_A]}"]`)
    expect(await changed.getAttribute('data-change')).toBe('changed')
    await expect(changed.textContent()).resolves.toContain('renamed')

    // The outline shows the tree then, labelled.
    const outline = page.locator('.ob-voutline')
    await expect(outline.locator('[role=treeitem]').count()).resolves.toBe(5)
    expect(await outline.locator(`[data-id="${ids[OPP_B]}"]`).getAttribute('aria-label')).toContain('Removed since')
    await expect(outline.locator(`[data-id="${ids[SOL_A]}"]`).textContent()).resolves.toContain(SOL_A)
    expect(await outline.locator(`[data-id="${ids[OUTCOME]}"]`).getAttribute('data-change')).toBeNull()

    // The panel lists the differences; one click zooms the canvas to a card.
    const diffs = page.locator('[data-testid=differences]')
    await expect(diffs.locator('[data-change=removed]').count()).resolves.toBe(2)
    await expect(diffs.locator('[data-change=changed]').count()).resolves.toBe(1)
    await diffs.locator(`[data-id="${ids[OPP_B]}"]`).click()
    expect(await page.evaluate(() => window.versionEditor!.getSelectedShapeIds())).toEqual([ids[OPP_B]])

    // The live board underneath is untouched.
    expect(await titles(page)).toEqual([OUTCOME, OPP_A, RENAMED].sort())
    await screenshot(page, 'history-compare')
  })

  it('a viewer sees the list and the version, but cannot restore, and is told why', async () => {
    const page = vera.page
    await openHistory(page)
    await openVersion(page, NAMED)
    expect(await page.locator('[data-action=restore-version]').isDisabled()).toBe(true)
    expect(await page.locator('[data-action=restore-deleted]').isDisabled()).toBe(true)
    expect(await page.locator('[data-action=banner-restore]').isDisabled()).toBe(true)
    await expect(page.locator('[data-testid=restore-why]').textContent()).resolves.toContain('Only the board’s owner')
    expect(await page.locator('[data-action=save-version]').count()).toBe(0)
    // The version's tree can be exported like the live one.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export-version-md]')])
    const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'))
    expect(text).toContain(`Opportunity: ${OPP_B}`)
    // The live canvas underneath is out of sight while the version is shown.
    expect(await page.locator('.ob-board__canvas').evaluate((el) => getComputedStyle(el).visibility)).toBe('hidden')
    // Back to now, then close: the live canvas again.
    await page.click('[data-action=back-to-now]')
    await page.locator('[data-testid=compare-view]').waitFor({ state: 'detached' })
    await page.click('[data-action=close-history]')
    await page.locator('[data-testid=history-panel]').waitFor({ state: 'detached' })
  })

  it('the owner restores the version; the viewer sees it arrive live', async () => {
    const page = olivia.page
    await page.click('[data-action=restore-version]')
    const dialog = page.locator('[data-testid=restore-dialog]')
    await dialog.waitFor()
    await expect(dialog.textContent()).resolves.toContain('The present is saved as a version first')
    await page.click('[data-action=confirm-restore]')
    await dialog.waitFor({ state: 'detached' })
    const notice = page.locator('[data-testid=restore-notice]')
    await notice.waitFor()
    await expect(notice.textContent()).resolves.toContain('Restored')
    await page.locator('[data-testid=compare-view]').waitFor({ state: 'detached' })

    const all = [OUTCOME, OPP_A, OPP_B, SOL_A, SOL_B]
    await waitForTitles(page, all)
    await waitForTitles(vera.page, all)
    await waitForTitles(ed.page, all)
    // The restore and the present before it are in the history.
    await page.locator('[data-testid=version][data-reason=before-restore]').first().waitFor()
  })

  it('Undo restores the version saved before the restore', async () => {
    const page = olivia.page
    await page.click('[data-action=undo-restore]')
    await expect(page.locator('[data-testid=restore-notice]').textContent()).resolves.toBeTruthy()
    await page.locator('[data-testid=restore-notice]', { hasText: 'Restore undone' }).waitFor()
    await waitForTitles(page, [OUTCOME, OPP_A, RENAMED])
    await waitForTitles(vera.page, [OUTCOME, OPP_A, RENAMED])
  })

  it('"Bring back deleted cards" restores only the cards deleted since', async () => {
    const page = olivia.page
    await openVersion(page, NAMED)
    await expect(page.locator('[data-action=restore-deleted]').textContent()).resolves.toContain('(2)')
    await page.click('[data-action=restore-deleted]')
    await page.locator('[data-testid=restore-dialog]').waitFor()
    await page.click('[data-action=confirm-restore]')
    await page.locator('[data-testid=restore-dialog]').waitFor({ state: 'detached' })
    // The deleted cards are back; the rename made since stays.
    const expected = [OUTCOME, OPP_A, OPP_B, RENAMED, SOL_B]
    await waitForTitles(page, expected)
    await waitForTitles(vera.page, expected)
    const tree = await treeTitles(vera.page)
    expect(tree.find((n) => n.title === SOL_B)?.parentId).toBe(ids[OPP_B])
  })

  it('an import saves the present as a version first', async () => {
    const page = olivia.page
    if (await page.locator('[data-action=more]').count()) await page.click('[data-action=more]')
    await page.click('[data-action=import]')
    await page.locator('[data-testid=import-dialog]').waitFor()
    await page.locator('[data-testid=import-dialog] textarea').fill('- Outcome: Imported outcome')
    await page.click('[data-action=confirm-import]')
    await page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' })
    await waitForTitles(page, [OUTCOME, OPP_A, OPP_B, RENAMED, SOL_B, 'Imported outcome'])
    // The history panel is still open and polls: the version made before the import shows up.
    const before = page.locator('[data-testid=version][data-reason=before-import]')
    await before.first().waitFor()
    await expect(before.first().textContent()).resolves.toContain('Before an import')
  })

  it('no page errors', () => {
    expect(suite.pageErrors).toEqual([])
  })
})
