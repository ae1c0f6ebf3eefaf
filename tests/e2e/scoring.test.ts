// Templates, scoring and comparing in a real browser: a board made from the worked example on the home page,
// the compare view for one opportunity's solutions (ICE editable in place, the "fewer than three" note), and
// "Sort children by score" reordering the tree.

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot, treeTitles, waitForStatus } from './harness'

const suite = e2eSuite()
let page: Page

const idOf = async (title: string) => (await treeTitles(page)).find((n) => n.title === title)!.id
const childTitles = async (parentTitle: string) => {
  const all = await treeTitles(page)
  const parent = all.find((n) => n.title === parentTitle)!
  return all.filter((n) => n.parentId === parent.id).map((n) => n.title)
}

beforeAll(async () => {
  page = (await suite.newPerson('Priya')).page
})

describe('templates, compare and sort', () => {
  it('creates a board from the worked example on the home page', async () => {
    await page.goto(`${suite.server.url}/`)
    await page.waitForSelector('.ob-templates')
    expect(await page.locator('.ob-template').count()).toBe(3)
    await page.click('.ob-template[data-template=example]')
    await screenshot(page, 'home-templates')
    await page.click('button:has-text("Create board")')
    await page.waitForURL(/\/b\/[^/]+\?token=/)
    await page.waitForFunction(() => !!window.board)
    await waitForStatus(page, 'live')
    expect(await page.locator('.ob-topbar__title').textContent()).toBe('Team onboarding (example)')
    await page.waitForFunction(() => window.board!.tree().roots.length === 1)
    const titles = (await treeTitles(page)).map((n) => [n.kind, n.title])
    expect(titles).toContainEqual(['outcome', 'Increase teams active in week 4 from 22% to 35%'])
    expect(titles).toContainEqual(['solution', 'Mention a teammate on any card'])
    expect(titles).toContainEqual(['assumption', 'People read a daily digest'])
    expect(titles.length).toBe(9)
    await page.waitForSelector('.ob-card[data-kind=solution]')
  })

  it('compares an opportunity’s solutions side by side and edits ICE there', async () => {
    const opportunity = await idOf("I can't tell whether my teammates have seen my changes")
    await page.locator(`.ob-orow[data-id="${opportunity}"]`).first().click()
    await page.click('[data-action=compare-solutions]')
    await page.waitForSelector('[data-testid=compare-view]')
    const cols = page.locator('[data-testid=compare-col]')
    expect(await cols.count()).toBe(3)
    expect(await page.locator('[data-testid=compare-few]').count()).toBe(0)
    const seenBy = cols.filter({ hasText: 'Seen-by markers' })
    expect(await seenBy.locator('[data-testid=compare-ice] strong').textContent()).toBe('5.3')
    expect(await seenBy.textContent()).toContain('0/0')
    const digest = cols.filter({ hasText: 'Activity digest' })
    expect(await digest.textContent()).toContain('1/2') // one of two assumptions is being tested
    // Raise Seen-by's impact from 7 to 10: its ICE becomes (10 + 4 + 5) / 3 = 6.3, on the card too.
    await seenBy.locator('input[name=impact]').fill('10')
    await seenBy.locator('input[name=impact]').press('Enter')
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=compare-col]')].some((c) => c.textContent!.includes('Seen-by') && c.querySelector('[data-testid=compare-ice] strong')!.textContent === '6.3'),
    )
    const seenById = await idOf('Seen-by markers on changed items')
    await page.waitForFunction((id) => document.querySelector(`.ob-card[data-node-id="${id}"] .ob-card__score`)?.textContent?.includes('6.3'), seenById)
    await screenshot(page, 'scoring-compare')
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-testid=compare-view]', { state: 'detached' })
  })

  it('notes when an opportunity has fewer than three solutions to compare', async () => {
    const small = await idOf("I don't know which template fits my team")
    await page.evaluate((id) => window.board!.actions.addChild(window.editor!, id, 'solution', { title: 'Template quiz', edit: false }), small)
    await page.locator(`.ob-orow[data-id="${small}"]`).first().click()
    await page.click('[data-action=compare-solutions]')
    await page.waitForSelector('[data-testid=compare-few]:has-text("add 2 more")')
    expect(await page.locator('[data-testid=compare-col]').count()).toBe(1)
    await screenshot(page, 'scoring-compare-few')
    await page.click('button[aria-label="Close compare view"]')
  })

  it('sorts the children of the selected node by score', async () => {
    const parent = "I can't tell whether my teammates have seen my changes"
    expect(await childTitles(parent)).toEqual(['Activity digest per board', 'Seen-by markers on changed items', 'Mention a teammate on any card'])
    await page.locator(`.ob-orow[data-id="${await idOf(parent)}"]`).first().click()
    await page.click('[data-action=sort-by-score]')
    // ICE 6.3, 6.3 (ties keep their order), then 6.
    await page.waitForFunction(
      (p) => {
        const tree = window.board!.tree()
        const find = (nodes: any[]): any => nodes.map((n) => (n.props.title === p ? n : find(n.children))).find(Boolean)
        return find(tree.roots)?.children.map((c: any) => c.props.title)[0] === 'Seen-by markers on changed items'
      },
      parent,
    )
    expect(await childTitles(parent)).toEqual(['Seen-by markers on changed items', 'Mention a teammate on any card', 'Activity digest per board'])
    // The layout follows the new order, left to right.
    await page.waitForTimeout(500)
    const xs = await page.evaluate(
      (ids) => ids.map((id) => window.editor!.getShape(id as never)!.x),
      [await idOf('Seen-by markers on changed items'), await idOf('Mention a teammate on any card'), await idOf('Activity digest per board')],
    )
    expect(xs[0]).toBeLessThan(xs[1])
    expect(xs[1]).toBeLessThan(xs[2])
    await screenshot(page, 'scoring-sorted')
  })

  it('no page errors and no foreign requests', () => {
    expect(suite.pageErrors).toEqual([])
    expect(suite.foreignRequests()).toEqual([])
  })
})
