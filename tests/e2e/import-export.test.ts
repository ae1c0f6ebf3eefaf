// Import and export through the UI against the real server: a bad outline is refused with its line number
// and changes nothing; a good one adds its nodes beside the existing tree (laid out, seen live by the other
// browser); bad JSON names its line; and a board's Tree JSON export, imported into an empty board from a
// file, gives back exactly the same tree (the markdown outline round-trips too).

import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, newContext, openBoard, screenshot, TEAM_ONBOARDING, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard, Person } from './harness'

const suite = e2eSuite({ person: { status: 'live' } })
const local = suite.local
let board: CreatedBoard
let owner: Person
let editor: Person

async function apiTree(b: CreatedBoard) {
  const res = await fetch(`${suite.server.url}/api/boards/${b.id}/tree`, { headers: { authorization: `Bearer ${b.viewToken}` } })
  return (await res.json()) as { title: string; roots: unknown[] }
}

async function apiExport(b: CreatedBoard, format: string) {
  const res = await fetch(`${suite.server.url}/api/boards/${b.id}/export?format=${format}`, { headers: { authorization: `Bearer ${b.viewToken}` } })
  return res.text()
}

async function openImport(page: Page) {
  await page.click('[data-action=more]')
  await page.click('[data-action=import]')
  await page.locator('[data-testid=import-dialog]').waitFor()
  // Focus starts in the text field.
  expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('import')
}

beforeAll(async () => {
  board = await suite.createSeededBoard(TEAM_ONBOARDING, 'Team onboarding')
  owner = await suite.person('Olivia', board.ownerUrl)
  editor = await suite.person('Ed', board.editUrl)
})

describe('import into a board', () => {
  it('refuses an outline with a mistake, naming the line, and changes nothing', async () => {
    const page = owner.page
    const before = await treeTitles(page)
    await openImport(page)
    const bad = ['# Churn', '- Outcome: Reduce churn in the first month', '  - Opportunity: Setting up a team takes too long', '  - Solution: Guided setup checklist', '    - Assumption: Admins finish a checklist'].join('\n')
    await page.fill('textarea[name=import]', bad)
    await page.click('[data-action=confirm-import]')
    const errors = page.locator('[data-testid=import-errors]')
    await errors.waitFor()
    const text = (await errors.textContent()) ?? ''
    expect(text).toContain('line 4')
    expect(text).toMatch(/solution cannot sit under an outcome/i)
    expect(text).toContain('nothing was imported')
    await screenshot(page, 'import-outline-error')
    // Still open, the board untouched; Escape closes it.
    await page.locator('[data-testid=import-dialog]').waitFor()
    expect(await treeTitles(page)).toEqual(before)
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' })
    expect(await treeTitles(page)).toEqual(before)
  })

  it('says so when the importer cannot be fetched, and opens once it can', async () => {
    // The form loads on first open. Service workers blocked so the route sees the request (a cached app
    // would have the chunk already). A context of its own, not a suite person: the last test does not count its
    // page errors.
    const context = await newContext(suite.browser, 'Nia', { serviceWorkers: 'block' })
    let reachable = false
    await context.route(/\/assets\/ImportForm-[\w-]+\.js$/, (route) => (reachable ? route.continue() : route.abort('internetdisconnected')))
    const page = await context.newPage()
    await openBoard(page, local(board.editUrl))
    await page.click('[data-action=more]')
    await page.click('[data-action=import]')
    await page.locator('[data-testid=notice]', { hasText: 'The importer did not load' }).waitFor()
    expect(await page.locator('[data-testid=import-dialog]').count()).toBe(0)
    reachable = true
    await openImport(page)
    await page.fill('textarea[name=import]', '- Outcome: Fewer lost carts')
    await page.locator('[data-testid=import-summary]').waitFor()
    await context.close()
  })

  it('names the line of broken JSON', async () => {
    const page = owner.page
    await openImport(page)
    await page.fill('textarea[name=import]', '{\n  "title": "Broken",\n  "roots": [\n    { "kind": "outcome", "title": "x", }\n  ]\n}')
    await page.click('[data-action=confirm-import]')
    const errors = page.locator('[data-testid=import-errors]')
    await errors.waitFor()
    expect(await errors.textContent()).toContain('line 4')
    await page.click('[data-testid=import-dialog] button:has-text("Cancel")')
  })

  it('adds a valid outline beside the existing tree, laid out, live for everyone', async () => {
    const page = owner.page
    const before = await treeTitles(page)
    await openImport(page)
    const good = [
      '# Churn',
      '- Outcome: Reduce churn in the first month',
      '  - Opportunity: Setting up a team takes too long',
      '    - Solution: Guided setup checklist',
      '      - Assumption: Admins finish a checklist',
      '    - Solution: Import members from Slack',
    ].join('\n')
    await page.fill('textarea[name=import]', good)
    await page.locator('[data-testid=import-summary]').waitFor()
    expect(await page.locator('[data-testid=import-summary]').textContent()).toContain('1 outcome, 1 opportunity, 2 solutions, 1 assumption')
    await screenshot(page, 'import-outline-ok')
    await page.click('[data-action=confirm-import]')
    await page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' })

    const after = await treeTitles(page)
    expect(after.slice(0, before.length)).toEqual(before) // the existing tree first, unchanged
    expect(after.slice(before.length).map((n) => [n.kind, n.title])).toEqual([
      ['outcome', 'Reduce churn in the first month'],
      ['opportunity', 'Setting up a team takes too long'],
      ['solution', 'Guided setup checklist'],
      ['assumption', 'Admins finish a checklist'],
      ['solution', 'Import members from Slack'],
    ])
    // Laid out: no two cards overlap.
    const overlaps = await page.evaluate(() => {
      const boxes = window.editor!.getCurrentPageShapes().map((s) => window.editor!.getShapePageBounds(s.id)!)
      let n = 0
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (boxes[i].collides(boxes[j])) n++
      return n
    })
    expect(overlaps).toBe(0)
    await editor.page.waitForFunction(() => {
      const seen = new Set<string>()
      const visit = (n: { props: { title: string }; children: unknown[] }) => {
        seen.add(n.props.title)
        n.children.forEach((c) => visit(c as typeof n))
      }
      window.board!.tree().roots.forEach((r) => visit(r as never))
      return seen.has('Import members from Slack')
    })
    await page.evaluate(() => {
      window.editor!.selectNone()
      window.editor!.zoomToFit()
    })
    await page.waitForTimeout(400)
    await screenshot(page, 'import-after')
  })
})

