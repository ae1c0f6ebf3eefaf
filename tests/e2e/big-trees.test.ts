// Issue 22, point 6, big trees, as people use them in Chromium: folding a subtree on the canvas is one
// person's view (another person's canvas keeps it, a reload keeps it), a folded card says how many cards it
// hides and unfolds on a click or a key, and picking a hidden card in the outline unfolds it; the compact
// layout (chosen for the board in More) stacks solutions and assumptions under their parent for everyone; a
// 1,000-card tree opens fitted inside the canvas at 1024, 1280 and 1440 px; an outline click zooms to its card.
// Layout is checked by element bounds.

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard } from './harness'
import { bigTree } from '../helpers/big-tree'

const suite = e2eSuite({ person: { viewport: { width: 1440, height: 900 } }, noPageErrorsAfterAll: true })

const WIDTHS = [1024, 1280, 1440] as const

/** An outcome, three opportunities of two solutions, each solution with two assumptions: 1 + 3 × 7 cards. */
function smallTree() {
  return {
    title: 'Folding',
    roots: [
      {
        kind: 'outcome',
        title: 'More teams finish onboarding',
        children: [1, 2, 3].map((i) => ({
          kind: 'opportunity',
          title: `Opportunity ${i}`,
          children: ['a', 'b'].map((s) => ({
            kind: 'solution',
            title: `Solution ${i}${s}`,
            children: [1, 2].map((a) => ({ kind: 'assumption', title: `Assumption ${i}${s}${a}`, children: [] })),
          })),
        })),
      },
    ],
  }
}

type Rect = { x: number; y: number; width: number; height: number; right: number; bottom: number }

function inside(box: Rect, frame: Rect, slack = 1) {
  return box.x >= frame.x - slack && box.y >= frame.y - slack && box.right <= frame.right + slack && box.bottom <= frame.bottom + slack
}

/** The canvas's box, and the on-screen boxes of the cards drawn (a hidden card has no element). */
async function cardBoxes(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element) => {
      const b = el.getBoundingClientRect()
      return { x: b.x, y: b.y, width: b.width, height: b.height, right: b.right, bottom: b.bottom }
    }
    const canvas = r(document.querySelector('.ob-board__canvas')!)
    const cards = [...document.querySelectorAll<HTMLElement>('.ob-card[data-node-id]')].map((el) => ({ id: el.dataset.nodeId!, box: r(el) }))
    return { canvas, cards }
  })
}

/** Waits until the camera and the cards stop moving between two looks 300 ms apart. */
async function settled(page: Page) {
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const read = () =>
          JSON.stringify([
            window.editor!.getCamera(),
            window.editor!.getCurrentPageBounds()?.toJson(),
            [...document.querySelectorAll('.ob-card[data-node-id]')].map((el) => el.getBoundingClientRect().x),
          ])
        const a = read()
        setTimeout(() => requestAnimationFrame(() => resolve(read() === a)), 300)
      }),
    null,
    { timeout: 30_000 },
  )
}

/** The whole tree's page bounds as they fall on the screen (cards off screen are culled, so not from the DOM). */
async function treeOnScreen(page: Page): Promise<Rect> {
  return page.evaluate(() => {
    const editor = window.editor!
    const b = editor.getCurrentPageBounds()!
    const rect = editor.getContainer().getBoundingClientRect()
    const a = editor.pageToViewport({ x: b.minX, y: b.minY })
    const c = editor.pageToViewport({ x: b.maxX, y: b.maxY })
    return { x: rect.x + a.x, y: rect.y + a.y, width: c.x - a.x, height: c.y - a.y, right: rect.x + c.x, bottom: rect.y + c.y }
  })
}

const idOf = async (page: Page, title: string) => (await treeTitles(page)).find((n) => n.title === title)!.id

const selectCard = (page: Page, id: string) =>
  page.evaluate((i) => {
    window.editor!.select(i as never)
    document.querySelector<HTMLElement>('.tl-container')?.focus()
  }, id)

const foldKey = process.platform === 'darwin' ? 'Meta+Alt' : 'Control+Alt'

