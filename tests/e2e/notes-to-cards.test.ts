// Issue 22, point 7, brainstorm then structure, in Chromium: sticky notes written on the board become
// opportunity cards under the outcome ("Turn into cards…" from the selection toolbar), keeping their text
// (a long one's rest in the card's notes), in one step that a second person sees live and Ctrl+Z undoes; the
// context menu and Shift+C reach the same dialog, whose parent picker works from the keyboard; and the hint that
// an opportunity has no solution yet shows on the card and in the node panel until a solution is added.

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot } from './harness'
import type { CreatedBoard } from './harness'
import { waitFor } from '../helpers/wait'

const suite = e2eSuite()
let board: CreatedBoard
let page: Page // Sam, editor: does the structuring
let watcher: Page // Kim, on the view link: sees it live

const OUTCOME = 'More trial teams convert to paid'
const OPPORTUNITY = 'I can’t tell what my team changed'
const TYPED = 'I lose my place when I come back'
const TWO_LINES = ['Exports never', 'match the screen']
const LONG =
  'Our finance lead told us that every month she rebuilds the same spreadsheet by hand because the numbers in the app ' +
  'do not line up with the invoices, and she only trusts what she can check line by line against the bank export, ' +
  'which takes her most of a day and means the report reaches the team after the decisions it should inform were made'

interface TreeJsonNode {
  id: string
  kind: string
  title: string
  notes: string
  children: TreeJsonNode[]
}

