// Locking in the bet in two browsers against the real server (with mock GitHub/Jira/Linear): Olivia (owner
// link) builds a small tree with buttons and keys; Ed (edit link) previews the path with its Torres warnings
// and locks it; Olivia sees the bet chip, the marks and the locked cards live; exports come out of the UI
// (clipboard and downloads, markdown and a PNG picture); the decision log records lock and unlock; the owner
// unlocks and both see it cleared; a view link can export but not lock or import; pushing offers only the
// configured trackers, shows the issue key and link, and a rejected token comes back as a clear message.

import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loadTrackersConfig } from '../../server/trackers/config'
import { MOCK, mockTrackerEnv, startMockTrackers } from '../helpers/mock-trackers'
import type { MockTrackers } from '../helpers/mock-trackers'
import { e2eSuite, screenshot, startE2EServer, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard, Person } from './harness'

// Hooked before the suite: the trackers start before its server and close after it (afterAll runs in reverse).
let trackers: MockTrackers
beforeAll(async () => {
  trackers = await startMockTrackers()
})
afterAll(async () => {
  await trackers?.close()
})
const suite = e2eSuite({
  // GitHub and Jira are configured, Linear is not: the UI must offer exactly those two.
  server: () => startE2EServer(undefined, { trackers: loadTrackersConfig(mockTrackerEnv(trackers.url, ['github', 'jira'])) }),
  person: { clipboard: true },
})
let board: CreatedBoard
let olivia: Person
let ed: Person
const ids: Record<string, string> = {}

const OUTCOME = 'Increase weekly active teams'
const OPPORTUNITY = 'I can’t tell what changed since my last visit'
const DIGEST = 'Weekly activity digest email'
const PANEL = 'What’s new panel'
const ASSUMPTION = 'Team leads read email digests'

const mark = (page: Page, id: string) => page.locator(`.ob-card[data-node-id="${id}"] ~ [data-testid=bet-mark]`)

async function selectInOutline(page: Page, id: string) {
  await page.locator(`.ob-orow[data-id="${id}"]`).first().click()
  await page.waitForSelector('.ob-detail')
}

async function lockedIds(page: Page) {
  return page.evaluate(() =>
    window
      .editor!.getCurrentPageShapes()
      .filter((s) => s.isLocked)
      .map((s) => s.id as string)
      .sort(),
  )
}

async function readClipboard(page: Page) {
  return page.evaluate(() => navigator.clipboard.readText())
}

async function zoomToFit(page: Page) {
  await page.evaluate(() => {
    window.editor!.selectNone()
    window.editor!.zoomToFit()
  })
  await page.waitForTimeout(400)
}

beforeAll(async () => {
  board = await suite.createBoard('Activation bets')
  olivia = await suite.person('Olivia', board.ownerUrl)
  await waitForStatus(olivia.page, 'live')
})

