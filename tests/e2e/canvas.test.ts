// Issue 22, the canvas keeps up with a live session, as people use it in Chromium: the camera keeps the card
// being typed into in view and every open fits the tree inside the space the panels leave; the top bar never
// wraps or overlaps from 1024 px up; titles are edited in place (double-click, Enter, or just typing) and
// never lose letters to tool shortcuts; cards show three lines of title with an ellipsis whatever badges they
// carry; "time's up" clears on its own. Layout is checked by element bounds at 1024, 1280 and 1440 px.

import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard } from './harness'

const suite = e2eSuite({ person: { viewport: { width: 1440, height: 900 } }, noPageErrorsAfterAll: true })

const WIDTHS = [1024, 1280, 1440] as const

const LONG_TITLE =
  'People who sign up on a phone cannot finish the setup because the verification email opens in another app and the session is lost halfway through'

function wideTree(opportunities = 6) {
  return {
    title: 'A wide tree for the camera',
    roots: [
      {
        kind: 'outcome',
        title: 'More teams finish onboarding in their first week',
        children: Array.from({ length: opportunities }, (_, i) => ({
          kind: 'opportunity',
          title: i === 0 ? LONG_TITLE : `Opportunity number ${i + 1}`,
          children: [
            { kind: 'solution', title: `Solution ${i + 1}a`, children: [{ kind: 'assumption', title: `Assumption ${i + 1}`, children: [] }] },
            { kind: 'solution', title: `Solution ${i + 1}b`, children: [] },
          ],
        })),
      },
    ],
  }
}