async function liveTree(): Promise<TreeJsonNode[]> {
  const res = await fetch(`${suite.server.url}/api/boards/${board.id}/tree`, { headers: { authorization: `Bearer ${board.viewToken}` } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { roots: TreeJsonNode[] }).roots
}

const childrenOf = async (title: string) => {
  const find = (nodes: TreeJsonNode[]): TreeJsonNode | undefined => {
    for (const n of nodes) {
      if (n.title === title) return n
      const deeper = find(n.children)
      if (deeper) return deeper
    }
  }
  return find(await liveTree())?.children ?? []
}

/** The sticky notes on a page, with their plain text, in id order. */
const notesOn = (p: Page) =>
  p.evaluate(() => {
    const ed = window.editor!
    const text = (node: { text?: string; content?: unknown[] }): string =>
      node.text ?? (node.content ?? []).map((c) => text(c as never)).join((node as { type?: string }).type === 'doc' ? '\n' : '')
    return ed
      .getCurrentPageShapes()
      .filter((s) => s.type === 'note')
      .map((s) => ({ id: s.id as string, text: text((s.props as unknown as { richText: never }).richText) }))
      .sort((a, b) => a.id.localeCompare(b.id))
  })

beforeAll(async () => {
  board = await suite.createSeededBoard({
    title: 'Brainstorm',
    roots: [{ kind: 'outcome', title: OUTCOME, children: [{ kind: 'opportunity', title: OPPORTUNITY, children: [] }] }],
  })
  const [sam, kim] = await suite.people(['Sam', board.editUrl, 'live'], ['Kim', board.viewUrl, 'readonly'])
  page = sam.page
  watcher = kim.page
})

describe('turn sticky notes into cards', () => {
  let noteIds: string[] = []

  it('writes sticky notes beside the tree, one typed with the note tool', async () => {
    // Look at empty board space to the right of the tree and write a note there as a person does: N, click, type.
    const spot = await page.evaluate(() => {
      const ed = window.editor!
      ed.selectNone()
      const bounds = ed.getCurrentPageBounds()!
      const point = { x: bounds.maxX + 700, y: bounds.minY + 100 }
      ed.centerOnPoint(point)
      const screen = ed.pageToScreen(point)
      return { page: point, screen: { x: screen.x, y: screen.y } }
    })
    await page.mouse.click(spot.screen.x, spot.screen.y + 260) // focus the canvas on empty space
    await page.keyboard.press('n')
    await page.waitForFunction(() => window.editor!.getCurrentToolId() === 'note')
    await page.mouse.click(spot.screen.x, spot.screen.y)
    await page.waitForFunction(() => window.editor!.getEditingShape()?.type === 'note')
    await page.keyboard.type(TYPED)
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => !window.editor!.getEditingShapeId())
    // Two more as if pasted from another board: one on two lines to its right, a long one on the next row.
    await page.evaluate(
      ({ spot, twoLines, long }) => {
        const ed = window.editor!
        const doc = (paragraphs: string[]) => ({
          type: 'doc',
          content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
        })
        ed.createShapes([
          { id: 'shape:n2c-right' as never, type: 'note', x: spot.x + 160, y: spot.y - 90, props: { richText: doc(twoLines) as never } },
          { id: 'shape:n2c-below' as never, type: 'note', x: spot.x - 100, y: spot.y + 150, props: { richText: doc([long]) as never } },
        ])
      },
      { spot: spot.page, twoLines: TWO_LINES, long: LONG },
    )
    const notes = await notesOn(page)
    expect(notes.map((n) => n.text).sort()).toEqual([TYPED, TWO_LINES.join('\n'), LONG].sort())
    noteIds = notes.map((n) => n.id)
    // Kim sees the notes too.
    await watcher.waitForFunction(() => window.editor!.getCurrentPageShapes().filter((s) => s.type === 'note').length === 3)
  })

  it('offers "Turn into cards…" above the selected notes and asks for the parent and kind', async () => {
    await page.evaluate((ids) => void window.editor!.select(...(ids as never[])), noteIds)
    const button = page.locator('.ob-seltools [data-action=notes-to-cards]')
    await button.waitFor({ state: 'visible' })
    expect(await button.textContent()).toContain('Turn into cards')
    await button.click()
    const dialog = page.locator('.ob-dialog--notes2cards[role=dialog]')
    await dialog.waitFor({ state: 'visible' })
    expect(await dialog.locator('h2').textContent()).toBe('Turn 3 sticky notes into cards')
    // The cards that may take children, by title: the outcome and the opportunity (solutions take only assumptions).
    const options = dialog.locator('[role=option]')
    expect(await options.allTextContents()).toEqual([`◎ Outcome: ${OUTCOME}`, `◆ Opportunity: ${OPPORTUNITY}`])
    // Keyboard: the filter has focus; ↓ picks the opportunity, whose kinds are opportunity or solution.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('parent-filter')
    await page.keyboard.press('ArrowDown')
    expect(await dialog.locator('[aria-selected=true]').textContent()).toContain(OPPORTUNITY)
    expect(await dialog.locator('input[name=kind]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
      'opportunity',
      'solution',
    ])
    // Typing filters by title; the outcome, once picked, takes opportunities only.
    await page.keyboard.type('trial teams')
    expect(await options.count()).toBe(1)
    expect(await dialog.locator('[aria-selected=true]').textContent()).toContain(OUTCOME)
    expect(await dialog.locator('input[name=kind]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['opportunity'])
    expect(await dialog.locator('input[name=kind]:checked').getAttribute('value')).toBe('opportunity')
    await screenshot(page, 'notes-to-cards-dialog')
  })

  it('Enter turns them into opportunity cards under the outcome, keeping their text, in reading order', async () => {
    await page.keyboard.press('Enter')
    await page.locator('.ob-dialog--notes2cards').waitFor({ state: 'detached' })
    const under = await waitFor(async () => {
      const children = await childrenOf(OUTCOME)
      return children.length === 4 ? children : null
    }, { what: 'four opportunities under the outcome on the server', interval: 250 })
    expect(under[0].title).toBe(OPPORTUNITY)
    const made = under.slice(1)
    expect(made.map((n) => n.kind)).toEqual(['opportunity', 'opportunity', 'opportunity'])
    // Reading order of the notes: the typed one, the one to its right, then the row below.
    expect(made[0]).toMatchObject({ title: TYPED, notes: '' })
    expect(made[1]).toMatchObject({ title: TWO_LINES.join(' '), notes: '' })
    // The long note: its title stops at the cap with "…", the rest is in the card's notes.
    expect(made[2].title.length).toBeLessThanOrEqual(300)
    expect(made[2].title.endsWith('…')).toBe(true)
    expect(made[2].notes.startsWith('…')).toBe(true)
    expect(`${made[2].title.slice(0, -1)} ${made[2].notes.slice(1)}`).toBe(LONG)
    // The notes are gone, here and for Kim, who sees the new cards live; the new cards are selected.
    expect(await notesOn(page)).toEqual([])
    await watcher.waitForFunction(() => window.editor!.getCurrentPageShapes().every((s) => s.type !== 'note'))
    await watcher.waitForFunction(
      (titles) => titles.every((t) => [...window.board!.tree().byId.values()].some((n) => n.props.title === t && n.kind === 'opportunity')),
      [TYPED, TWO_LINES.join(' ')],
    )
    expect(await page.evaluate(() => window.editor!.getSelectedShapeIds().length)).toBe(3)
    // Laid out by the tree layout: on the opportunities' row, not where the notes were.
    await page.waitForFunction(
      ({ ids, first }) => ids.every((id) => Math.abs(window.editor!.getShape(id as never)!.y - window.editor!.getShape(first as never)!.y) < 1),
      { ids: made.map((n) => n.id), first: under[0].id },
    )
    // The camera follows them there: the new cards and their parent end up on screen.
    await page.waitForFunction(
      (ids) => {
        const ed = window.editor!
        const view = ed.getViewportPageBounds()
        return ids.every((id) => view.contains(ed.getShapePageBounds(id as never)!))
      },
      [...made.map((n) => n.id), (await liveTree())[0].id],
    )
    await screenshot(page, 'notes-to-cards-done')
  })

  it('Ctrl+Z brings the notes back and takes the cards away, for everyone', async () => {
    await page.waitForTimeout(500) // the layout's animation ends
    await page.keyboard.press('ControlOrMeta+z')
    await waitFor(async () => (await childrenOf(OUTCOME)).length === 1, { what: 'the cards undone on the server', interval: 250 })
    const notes = await notesOn(page)
    expect(notes.map((n) => n.id)).toEqual(noteIds)
    expect(notes.map((n) => n.text).sort()).toEqual([TYPED, TWO_LINES.join('\n'), LONG].sort())
    await watcher.waitForFunction(() => window.editor!.getCurrentPageShapes().filter((s) => s.type === 'note').length === 3)
    expect(await watcher.evaluate(() => window.board!.tree().byId.size)).toBe(2)
  })

  it('the context menu and Shift+C open the same dialog; solutions go under a chosen opportunity', async () => {
    // The typed note and the two-line one, brought into view.
    const typed = await page.evaluate((ids) => {
      const ed = window.editor!
      const two = ids.filter((id) => id !== 'shape:n2c-below')
      ed.select(...(two as never[]))
      ed.zoomToSelection()
      return two.find((id) => id !== 'shape:n2c-right')!
    }, noteIds)
    // Right-click one of the selected notes: the context menu leads with "Turn into cards…".
    const box = await page.evaluate((id) => {
      const ed = window.editor!
      const b = ed.getShapePageBounds(id as never)!
      const p = ed.pageToScreen(b.center)
      return { x: p.x, y: p.y }
    }, typed)
    await page.mouse.click(box.x, box.y, { button: 'right' })
    const item = page.locator('.tlui-menu [data-testid="context-menu.ob-turn-notes-into-cards"], .tlui-menu button:has-text("Turn into cards")').first()
    await item.waitFor({ state: 'visible' })
    await item.click()
    const dialog = page.locator('.ob-dialog--notes2cards[role=dialog]')
    await dialog.waitFor({ state: 'visible' })
    expect(await dialog.locator('h2').textContent()).toBe('Turn 2 sticky notes into cards')
    // Escape closes it without touching anything; Shift+C on the canvas opens it again.
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect((await notesOn(page)).length).toBe(3)
    // Selected together with the notes, a card is offered as their parent.
    await page.evaluate(
      ({ ids, title }) => {
        const ed = window.editor!
        const card = [...window.board!.tree().byId.values()].find((n) => n.props.title === title)!
        ed.select(...([...ids, card.id] as never[]))
      },
      { ids: [typed, 'shape:n2c-right'], title: OPPORTUNITY },
    )
    await page.keyboard.press('Shift+C')
    await dialog.waitFor({ state: 'visible' })
    expect(await dialog.locator('h2').textContent()).toBe('Turn 2 sticky notes into cards')
    expect(await dialog.locator('[aria-selected=true]').textContent()).toContain(OPPORTUNITY)
    // Typing finds it too; then Solutions with the arrow keys.
    await page.keyboard.type('team changed')
    expect(await dialog.locator('[aria-selected=true]').textContent()).toContain(OPPORTUNITY)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('opportunity')
    await page.keyboard.press('ArrowRight')
    expect(await dialog.locator('input[name=kind]:checked').getAttribute('value')).toBe('solution')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    const solutions = await waitFor(async () => {
      const children = await childrenOf(OPPORTUNITY)
      return children.length === 2 ? children : null
    }, { what: 'two solutions under the opportunity', interval: 250 })
    expect(solutions.map((n) => [n.kind, n.title])).toEqual([
      ['solution', TYPED],
      ['solution', TWO_LINES.join(' ')],
    ])
    // The third note, not selected, stays a note.
    expect((await notesOn(page)).map((n) => n.text)).toEqual([LONG])
  })

  it('reports no page errors', () => {
    expect(suite.pageErrors).toEqual([])
  })
})

describe('the hint that an opportunity has no solution yet', () => {
  const NEED = 'I don’t know which plan fits my team'
  let need = ''

  it('shows on the card and in the node panel of an opportunity without solutions, for everyone', async () => {
    need = await page.evaluate(
      ({ outcome, title }) => {
        const ed = window.editor!
        const o = [...window.board!.tree().byId.values()].find((n) => n.props.title === outcome)!
        const id = window.board!.actions.createNode(ed, 'opportunity', { parentId: o.id, title, select: true })!
        ed.zoomToSelection()
        return id as string
      },
      { outcome: OUTCOME, title: NEED },
    )
    const badge = page.locator(`[data-node-id="${need}"] .ob-card__hint`)
    await badge.waitFor({ state: 'visible' })
    expect(await badge.getAttribute('title')).toMatch(/No solution yet/)
    await page.locator('.ob-detail [data-hint="no-solutions"]').waitFor({ state: 'visible' })
    // Kim sees the same hint in the outline.
    await watcher.waitForFunction(
      (id) => document.querySelector(`.ob-orow[data-id="${id}"] .ob-orow__hint`)?.getAttribute('title')?.includes('No solution yet'),
      need,
    )
    // An opportunity that has solutions (the one above) does not get it.
    const solved = await page.evaluate((t) => [...window.board!.tree().byId.values()].find((n) => n.props.title === t)!.id, OPPORTUNITY)
    expect(await page.locator(`.ob-orow[data-id="${solved}"] .ob-orow__hint`).getAttribute('title')).not.toMatch(/No solution yet/)
  })

  it('goes away once a solution is added', async () => {
    await page.locator('.ob-seltools__btn', { hasText: 'Solution' }).first().click()
    await page.waitForFunction(() => window.editor!.getEditingShape()?.type === 'solution')
    await page.keyboard.type('Plan picker with three questions')
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => !window.editor!.getEditingShapeId())
    // Its hint now asks for more solutions instead (the outline row's badge: the card may be off screen now).
    await page.waitForFunction((id) => {
      const title = document.querySelector(`.ob-orow[data-id="${id}"] .ob-orow__hint`)?.getAttribute('title') ?? ''
      return !title.includes('No solution yet') && title.includes('three solutions')
    }, need)
    await page.evaluate((id) => void window.editor!.select(id as never), need)
    await page.locator('.ob-detail [data-hint="few-solutions"]').waitFor({ state: 'visible' })
    expect(await page.locator('.ob-detail [data-hint="no-solutions"]').count()).toBe(0)
    await watcher.waitForFunction(
      (id) => !document.querySelector(`.ob-orow[data-id="${id}"] .ob-orow__hint`)?.getAttribute('title')?.includes('No solution yet'),
      need,
    )
    expect(suite.pageErrors).toEqual([])
  })
})