describe('locking in the bet', () => {
  it('the owner builds a small tree with buttons and keys', async () => {
    const page = olivia.page
    await page.click('[data-action=add-outcome]')
    await page.keyboard.type(OUTCOME)
    await page.keyboard.press('Tab')
    await page.keyboard.type(OPPORTUNITY)
    await page.keyboard.press('Tab')
    await page.keyboard.type(DIGEST)
    await page.keyboard.press('Enter')
    await page.keyboard.press('Shift+Enter') // a sibling solution (Enter would edit the selected card)
    await page.keyboard.type(PANEL)
    await page.keyboard.press('Enter')
    for (const n of await treeTitles(page)) ids[n.title] = n.id
    // An assumption under the digest, through the test hook (the same action as the "+ Assumption" button).
    await page.evaluate(
      ([parent, title]) => window.board!.actions.addChild(window.editor!, parent, 'assumption', { title, edit: false }),
      [ids[DIGEST], ASSUMPTION],
    )
    for (const n of await treeTitles(page)) ids[n.title] = n.id
    expect((await treeTitles(page)).map((n) => [n.kind, n.title])).toEqual([
      ['outcome', OUTCOME],
      ['opportunity', OPPORTUNITY],
      ['solution', DIGEST],
      ['assumption', ASSUMPTION],
      ['solution', PANEL],
    ])
  })

  it('the editor previews the path with its warnings and locks it', async () => {
    ed = await suite.person('Ed', board.editUrl)
    await waitForStatus(ed.page, 'live')
    const page = ed.page
    await page.waitForSelector(`.ob-orow[data-id="${ids[ASSUMPTION]}"]`)
    await selectInOutline(page, ids[DIGEST])
    await page.click('[data-action=lock-bet]')
    const dialog = page.locator('[data-testid=lock-dialog]')
    await dialog.waitFor()
    const path = dialog.locator('[data-testid=bet-path]')
    await expect.poll(() => path.locator('.ob-betpath__title').allTextContents()).toEqual([OUTCOME, OPPORTUNITY, DIGEST])
    expect(await path.textContent()).toContain(ASSUMPTION)
    expect(await path.textContent()).toContain(PANEL) // compared with
    const warnings = dialog.locator('[data-testid=bet-warnings] [data-warning]')
    const codes = await warnings.evaluateAll((els) => els.map((e) => e.getAttribute('data-warning')))
    expect(codes).toContain('few-solutions-compared')
    expect(codes).toContain('no-tested-assumption')
    expect(await dialog.textContent()).toContain('Only 2 solutions compared')
    // Keyboard: focus starts on the lock button and Tab stays inside the dialog.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('confirm-lock')
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab')
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid=lock-dialog]'))).toBe(true)
    await screenshot(page, 'bet-lock-dialog')

    await dialog.locator('[data-action=confirm-lock]').click()
    await dialog.waitFor({ state: 'detached' })
    const panel = page.locator('[data-testid=bet-panel]')
    await panel.waitFor()
    expect(await panel.locator('#ob-betpanel-title').textContent()).toBe(DIGEST)
    expect(await panel.locator('[data-testid=bet-meta]').textContent()).toContain('Ed')
  })

  it('the owner sees the bet live: chip, marks, and locked cards', async () => {
    const page = olivia.page
    await page.waitForSelector('[data-testid=bet-chip]', { timeout: 15_000 })
    expect(await page.locator('[data-testid=bet-chip]').textContent()).toContain(DIGEST)
    const pathIds = [ids[OUTCOME], ids[OPPORTUNITY], ids[DIGEST], ids[ASSUMPTION]].sort()
    await expect.poll(() => lockedIds(page), { timeout: 15_000 }).toEqual(pathIds)
    expect(await lockedIds(ed.page)).toEqual(pathIds)
    await expect.poll(() => page.locator('[data-testid=bet-mark]').count()).toBe(4)
    expect(await mark(page, ids[DIGEST]).getAttribute('data-bet-role')).toBe('bet')
    expect(await mark(page, ids[OUTCOME]).getAttribute('data-bet-role')).toBe('path')
    expect(await mark(page, ids[PANEL]).count()).toBe(0)
    // A locked card cannot be renamed: its fields are disabled, with a note saying why.
    await selectInOutline(page, ids[DIGEST])
    expect(await page.locator('.ob-detail input[name=title]').isDisabled()).toBe(true)
    expect(await page.locator('[data-testid=bet-note]').textContent()).toContain('you can unlock it')
    // …nor deleted: the toolbar's Delete says why instead of silently doing nothing.
    await page.locator('.ob-seltools__btn--danger').click()
    await page.locator('[data-testid=notice]:has-text("locked bet")').waitFor()
    expect(await lockedIds(page)).toEqual(pathIds)
    await zoomToFit(page)
    await screenshot(page, 'bet-locked-owner')
  })

  it('exports the bet as markdown from the UI (clipboard) and the tree as a download', async () => {
    const page = ed.page
    await page.keyboard.press('Escape')
    await page.click('[data-action=export]')
    const menu = page.locator('[data-testid=export-menu]')
    await menu.waitFor()
    await screenshot(page, 'bet-export-menu')
    await menu.locator('[data-action=copy-bet-md]').click()
    await menu.locator('[data-action=copy-bet-md]:has-text("Copied")').waitFor()
    const md = await readClipboard(page)
    expect(md.startsWith(`# ${DIGEST}\n`)).toBe(true)
    expect(md).toContain(`**${OUTCOME}**`)
    expect(md).toContain(OPPORTUNITY)
    expect(md).toContain(ASSUMPTION)
    expect(md).toContain('Locked on')
    // Ed holds the edit link, but the issue links to the board read-only (the view link) and says so.
    expect(md).toContain(`[Open the board (read-only)](${board.viewUrl})`)
    expect(md).toContain('Anyone with this link can view the board (read access only, no editing).')
    expect(md).not.toContain(board.editToken)
    // Identical to what the server exports.
    const fromServer = await (await fetch(`${suite.server.url}/api/boards/${board.id}/bet/export?format=md`, { headers: { authorization: `Bearer ${board.viewToken}` } })).text()
    expect(md).toBe(fromServer)

    const [download] = await Promise.all([page.waitForEvent('download'), menu.locator('[data-action=download-tree-md]').click()])
    expect(download.suggestedFilename()).toBe('Activation-bets.md')
    const outline = fs.readFileSync((await download.path())!, 'utf8')
    expect(outline).toContain(`- Outcome: ${OUTCOME}`)
    expect(outline).toContain(`      - Assumption: ${ASSUMPTION}`)
    await page.keyboard.press('Escape')
    await menu.waitFor({ state: 'detached' })
  })

  it('a PNG picture of the board is a real, non-empty image', async () => {
    const page = ed.page
    // With nothing selected the picture is the whole tree (with a selection it is the selection's cards).
    await page.evaluate(() => window.editor!.selectNone())
    await page.click('[data-action=export]')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=picture-png]')])
    expect(download.suggestedFilename()).toBe('Activation-bets.png')
    const bytes = fs.readFileSync((await download.path())!)
    expect(bytes.length).toBeGreaterThan(5_000)
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    // Width and height from the IHDR chunk: a tree of five cards is wider than one card.
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(600)
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(300)
    fs.copyFileSync((await download.path())!, 'test-results/e2e/bet-board-picture.png')

    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=picture-svg]')])
    const svg = fs.readFileSync((await svgDownload.path())!, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain(DIGEST)
    expect(svg).toContain('ob-export-connectors')
    await page.keyboard.press('Escape')
  })

  it('the decision log shows the lock', async () => {
    const page = olivia.page
    await page.click('[data-action=more]')
    await page.click('[data-action=decisions]')
    const log = page.locator('[data-testid=decision-log]')
    await log.waitFor()
    const entries = log.locator('[data-testid=decision]')
    await expect.poll(() => entries.count()).toBe(1)
    expect(await entries.first().getAttribute('data-action-kind')).toBe('lock')
    const text = (await entries.first().textContent()) ?? ''
    expect(text).toContain(DIGEST)
    expect(text).toContain('Ed')
    expect(text).toContain(`${OUTCOME} → ${OPPORTUNITY} → ${DIGEST}`)
    await entries.first().locator('button:has-text("Show the snapshot")').click()
    await entries.first().locator('[data-testid=bet-path]').waitFor()
    await screenshot(page, 'bet-decision-log')
    await page.keyboard.press('Escape')
    await log.waitFor({ state: 'detached' })
  })

  it('a view link can export but not lock or import', async () => {
    const vera = await suite.person('Vera', board.viewUrl)
    await waitForStatus(vera.page, 'readonly')
    await vera.page.waitForSelector('[data-testid=bet-chip]')
    await vera.page.click('[data-action=more]')
    await vera.page.waitForSelector('.ob-moremenu [data-action=decisions]')
    expect(await vera.page.locator('[data-action=import]').count()).toBe(0)
    await vera.page.keyboard.press('Escape')
    await selectInOutline(vera.page, ids[PANEL])
    const lock = vera.page.locator('[data-action=lock-bet]')
    expect(await lock.isDisabled()).toBe(true)
    expect(await lock.getAttribute('title')).toContain('view link')
    await vera.page.click('[data-action=export]')
    await vera.page.locator('[data-action=copy-tree-json]').click()
    await vera.page.locator('[data-action=copy-tree-json]:has-text("Copied")').waitFor()
    const json = JSON.parse(await readClipboard(vera.page))
    expect(json.roots[0].title).toBe(OUTCOME)
    await vera.page.keyboard.press('Escape')
    // The bet panel offers exports but no push or unlock.
    await vera.page.click('[data-testid=bet-chip]')
    const panel = vera.page.locator('[data-testid=bet-panel]')
    await panel.waitFor()
    expect(await panel.locator('[data-action=unlock-bet]').count()).toBe(0)
    expect(await panel.locator('[data-action=push-github]').isDisabled()).toBe(true)
    // Her copy of the issue links to the view link she opened the board with (the token is gone from the
    // address bar by now, so this is the link rebuilt), not to a board page without a token.
    await panel.locator('[data-action=copy-bet-md]').click()
    const md = await readClipboard(vera.page)
    expect(md).toContain(`[Open the board (read-only)](${suite.local(board.viewUrl)})`)
    await vera.context.close()
  })

  it('the owner unlocks after a confirm, and both browsers see it cleared', async () => {
    const page = olivia.page
    await page.click('[data-testid=bet-chip]')
    const panel = page.locator('[data-testid=bet-panel]')
    await panel.waitFor()
    // The editor has no unlock button.
    await ed.page.click('[data-testid=bet-chip]')
    await ed.page.locator('[data-testid=bet-panel]').waitFor()
    expect(await ed.page.locator('[data-action=unlock-bet]').count()).toBe(0)

    await panel.locator('[data-action=unlock-bet]').click()
    await screenshot(page, 'bet-unlock-confirm')
    await panel.locator('[data-action=confirm-unlock]').click()
    for (const p of [page, ed.page]) {
      await p.locator('[data-testid=bet-chip]').waitFor({ state: 'detached', timeout: 15_000 })
      await expect.poll(() => p.locator('[data-testid=bet-mark]').count()).toBe(0)
      await expect.poll(() => lockedIds(p)).toEqual([])
    }
    await page.click('[data-action=more]')
    await page.click('[data-action=decisions]')
    const entries = page.locator('[data-testid=decision-log] [data-testid=decision]')
    await expect.poll(() => entries.count()).toBe(2)
    expect(await entries.first().getAttribute('data-action-kind')).toBe('unlock')
    expect(await entries.first().textContent()).toContain('Olivia')
    await page.keyboard.press('Escape')
  })
})