async function api(board: CreatedBoard, method: string, pathname: string, token: string, body?: unknown) {
  const res = await fetch(`${suite.server.url}/api/boards/${board.id}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return res
}

type Rect = { x: number; y: number; width: number; height: number; right: number; bottom: number }

/** Where the canvas is on screen, and every card's on-screen box. */
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

function inside(box: Rect, frame: Rect, slack = 1) {
  return box.x >= frame.x - slack && box.y >= frame.y - slack && box.right <= frame.right + slack && box.bottom <= frame.bottom + slack
}

/** Waits until no card moves between two animation frames (the layout animation and camera have settled). */
async function settled(page: Page) {
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const read = () =>
          JSON.stringify([window.editor!.getCamera(), [...document.querySelectorAll('.ob-card[data-node-id]')].map((el) => el.getBoundingClientRect().x)])
        const a = read()
        setTimeout(() => requestAnimationFrame(() => resolve(read() === a)), 300)
      }),
    null,
    { timeout: 20_000 },
  )
}

async function editingCardBox(page: Page) {
  const id = await page.evaluate(() => window.editor!.getEditingShapeId())
  expect(id).toBeTruthy()
  const { canvas, cards } = await cardBoxes(page)
  const card = cards.find((c) => c.id === id)
  expect(card, 'the edited card is drawn').toBeTruthy()
  return { canvas, box: card!.box, id: id! }
}

describe('camera', () => {
  it('keeps the card being typed into in view while a tree is built from the keyboard', async () => {
    const board = await suite.createSeededBoard({ title: 'Empty', roots: [] })
    const { page } = await suite.person('Cam', board.editUrl)
    await waitForStatus(page, 'live')
    await page.click('[data-action=add-outcome]')
    const steps: [string, string][] = [
      ['Grow weekly active teams', 'Tab'],
      ['Teams forget to come back', 'Tab'],
      ['Weekly digest email', 'Shift+Tab'],
      ['In-app reminders', 'Tab'],
      ['People read the digest', 'Tab'],
    ]
    for (const [text, key] of steps) {
      await page.keyboard.type(text)
      await settled(page)
      const { canvas, box } = await editingCardBox(page)
      expect(inside(box, canvas), `"${text}" is on screen while typed`).toBe(true)
      await page.keyboard.press(key)
    }
    await page.keyboard.type('An assumption I can see')
    await settled(page)
    const { canvas, box, id } = await editingCardBox(page)
    expect(inside(box, canvas)).toBe(true)
    const typed: unknown = await page.evaluate((i) => String(window.board!.tree().byId.get(i)?.props.title), String(id))
    expect(typed).toBe('An assumption I can see')
    await screenshot(page, 'i22-camera-typing')

    // Someone who pans away on purpose while typing stays where they panned.
    const before = await page.evaluate(() => window.editor!.getCamera())
    await page.evaluate(() => {
      const c = window.editor!.getCamera()
      window.editor!.setCamera({ x: c.x + 2000, y: c.y, z: c.z })
    })
    await page.keyboard.type('!')
    await page.waitForTimeout(400)
    const after = await page.evaluate(() => window.editor!.getCamera())
    expect(after.x).toBeCloseTo(before.x + 2000, 0)
  })

  it('a card added from the selection toolbar is edited where it can be seen, beside the node panel', async () => {
    const board = await suite.createSeededBoard(wideTree())
    const { page } = await suite.person('Tess', board.editUrl, { viewport: { width: 1280, height: 800 } })
    await waitForStatus(page, 'live')
    const last = (await treeTitles(page)).filter((n) => n.kind === 'opportunity').pop()!
    await page.locator(`.ob-orow[data-id="${last.id}"]`).click()
    await page.waitForSelector('.ob-detail')
    await settled(page)
    // The node panel narrowed the canvas: the selected card is still in view beside it.
    const selected = (await cardBoxes(page)).cards.find((c) => c.id === last.id)!
    expect(inside(selected.box, (await cardBoxes(page)).canvas)).toBe(true)
    await page.locator('.ob-seltools__btn', { hasText: 'Solution' }).first().click()
    await settled(page)
    // On a busy machine the layout can still be moving the new card when the camera first settles.
    await expect
      .poll(async () => {
        const { canvas, box } = await editingCardBox(page)
        return inside(box, canvas)
      }, { timeout: 15_000 })
      .toBe(true)
  })

  for (const width of WIDTHS) {
    it(`at ${width} px an editor, a viewer and a reload all open with the whole tree inside the canvas`, async () => {
      const board = await suite.createSeededBoard(wideTree())
      for (const url of [board.editUrl, board.viewUrl]) {
        const { page } = await suite.person(`Fit${width}`, url, { viewport: { width, height: 800 } })
        await page.waitForSelector('.ob-outline .ob-orow', { timeout: 60_000 })
        for (const round of ['open', 'reload']) {
          if (round === 'reload') {
            await page.reload()
            await page.waitForFunction(() => !!window.editor && !!window.board)
          }
          await settled(page)
          const { canvas, cards } = await cardBoxes(page)
          const outline = await page.locator('.ob-outline').boundingBox()
          expect(outline!.width).toBeGreaterThan(200)
          expect(canvas.x).toBeGreaterThanOrEqual(outline!.x + outline!.width - 1)
          expect(cards.length).toBe(1 + 6 * 4)
          for (const card of cards) expect(inside(card.box, canvas), `${card.id} at ${width} px (${round})`).toBe(true)
        }
        await screenshot(page, `i22-fit-${width}-${url === board.viewUrl ? 'view' : 'edit'}`)
      }
    })
  }
})

describe('top bar', () => {
  for (const width of WIDTHS) {
    it(`at ${width} px with the timer, the results and the bet chip showing, nothing wraps, overlaps or leaves the bar`, async () => {
      const board = await suite.createSeededBoard(wideTree())
      const tree = await (await api(board, 'GET', '/tree', board.viewToken)).json()
      const solution = tree.roots[0].children[1].children[0]
      expect((await api(board, 'POST', '/bet', board.editToken, { solutionId: solution.id })).status).toBe(201)
      expect((await api(board, 'POST', '/timer', board.ownerToken, { action: 'start', seconds: 1 })).status).toBeLessThan(300)
      expect((await api(board, 'POST', '/rounds', board.ownerToken, { target: 'opportunity' })).status).toBeLessThan(300)
      expect((await api(board, 'POST', '/rounds/current/reveal', board.ownerToken)).status).toBeLessThan(300)
      const { page } = await suite.person(`Bar${width}`, board.ownerUrl, { viewport: { width, height: 800 } })
      await waitForStatus(page, 'live')
      await page.waitForSelector('[data-testid=bet-chip]')
      await page.waitForSelector('[data-action=show-results]')
      await page.waitForSelector('[data-testid=timer][data-state=done]')
      const layout = await page.evaluate(() => {
        const bar = document.querySelector('.ob-topbar')!.getBoundingClientRect()
        const items = [...document.querySelectorAll('.ob-topbar > *, .ob-topbar .ob-session-controls > *, .ob-topbar .ob-bettop > *')]
          .filter((el) => !el.matches('.ob-session-controls, .ob-bettop, .ob-topbar__spacer'))
          .map((el) => {
            const b = el.getBoundingClientRect()
            const text = el as HTMLElement
            return { name: text.innerText.replace(/\s+/g, ' ').trim() || el.className, x: b.x, right: b.right, top: b.top, bottom: b.bottom, height: b.height, cut: text.scrollWidth > text.clientWidth + 1 && !el.matches('.ob-topbar__title, .ob-betchip') }
          })
        return { bar: { top: bar.top, bottom: bar.bottom, right: bar.right, height: bar.height }, items, viewport: window.innerWidth }
      })
      await screenshot(page, `i22-topbar-${width}`)
      expect(layout.bar.height).toBeLessThanOrEqual(53)
      const sorted = [...layout.items].sort((a, b) => a.x - b.x)
      for (const item of sorted) {
        expect(item.height, `${item.name} is one line`).toBeLessThanOrEqual(36)
        expect(item.top, item.name).toBeGreaterThanOrEqual(layout.bar.top)
        expect(item.bottom, item.name).toBeLessThanOrEqual(layout.bar.bottom)
        expect(item.right, `${item.name} inside the window`).toBeLessThanOrEqual(layout.viewport)
        expect(item.cut, `${item.name} shows its whole label`).toBe(false)
      }
      for (let i = 1; i < sorted.length; i++) expect(sorted[i].x, `${sorted[i].name} does not cover ${sorted[i - 1].name}`).toBeGreaterThanOrEqual(sorted[i - 1].right - 0.5)
      for (const name of ['Share', 'Export', 'More', 'Outline']) expect(sorted.some((i) => i.name.includes(name)), name).toBe(true)

      // Every action can be clicked, the less used ones from the More menu.
      await page.click('[data-action=more]')
      await page.click('[role=menu] [data-action=decisions]')
      await page.waitForSelector('.ob-decisions')
      await page.click('[data-action=export]')
      await page.waitForSelector('.ob-exportmenu')
      await page.keyboard.press('Escape')
    })
  }

  it('owner and editor rename the board from the top bar; a viewer cannot', async () => {
    const board = await suite.createSeededBoard(wideTree())
    const { page } = await suite.person('Rita', board.editUrl)
    await page.click('[data-action=rename-board]')
    await page.fill('input[aria-label="Board name"]', 'Renamed in the bar')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.ob-topbar__title:has-text("Renamed in the bar")')
    await expect.poll(async () => (await (await api(board, 'GET', '', board.viewToken)).json()).title).toBe('Renamed in the bar')
    const { page: viewer } = await suite.person('Vic', board.viewUrl)
    await viewer.waitForSelector('.ob-topbar__title:has-text("Renamed in the bar")')
    expect(await viewer.locator('[data-action=rename-board]').count()).toBe(0)
  })
})

describe('editing in place', () => {
  it('double-click, Enter and typing on a selected card edit its title on the card; no letter goes to a tool', async () => {
    const board = await suite.createSeededBoard(wideTree())
    const { page } = await suite.person('Eda', board.editUrl)
    await waitForStatus(page, 'live')
    const nodes = await treeTitles(page)
    const two = nodes.find((n) => n.title === 'Opportunity number 2')!
    const three = nodes.find((n) => n.title === 'Opportunity number 3')!
    const card = (id: string) => page.locator(`.ob-card[data-node-id="${id}"]`)
    const title = (id: string) => page.evaluate((i) => window.board!.tree().byId.get(i)?.props.title, id)
    const count = () => page.evaluate(() => window.editor!.getCurrentPageShapeIds().size)
    const shapes = await count()

    // Double-click: the title field opens on the card, focused.
    await card(two.id).locator('.ob-card__title').dblclick()
    await card(two.id).locator('textarea.ob-card__title-input').waitFor()
    expect(await page.evaluate(() => document.activeElement?.classList.contains('ob-card__title-input'))).toBe(true)
    await page.keyboard.type(' and more')
    await page.keyboard.press('Enter')
    expect(await title(two.id)).toBe('Opportunity number 2 and more')

    // Enter on the selected card edits it too.
    await page.keyboard.press('Enter')
    await card(two.id).locator('textarea.ob-card__title-input').waitFor()
    await page.keyboard.press('Escape')
    expect(await page.evaluate(() => window.editor!.getEditingShapeId())).toBeNull()

    // Typing on a selected card starts editing it: every letter lands in the title, none picks a tool
    // (n is the note tool, d draw, r rectangle, t text, e eraser, a arrow...).
    await card(three.id).locator('.ob-card__title').click()
    await page.waitForFunction((i) => window.editor!.getSelectedShapeIds().join() === i, three.id)
    await page.keyboard.type('Nerds draw arrows fast')
    expect(await title(three.id)).toBe('Nerds draw arrows fast')
    expect(await page.evaluate(() => window.editor!.getCurrentToolId())).toBe('select')
    expect(await count()).toBe(shapes)
    await page.keyboard.press('Enter')

    // Shift+Enter adds a sibling; what is typed at once, before its field is even mounted, is its title.
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type('draw tiny rectangles', { delay: 0 })
    await page.keyboard.press('Enter')
    const added = (await treeTitles(page)).find((n) => n.title === 'draw tiny rectangles')
    expect(added?.kind).toBe('opportunity')
    expect(await page.evaluate(() => window.editor!.getCurrentToolId())).toBe('select')
    expect(await count()).toBe(shapes + 1)
    await screenshot(page, 'i22-edit-in-place')
  })
})

describe('titles', () => {
  for (const width of WIDTHS) {
    it(`at ${width} px a long title shows three lines and an ellipsis, the whole title on hover, with or without vote badges`, async () => {
      const board = await suite.createSeededBoard(wideTree())
      const { page } = await suite.person(`Tia${width}`, board.ownerUrl, { viewport: { width, height: 800 } })
      await waitForStatus(page, 'live')
      const id = (await treeTitles(page)).find((n) => n.title === LONG_TITLE)!.id
      await page.evaluate((i) => window.editor!.zoomToBounds(window.editor!.getShapePageBounds(i as never)!, { targetZoom: 1 }), id)
      const measure = () =>
        page.evaluate((i) => {
          const el = document.querySelector<HTMLElement>(`.ob-card[data-node-id="${i}"] .ob-card__title`)!
          const card = el.closest('.ob-card')!.getBoundingClientRect()
          const style = getComputedStyle(el)
          const b = el.getBoundingClientRect()
          return {
            lines: Math.round(b.height / parseFloat(style.lineHeight)),
            clipped: el.scrollHeight > el.clientHeight + 1,
            clamp: style.webkitLineClamp,
            hover: el.title,
            insideCard: b.bottom <= card.bottom && b.top >= card.top,
          }
        }, id)
      const plain = await measure()
      expect(plain).toEqual({ lines: 3, clipped: true, clamp: '3', hover: LONG_TITLE, insideCard: true })

      // A voting round puts vote buttons on the card: the title keeps its three lines.
      expect((await api(board, 'POST', '/rounds', board.ownerToken, { target: 'opportunity' })).status).toBeLessThan(300)
      await page.locator(`.ob-card[data-node-id="${id}"] .ob-vote`).waitFor()
      expect(await measure()).toEqual(plain)
      expect((await api(board, 'POST', '/rounds/current/reveal', board.ownerToken)).status).toBeLessThan(300)
      await page.locator(`.ob-card[data-node-id="${id}"] .ob-votecount`).waitFor()
      expect(await measure()).toEqual(plain)
      await screenshot(page, `i22-titles-${width}`)
    })
  }
})

describe('timer', () => {
  it("\"time's up\" shows for everyone, then clears on its own, also after a reload", { timeout: 120_000 }, async () => {
    const board = await suite.createSeededBoard(wideTree())
    const { page: viewer } = await suite.person('Tim', board.viewUrl)
    await waitForStatus(viewer, 'readonly')
    expect((await api(board, 'POST', '/timer', board.ownerToken, { action: 'start', seconds: 2 })).status).toBeLessThan(300)
    await viewer.waitForSelector('[data-testid=timer][data-state=done]', { timeout: 20_000 })
    // Readable: the tag is not faded and the colours have at least 4.5:1 contrast.
    const colours = await viewer.evaluate(() => {
      const timer = document.querySelector<HTMLElement>('[data-testid=timer]')!
      const tag = timer.querySelector<HTMLElement>('.ob-timer__tag')!
      return { fg: getComputedStyle(tag).color, bg: getComputedStyle(timer).backgroundColor, opacity: getComputedStyle(tag).opacity, animation: getComputedStyle(timer).animationName }
    })
    expect(colours.opacity).toBe('1')
    expect(colours.animation).not.toBe('ob-pulse')
    expect(contrast(colours.fg, colours.bg)).toBeGreaterThanOrEqual(4.5)
    await viewer.waitForSelector('[data-testid=timer]', { state: 'detached', timeout: 60_000 })
    await viewer.reload()
    await viewer.waitForFunction(() => !!window.editor)
    await waitForStatus(viewer, 'readonly')
    await viewer.waitForTimeout(1000)
    expect(await viewer.locator('[data-testid=timer]').count()).toBe(0)
  })
})

function contrast(fg: string, bg: string) {
  const lum = (css: string) => {
    const [r, g, b] = css.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x)
  return (a + 0.05) / (b + 0.05)
}