describe('folding', () => {
  for (const width of WIDTHS) {
    it(`at ${width} px folds a subtree for one person only, shows what it hides, and unfolds by click, key or outline`, async () => {
      const board = await suite.createSeededBoard(smallTree())
      const viewport = { width, height: 800 }
      const [{ page: ann }, { page: bob }] = await suite.people(
        [`Ann${width}`, board.editUrl, 'live', { viewport }],
        [`Bob${width}`, board.editUrl, 'live', { viewport }],
      )
      await settled(ann)
      expect((await cardBoxes(ann)).cards.length).toBe(22)

      // Ann folds "Opportunity 2" with the key: its 6 cards (2 solutions, 4 assumptions) leave her canvas.
      const opp2 = await idOf(ann, 'Opportunity 2')
      const hiddenIds = (await treeTitles(ann)).filter((n) => /^(Solution|Assumption) 2/.test(n.title)).map((n) => n.id)
      expect(hiddenIds).toHaveLength(6)
      await selectCard(ann, opp2)
      await ann.keyboard.press(`${foldKey}+BracketLeft`)
      await ann.waitForSelector(`.ob-fold--folded`)
      await settled(ann)
      const folded = await cardBoxes(ann)
      expect(folded.cards.length).toBe(16)
      for (const id of hiddenIds) expect(folded.cards.some((c) => c.id === id)).toBe(false)
      // The badge says how many, and sits on the folded card's bottom edge, inside the canvas.
      const badge = ann.locator('.ob-fold--folded')
      expect(await badge.textContent()).toBe('+6')
      expect(await badge.getAttribute('aria-label')).toBe('Unfold: show 6 hidden cards')
      const badgeBox = (await badge.boundingBox())!
      const card = folded.cards.find((c) => c.id === opp2)!.box
      expect(badgeBox.y).toBeLessThan(card.bottom)
      expect(badgeBox.y + badgeBox.height).toBeGreaterThan(card.bottom)
      expect(Math.abs(badgeBox.x + badgeBox.width / 2 - (card.x + card.width / 2))).toBeLessThan(2)
      expect(inside({ ...badgeBox, right: badgeBox.x + badgeBox.width, bottom: badgeBox.y + badgeBox.height }, folded.canvas)).toBe(true)
      // The connectors into the hidden cards went too: two solution lines less (the outcome's opportunities keep theirs).
      const solutionLines = (p: Page) => p.evaluate(() => (document.querySelector('.ob-connectors path[data-kind=solution]')?.getAttribute('d') ?? '').split('M').length - 1)
      expect(await solutionLines(ann)).toBe(4)
      await screenshot(ann, `i22-fold-${width}`)

      // Bob's canvas keeps every card, with no fold: folding is Ann's own view, not the board's.
      await settled(bob)
      expect((await cardBoxes(bob)).cards.length).toBe(22)
      expect(await bob.locator('.ob-fold--folded').count()).toBe(0)
      expect(await solutionLines(bob)).toBe(6)
      const docMeta = await bob.evaluate(() => JSON.stringify(window.editor!.getDocumentSettings().meta))
      expect(docMeta).not.toContain('fold')

      // A reload keeps Ann's fold; a click on the badge unfolds it.
      await ann.reload()
      await ann.waitForFunction(() => !!window.editor && !!window.board)
      await ann.waitForSelector('.ob-fold--folded')
      await settled(ann)
      expect((await cardBoxes(ann)).cards.length).toBe(16)
      await ann.locator('.ob-fold--folded').click()
      await ann.waitForFunction(() => document.querySelectorAll('.ob-card[data-node-id]').length === 22)
      expect(await ann.locator('.ob-fold--folded').count()).toBe(0)

      // Fold again, then unfold with the other key.
      await selectCard(ann, opp2)
      await ann.keyboard.press(`${foldKey}+BracketLeft`)
      await ann.waitForSelector('.ob-fold--folded')
      await ann.keyboard.press(`${foldKey}+BracketRight`)
      await ann.waitForFunction(() => document.querySelectorAll('.ob-card[data-node-id]').length === 22)

      // Folded, then a hidden assumption picked in the outline: its ancestors unfold, and it is selected and in view.
      await selectCard(ann, opp2)
      await ann.keyboard.press(`${foldKey}+BracketLeft`)
      await ann.waitForSelector('.ob-fold--folded')
      const hiddenOne = await idOf(ann, 'Assumption 2b1')
      await ann.locator(`.ob-orow[data-id="${hiddenOne}"]`).click()
      await ann.waitForFunction((id) => !!document.querySelector(`.ob-card[data-node-id="${id}"]`), hiddenOne)
      await settled(ann)
      expect(await ann.evaluate(() => window.editor!.getSelectedShapeIds())).toEqual([hiddenOne])
      const shown = await cardBoxes(ann)
      expect(shown.cards.length).toBe(22)
      expect(inside(shown.cards.find((c) => c.id === hiddenOne)!.box, shown.canvas)).toBe(true)
    })
  }
})