describe('pushing the bet to a tracker', () => {
  it('offers only the configured trackers, shows the issue key and link, and explains a rejected token', async () => {
    const page = olivia.page
    // Lock the other solution this time, from the owner's browser, by keyboard from the node panel.
    await selectInOutline(page, ids[PANEL])
    await page.locator('[data-action=lock-bet]').focus()
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=lock-dialog]').waitFor()
    await page.keyboard.press('Enter') // focus starts on "Lock it in"
    const panel = page.locator('[data-testid=bet-panel]')
    await panel.waitFor()
    await ed.page.waitForSelector(`[data-testid=bet-chip]:has-text("${PANEL}")`)

    const offered = await panel.locator('[data-action^=push-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))
    expect(offered).toEqual(['push-github', 'push-jira'])

    trackers.scenario = 'ok'
    await panel.locator('[data-action=push-jira]').click()
    const link = panel.locator('[data-testid=bet-tracker-link]')
    await link.waitFor({ timeout: 20_000 })
    expect(await link.textContent()).toContain('OUT-7')
    expect(await link.getAttribute('href')).toBe(`${trackers.url}/jira/browse/OUT-7`)
    // The other browser's chip shows the key too (the server wrote it into the document).
    await ed.page.waitForSelector('[data-testid=bet-chip] .ob-betchip__key:has-text("OUT-7")', { timeout: 15_000 })

    trackers.scenario = 'unauthorized'
    await panel.locator('[data-action=push-github]').click()
    const error = panel.locator('[data-testid=push-error]')
    await error.waitFor({ timeout: 20_000 })
    trackers.scenario = 'ok'
    expect(await error.textContent()).toMatch(/GitHub rejected the token/)
    expect(await error.textContent()).not.toContain(MOCK.githubToken)
    await screenshot(page, 'bet-panel-pushed')

    await page.keyboard.press('Escape')
    if (await page.locator('.ob-drawer').count()) await page.click('[data-testid=bet-chip]') // close the bet panel
    await page.click('[data-action=more]')
    await page.click('[data-action=decisions]')
    const entries = page.locator('[data-testid=decision-log] [data-testid=decision]')
    await expect.poll(() => entries.count()).toBe(3)
    expect(await entries.first().textContent()).toContain('OUT-7')
    await page.keyboard.press('Escape')
  })

  it('made no page errors', () => {
    expect(suite.pageErrors).toEqual([])
  })
})
