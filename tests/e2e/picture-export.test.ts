// Issue 22, point 2: the PNG and SVG pictures show the whole tree (or the selection when there is one),
// whatever the viewport, with every card drawn in full and its whole title (not the three clamped lines).
// The camera is panned so cards are off screen (tldraw culls them) before exporting from the Export menu.

import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { e2eSuite, screenshot, treeTitles, waitForStatus } from './harness'

const suite = e2eSuite({ noPageErrorsAfterAll: true })
let page: Page

const LONG_TITLE =
  'People who sign up on a phone cannot finish the setup because the verification email opens in another app and the session is lost halfway through'

const TREE = {
  title: 'Picture export',
  roots: [
    {
      kind: 'outcome',
      title: 'More teams finish onboarding in their first week',
      children: Array.from({ length: 5 }, (_, i) => ({
        kind: 'opportunity',
        title: i === 4 ? LONG_TITLE : `Opportunity number ${i + 1}`,
        children: [
          { kind: 'solution', title: `Solution ${i + 1}a`, children: [{ kind: 'assumption', title: `Assumption ${i + 1}`, children: [] }] },
          { kind: 'solution', title: `Solution ${i + 1}b`, children: [] },
        ],
      })),
    },
  ],
}

async function exportPicture(format: 'png' | 'svg') {
  await page.click('[data-action=export]')
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action=picture-${format}]`)])
  expect(download.suggestedFilename()).toBe(`Picture-export.${format}`)
  const bytes = fs.readFileSync((await download.path())!)
  await page.click('[data-action=export]') // the toggle closes the menu
  await page.locator('[data-testid=export-menu]').waitFor({ state: 'detached' })
  return bytes
}

beforeAll(async () => {
  const board = await suite.createSeededBoard(TREE)
  page = (await suite.person('Pia', board.editUrl, { viewport: { width: 1440, height: 900 } })).page
  await waitForStatus(page, 'live')
  await page.waitForSelector('.ob-outline .ob-orow')
})

describe('picture export (issue 22, point 2)', () => {
  it('draws every card with its whole title when most of the tree is off screen', async () => {
    const nodes = await treeTitles(page)
    expect(nodes.length).toBe(1 + 5 * 4)
    // Pan and zoom in on the outcome so the rest of the tree is culled (drawn as empty boxes on the canvas).
    const outcome = nodes.find((n) => n.kind === 'outcome')!
    await page.evaluate((id) => {
      const e = window.editor!
      e.selectNone()
      const b = e.getShapePageBounds(id as never)!
      e.setCamera({ x: -b.x + 40, y: -b.y + 40, z: 1.5 })
    }, outcome.id)
    const longCard = nodes.find((n) => n.title === LONG_TITLE)!
    await page.waitForFunction((id) => window.editor!.getCulledShapes().has(id as never), longCard.id)
    expect(await page.evaluate(() => window.editor!.getCulledShapes().size)).toBeGreaterThan(nodes.length / 2)
    await screenshot(page, 'i22-export-panned')
    const camera = await page.evaluate(() => window.editor!.getCamera())

    await page.click('[data-action=export]')
    expect(await page.locator('[data-testid=picture-scope]').textContent()).toBe('The whole tree, as drawn')
    await page.click('[data-action=export]')
    const svg = (await exportPicture('svg')).toString('utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    for (const n of nodes) expect(svg, `${n.kind} "${n.title}" is in the picture`).toContain(n.title)
    // Every card drawn in full (none as the culled empty box), each title whole rather than clamped.
    expect(svg).not.toContain('ob-card--hidden')
    expect(svg.match(/ob-card__title--whole/g)?.length).toBe(nodes.length)
    expect(svg.match(/class="ob-card ob-card--/g)?.length).toBe(nodes.length)
    // The whole title's type is sized to fit the card, in pixels (a bare number would be a multiplier).
    const titleStyles = [...svg.matchAll(/ob-card__title--whole" style="([^"]*)"/g)].map((m) => m[1])
    expect(titleStyles.length).toBe(nodes.length)
    for (const style of titleStyles) expect(style).toMatch(/line-height: \d+(\.\d+)?px/)
    expect(svg).toContain('ob-export-connectors')
    // The viewBox covers the whole tree (page coordinates), not the viewport.
    const bounds = await page.evaluate(() => {
      const b = window.editor!.getCurrentPageBounds()!
      return { x: b.x, y: b.y, w: b.w, h: b.h }
    })
    const viewBox = /viewBox="([^"]+)"/.exec(svg)![1].split(/\s+/).map(Number)
    expect(viewBox[0]).toBeLessThanOrEqual(bounds.x)
    expect(viewBox[1]).toBeLessThanOrEqual(bounds.y)
    expect(viewBox[0] + viewBox[2]).toBeGreaterThanOrEqual(bounds.x + bounds.w)
    expect(viewBox[1] + viewBox[3]).toBeGreaterThanOrEqual(bounds.y + bounds.h)
    fs.mkdirSync('test-results/e2e', { recursive: true })
    fs.writeFileSync('test-results/e2e/i22-export-whole-tree.svg', svg)

    const png = await exportPicture('png')
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    // IHDR width and height, at pixel ratio 2: the whole tree plus the padding, not the 1440×900 viewport.
    const width = png.readUInt32BE(16)
    const height = png.readUInt32BE(20)
    expect(width).toBeGreaterThanOrEqual(Math.floor(bounds.w * 2))
    expect(height).toBeGreaterThanOrEqual(Math.floor(bounds.h * 2))
    expect(width).toBeGreaterThan(1440 * 2)
    fs.writeFileSync('test-results/e2e/i22-export-whole-tree.png', png)

    // Exporting moved nothing: the person's camera is where they left it.
    expect(await page.evaluate(() => window.editor!.getCamera())).toEqual(camera)
  })

  it('with a selection, draws the selection only', async () => {
    const nodes = await treeTitles(page)
    const picked = nodes.filter((n) => n.title === LONG_TITLE || n.title === 'Solution 5a')
    await page.evaluate((ids) => void window.editor!.select(...(ids as never[])), picked.map((n) => n.id))
    await page.click('[data-action=export]')
    await expect.poll(() => page.locator('[data-testid=picture-scope]').textContent()).toBe('The 2 selected, as drawn')
    await page.click('[data-action=export]')
    const svg = (await exportPicture('svg')).toString('utf8')
    expect(svg).toContain(LONG_TITLE)
    expect(svg).toContain('Solution 5a')
    expect(svg).not.toContain('Opportunity number 1')
    expect(svg).not.toContain('More teams finish onboarding')
    expect(svg.match(/class="ob-card ob-card--/g)?.length).toBe(2)
    // The one connector between the two selected cards, none to cards left out.
    expect(svg.match(/<path d="M /g)?.length).toBe(1)
  })
})