describe('compact layout', () => {
  it('chosen in More, stacks solutions and their assumptions under their parent for everyone on the board', async () => {
    const board = await suite.createSeededBoard(smallTree())
    const { page: ann } = await suite.person('Cora', board.editUrl, { viewport: { width: 1280, height: 800 } })
    const { page: bob } = await suite.person('Dan', board.viewUrl, { viewport: { width: 1280, height: 800 } })
    await waitForStatus(ann, 'live')
    await bob.waitForFunction(() => window.editor!.getCurrentPageShapes().length === 22)
    await ann.click('[data-action=more]')
    expect(await ann.locator('[data-layout=auto]').getAttribute('aria-checked')).toBe('true')
    for (const width of WIDTHS) {
      await ann.setViewportSize({ width, height: 800 })
      const menu = (await ann.locator('.ob-moremenu').boundingBox())!
      expect(menu.x).toBeGreaterThanOrEqual(0)
      expect(menu.x + menu.width).toBeLessThanOrEqual(width)
      expect(menu.y + menu.height).toBeLessThanOrEqual(800)
    }
    await ann.setViewportSize({ width: 1280, height: 800 })
    await ann.click('[data-layout=compact]')

    const titles = await treeTitles(ann)
    const id = (title: string) => titles.find((n) => n.title === title)!.id
    // Page positions, everyone's: checked on the viewer's canvas once the layout reached it.
    const positions = async (page: Page) =>
      page.evaluate((ids) => Object.fromEntries(ids.map((i) => [i, window.editor!.getShapePageBounds(i as never)!.toJson()])), titles.map((n) => n.id))
    await expect
      .poll(async () => {
        const p = await positions(bob)
        return p[id('Assumption 1a1')].x - p[id('Solution 1a')].x
      }, { timeout: 15_000 })
      .toBe(32)
    await settled(bob)
    const p = await positions(bob)
    const box = (title: string) => p[id(title)]
    for (const i of [1, 2, 3]) {
      const opp = box(`Opportunity ${i}`)
      const [sa, sb] = [box(`Solution ${i}a`), box(`Solution ${i}b`)]
      const [a1, a2] = [box(`Assumption ${i}a1`), box(`Assumption ${i}a2`)]
      // Solutions in one column under their opportunity, each with its assumptions indented right under it.
      expect(sa.y).toBeGreaterThan(opp.y + opp.h)
      expect(sb.x).toBe(sa.x)
      expect(a1.x).toBe(sa.x + 32)
      expect(a1.y).toBeGreaterThan(sa.y + sa.h)
      expect(a2.y).toBeGreaterThan(a1.y + a1.h)
      expect(sb.y).toBeGreaterThan(a2.y + a2.h)
    }
    // The viewer sees the choice (read-only: no layout items for a viewer), the editor sees it checked.
    expect(await bob.evaluate(() => window.editor!.getDocumentSettings().meta.layout)).toBe('compact')
    await ann.click('[data-action=more]')
    expect(await ann.locator('[data-layout=compact]').getAttribute('aria-checked')).toBe('true')
    await ann.keyboard.press('Escape')

    // On screen, the connector into a stacked card comes in at its left side.
    for (const width of WIDTHS) {
      await bob.setViewportSize({ width, height: 800 })
      await bob.evaluate(() => {
        window.editor!.updateViewportScreenBounds(window.editor!.getContainer())
        window.editor!.zoomToFit()
      })
      await settled(bob)
      const { canvas, cards } = await cardBoxes(bob)
      expect(cards.length).toBe(22)
      for (const card of cards) expect(inside(card.box, canvas), `${card.id} at ${width} px`).toBe(true)
      const sa = cards.find((c) => c.id === id('Solution 1a'))!.box
      const a1 = cards.find((c) => c.id === id('Assumption 1a1'))!.box
      expect(a1.x).toBeGreaterThan(sa.x)
      expect(a1.y).toBeGreaterThan(sa.bottom)
      await screenshot(bob, `i22-compact-${width}`)
    }
  })
})