describe('export → import round trip', () => {
  it('Tree JSON downloaded from one board and imported from a file into an empty board gives the same tree', async () => {
    const page = owner.page
    await page.click('[data-action=export]')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download-tree-json]')])
    const file = path.join(path.dirname((await download.path())!), 'round-trip.json')
    fs.copyFileSync((await download.path())!, file)
    await page.keyboard.press('Escape')
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(exported).toEqual(await apiTree(board))

    const empty = await suite.createBoard('Copy')
    const copy = await suite.person('Olivia', empty.ownerUrl)
    await openImport(copy.page)
    await copy.page.setInputFiles('[data-testid=import-file]', file)
    await copy.page.locator('[data-testid=import-summary]').waitFor()
    await copy.page.click('[data-action=confirm-import]')
    await copy.page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' })
    await expect.poll(async () => (await apiTree(empty)).roots, { timeout: 15_000 }).toEqual(exported.roots)

    // The outline (titles and structure) round-trips too, pasted into another empty board.
    const outline = await apiExport(board, 'md')
    const third = await suite.createBoard('Team onboarding')
    await copy.page.goto(local(third.ownerUrl))
    await copy.page.waitForFunction(() => !!window.editor && !!window.board)
    await waitForStatus(copy.page, 'live')
    await openImport(copy.page)
    await copy.page.fill('textarea[name=import]', outline)
    await copy.page.click('[data-action=confirm-import]')
    await copy.page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' })
    await expect.poll(() => apiExport(third, 'md'), { timeout: 15_000 }).toBe(outline)
    await copy.context.close()
  })

  it('made no page errors', () => {
    expect(suite.pageErrors).toEqual([])
  })
})