describe('a 1,000-card tree', () => {
  let board: CreatedBoard
  beforeAll(async () => {
    board = await suite.createSeededBoard(bigTree(1000))
  })

  for (const width of WIDTHS) {
    it(`at ${width} px opens fitted inside the canvas, fits again after panning away, and an outline click zooms to its card`, async () => {
      const { page } = await suite.person(`Big${width}`, board.editUrl, { viewport: { width, height: 800 } })
      await page.waitForFunction(() => window.editor!.getCurrentPageShapes().length >= 1000, null, { timeout: 60_000 })
      await waitForStatus(page, 'live', 60_000)
      await settled(page)
      const canvas = (await cardBoxes(page)).canvas
      // Laid out compact ('auto' on a tree this wide): about a screen's shape, not a band.
      const tree = await treeOnScreen(page)
      expect(tree.width / tree.height).toBeLessThan(4)
      expect(inside(tree, canvas), `the tree ${JSON.stringify(tree)} inside the canvas ${JSON.stringify(canvas)}`).toBe(true)
      // Filling it: the tree takes most of the canvas's width or height.
      expect(Math.max(tree.width / canvas.width, tree.height / canvas.height)).toBeGreaterThan(0.8)
      await screenshot(page, `i22-big-fit-${width}`)

      // Panned and zoomed away, then tldraw's zoom to fit (Shift+1): the whole tree is back inside.
      await page.evaluate(() => {
        window.editor!.setCamera({ x: 50_000, y: -30_000, z: 2 })
        window.editor!.selectNone()
        document.querySelector<HTMLElement>('.tl-container')!.focus()
      })
      await page.keyboard.press('Shift+1')
      await settled(page)
      const refit = await treeOnScreen(page)
      expect(inside(refit, canvas), `the tree ${JSON.stringify(refit)} inside the canvas ${JSON.stringify(canvas)}`).toBe(true)

      // An outline click on a card deep in the tree zooms to it (100%) and selects it.
      const target = (await treeTitles(page)).find((n) => n.kind === 'assumption' && n.title.startsWith('Assumption 3'))!
      const zoomBefore = await page.evaluate(() => window.editor!.getZoomLevel())
      expect(zoomBefore).toBeLessThan(0.3)
      const row = page.locator(`.ob-orow[data-id="${target.id}"]`)
      await row.scrollIntoViewIfNeeded()
      await row.click()
      await settled(page)
      expect(await page.evaluate(() => window.editor!.getZoomLevel())).toBeCloseTo(1, 2)
      expect(await page.evaluate(() => window.editor!.getSelectedShapeIds())).toEqual([target.id])
      const { canvas: after, cards } = await cardBoxes(page)
      const card = cards.find((c) => c.id === target.id)!.box
      expect(card.width).toBeCloseTo(240, 0)
      expect(inside(card, after)).toBe(true)
      // Centred in the canvas.
      expect(Math.abs(card.x + card.width / 2 - (after.x + after.width / 2))).toBeLessThan(4)
      await screenshot(page, `i22-big-outline-zoom-${width}`)
    })
  }
})
