// A live session in three browsers: Dana facilitates (owner link), Ravi (edit link) and Mei (view link) take
// part. Dot voting stays private until the reveal — on screen, in the document and on the wire — then counts
// and the ranked list appear for all three; the timer is the same for everyone (even after a reload, even with
// a skewed clock); a summons moves a participant's camera; following someone has a way out; participants get
// no facilitator controls and the server refuses them anyway.

import { beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { e2eSuite, screenshot, TEAM_ONBOARDING, treeTitles } from './harness'
import type { CreatedBoard, Person } from './harness'

const suite = e2eSuite()
let board: CreatedBoard
let dana: Person
let ravi: Person
let mei: Person
/** Everything Mei's browser received from the server over websockets and from /api/, with the time. */
const meiInbox: { at: number; text: string; where: string }[] = []
const ids: Record<string, string> = {}

/** Mei's laptop clock is seven minutes fast: the timer must still agree with everyone else's. */
const MEI_SKEW_MS = 7 * 60_000

/** Every page of the context reads a clock `skewMs` ahead of the real one. */
async function skewClock(context: BrowserContext, skewMs: number) {
  await context.addInitScript((skew) => {
    const real = Date.now.bind(Date)
    Date.now = () => real() + skew
  }, skewMs)
}

/** Keeps in meiInbox what the page receives over websockets and from /api/. */
function recordInbox(page: Page) {
  page.on('websocket', (ws) =>
    ws.on('framereceived', (frame) => {
      const payload = frame.payload
      meiInbox.push({ at: Date.now(), where: 'ws', text: typeof payload === 'string' ? payload : Buffer.from(payload).toString('latin1') })
    }),
  )
  page.on('response', async (res) => {
    if (!new URL(res.url()).pathname.startsWith('/api/')) return
    const text = await res.text().catch(() => '')
    meiInbox.push({ at: Date.now(), where: res.url(), text })
  })
}

const card = (page: Page, id: string) => page.locator(`.ob-card[data-node-id="${id}"]`)
const voteButton = (page: Page, id: string) => card(page, id).locator('button[aria-label="Add a vote"]')

async function votesLeft(page: Page) {
  return Number(await page.locator('[data-testid=votes-left]').getAttribute('data-votes-left'))
}

async function waitForVotesLeft(page: Page, n: number) {
  await page.waitForSelector(`[data-testid=votes-left][data-votes-left="${n}"]`, { timeout: 10_000 })
}

/** The countdown a page shows, in seconds. */
async function shownSeconds(page: Page) {
  const text = (await page.locator('[data-testid=timer-time]').textContent()) ?? ''
  const [m, s] = text.split(':').map(Number)
  return m * 60 + s
}

async function api(method: string, pathname: string, token: string, body?: unknown) {
  const res = await fetch(`${suite.server.url}/api/boards/${board.id}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return res.status
}

beforeAll(async () => {
  board = await suite.createSeededBoard(TEAM_ONBOARDING, 'Onboarding workshop')
  ;[dana, ravi, mei] = await suite.people(
    ['Dana', board.ownerUrl, 'live'],
    ['Ravi', board.editUrl, 'live'],
    ['Mei', board.viewUrl, 'readonly', { prepare: (context) => skewClock(context, MEI_SKEW_MS), beforeOpen: recordInbox }],
  )
  for (const n of await treeTitles(dana.page)) ids[n.title] = n.id
})

const A = () => ids['Activity digest per board']
const B = () => ids['Seen-by markers on changed items']
const C = () => ids['Mention a teammate on any card']
const OPPORTUNITY = () => ids["I can't tell whether my teammates have seen my changes"]

describe('a facilitated session in three browsers', () => {
  it('only the facilitator gets the controls, and the server refuses everyone else', async () => {
    await dana.page.waitForSelector('[data-action=facilitate]')
    for (const p of [ravi, mei]) {
      expect(await p.page.locator('[data-action=facilitate]').count()).toBe(0)
      expect(await p.page.locator('[data-testid=timer]').count()).toBe(0)
    }
    for (const token of [board.editToken, board.viewToken]) {
      expect(await api('POST', '/rounds', token, { target: 'solution' })).toBe(403)
      expect(await api('POST', '/timer', token, { action: 'start', seconds: 60 })).toBe(403)
      expect(await api('POST', '/summon', token, { bounds: { x: 0, y: 0, w: 10, h: 10 } })).toBe(403)
      expect(await api('POST', '/rounds/current/reveal', token)).toBe(403)
      expect(await api('DELETE', '/rounds/current', token)).toBe(403)
    }
    // And from inside a participant's page, with the token it holds.
    const status = await ravi.page.evaluate(
      async ([id, token]) =>
        (await fetch(`/api/boards/${id}/rounds`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"target":"solution"}' })).status,
      [board.id, board.editToken],
    )
    expect(status).toBe(403)
  })

  it('the facilitator starts a round on one opportunity’s solutions through the UI', async () => {
    const page = dana.page
    await page.click('[data-action=facilitate]')
    await page.click('[data-action=start-voting]')
    await page.waitForSelector('.ob-dialog--round')
    await page.click('.ob-segmented__opt:has-text("Solutions")')
    await page.selectOption('.ob-dialog--round select[name=scope]', OPPORTUNITY())
    await page.fill('.ob-dialog--round input[name=votesPerPerson]', '3')
    expect(await page.locator('[data-testid=round-candidates]').textContent()).toContain('3 solutions')
    await screenshot(page, 'facilitation-start-round')
    await page.click('[data-action=start-round]')
    await page.waitForSelector('.ob-dialog--round', { state: 'detached' })
    for (const p of [dana, ravi, mei]) {
      await p.page.waitForSelector('[data-testid=round-bar]')
      await waitForVotesLeft(p.page, 3)
      // Every candidate card offers a vote; the opportunity above them does not.
      await card(p.page, A()).locator('[data-testid=vote]').waitFor()
      expect(await card(p.page, OPPORTUNITY()).locator('[data-testid=vote]').count()).toBe(0)
    }
    // The facilitator has Reveal; participants don't.
    expect(await dana.page.locator('[data-action=reveal-votes]').count()).toBe(1)
    expect(await ravi.page.locator('[data-action=reveal-votes]').count()).toBe(0)
    expect(await mei.page.locator('[data-action=reveal-votes]').count()).toBe(0)
  })

  it('two participants vote by clicking and with the keyboard; nobody sees counts before the reveal', async () => {
    // Ravi: two on A (several per card allowed), one on B, by clicking "+ Vote".
    await voteButton(ravi.page, A()).click()
    await waitForVotesLeft(ravi.page, 2)
    await voteButton(ravi.page, A()).click()
    await waitForVotesLeft(ravi.page, 1)
    await voteButton(ravi.page, B()).click()
    await waitForVotesLeft(ravi.page, 0)
    expect(await card(ravi.page, A()).locator('[data-testid=vote]').getAttribute('data-mine')).toBe('2')
    // Out of votes: another click explains instead of counting.
    await voteButton(ravi.page, C()).click()
    await ravi.page.waitForSelector('[data-testid=notice]:has-text("used all 3")')
    expect(await votesLeft(ravi.page)).toBe(0)

    // Mei (view link): select C and press V, take it back with Shift+V, V again; then click + on A.
    await card(mei.page, C()).locator('.ob-card__title').click()
    await mei.page.waitForFunction((id) => window.editor!.getSelectedShapeIds().includes(id as never), C())
    await mei.page.keyboard.press('v')
    await waitForVotesLeft(mei.page, 2)
    await mei.page.keyboard.press('Shift+V')
    await waitForVotesLeft(mei.page, 3)
    await mei.page.keyboard.press('v')
    await waitForVotesLeft(mei.page, 2)
    // The select tool shortcut did not steal the key: still the select tool, C still selected.
    expect(await mei.page.evaluate(() => window.editor!.getCurrentToolId())).toBe('select')
    await voteButton(mei.page, A()).click()
    await waitForVotesLeft(mei.page, 1)
    // Alt-click takes one back.
    await voteButton(mei.page, A()).click({ modifiers: ['Alt'] })
    await waitForVotesLeft(mei.page, 2)
    await voteButton(mei.page, A()).click()
    await waitForVotesLeft(mei.page, 1)

    // "2 people voted" — for everyone, the facilitator included.
    for (const p of [dana, ravi, mei]) await p.page.waitForSelector('[data-testid=voters][data-voters="2"]')
    await screenshot(ravi.page, 'facilitation-voting-participant')
    await screenshot(dana.page, 'facilitation-voting-facilitator')

    // Nothing visible anywhere before the reveal: no counts on cards, no results, nothing in the document.
    for (const p of [dana, ravi, mei]) {
      expect(await p.page.locator('[data-testid=vote-count]').count()).toBe(0)
      expect(await p.page.locator('[data-testid=results]').count()).toBe(0)
      expect(await p.page.evaluate(() => window.board!.sync.board.get('votes') ?? null)).toBeNull()
    }
    // Nor on the wire: Mei's browser never received a tally, and the only ballot it saw is her own.
    const received = meiInbox.filter((m) => m.text)
    expect(received.length).toBeGreaterThan(0)
    for (const m of received) expect(m.text, `${m.where}: ${m.text.slice(0, 200)}`).not.toMatch(/\bvotes\b|"results":\[/)
    for (const m of received.filter((r) => r.where !== 'ws' && r.text.includes('"mine"'))) {
      const mine = JSON.parse(m.text).mine as Record<string, number>
      for (const nodeId of Object.keys(mine)) expect([A(), C()]).toContain(nodeId)
    }
  })

  it('the reveal shows counts on the cards and the ranked list for all three', async () => {
    await dana.page.click('[data-action=reveal-votes]')
    for (const p of [dana, ravi, mei]) {
      await p.page.waitForSelector('[data-testid=results]')
      await card(p.page, A()).locator('[data-testid=vote-count][data-votes="3"]').waitFor()
      expect(await card(p.page, B()).locator('[data-testid=vote-count]').getAttribute('data-votes')).toBe('1')
      expect(await card(p.page, C()).locator('[data-testid=vote-count]').getAttribute('data-votes')).toBe('1')
      const rows = await p.page.locator('[data-testid=results] li').evaluateAll((lis) =>
        lis.map((li) => [li.getAttribute('data-node-id'), Number(li.getAttribute('data-votes')), li.querySelector('.ob-results__rank')?.textContent]),
      )
      expect(rows).toEqual([
        [A(), 3, '1'],
        [B(), 1, '2'],
        [C(), 1, '2'],
      ])
      // The round bar is gone; the results stay with the board (in the document).
      expect(await p.page.locator('[data-testid=round-bar]').count()).toBe(0)
      expect(await p.page.evaluate(() => (window.board!.sync.board.get('votes') as { results: unknown[] }).results.length)).toBe(3)
    }
    await screenshot(mei.page, 'facilitation-revealed-participant')
    await screenshot(dana.page, 'facilitation-revealed-facilitator')
  })

  it('the timer started by the facilitator is the same for everyone, after a reload and with a skewed clock', async () => {
    await dana.page.click('[data-action=facilitate]')
    await dana.page.click('[data-action=open-timer]')
    await dana.page.click('[data-action=timer-5]')
    for (const p of [dana, ravi, mei]) {
      await p.page.waitForSelector('[data-testid=timer][data-state=running]')
      const s = await shownSeconds(p.page)
      expect(s, p.name).toBeGreaterThan(280)
      expect(s, p.name).toBeLessThanOrEqual(300)
    }
    await screenshot(dana.page, 'facilitation-timer-facilitator')
    // Participants see it but can't drive it.
    expect(await ravi.page.locator('button[data-testid=timer]').count()).toBe(0)

    // Mei reloads (her clock is still 7 minutes fast): the countdown comes back at about the same time.
    await mei.page.reload()
    await mei.page.waitForFunction(() => !!window.board)
    await mei.page.waitForSelector('[data-testid=timer][data-state=running]')
    const [afterReload, reference] = [await shownSeconds(mei.page), await shownSeconds(dana.page)]
    expect(Math.abs(afterReload - reference)).toBeLessThanOrEqual(2)
    expect(afterReload).toBeGreaterThan(270)

    // Pause, add a minute: everyone sees the paused time move.
    await dana.page.click('[data-action=timer-pause]')
    for (const p of [ravi, mei]) await p.page.waitForSelector('[data-testid=timer][data-state=paused]')
    const paused = await shownSeconds(ravi.page)
    await dana.page.click('[data-action=timer-add]')
    await ravi.page.waitForFunction((before) => {
      const [m, s] = (document.querySelector('[data-testid=timer-time]')?.textContent ?? '0:0').split(':').map(Number)
      return m * 60 + s === before + 60
    }, paused)
    await dana.page.click('[data-action=timer-reset]')
    await ravi.page.waitForSelector('[data-testid=timer]', { state: 'detached' })

    // A short countdown reaches zero: a flash for everyone, and no error where audio is blocked.
    await dana.page.fill('.ob-timer-pop input[name=minutes]', '0.05')
    await dana.page.click('[data-action=timer-custom]')
    for (const p of [dana, ravi, mei]) await p.page.waitForSelector('[data-testid=times-up]', { timeout: 15_000 })
    await ravi.page.waitForSelector('[data-testid=timer][data-state=done]')
    await screenshot(ravi.page, 'facilitation-times-up')
    await dana.page.keyboard.press('Escape')
  })

  it('"Bring everyone here" moves a participant’s camera to the facilitator’s view', async () => {
    // Ravi looks far away; Dana looks closely at solution B.
    await ravi.page.evaluate(() => void window.editor!.setCamera({ x: 4000, y: 3000, z: 0.5 }))
    const before = await ravi.page.evaluate(() => window.editor!.getViewportPageBounds().toJson())
    const target = await dana.page.evaluate((id) => {
      const editor = window.editor!
      editor.zoomToBounds(editor.getShapePageBounds(id as never)!, { inset: 200 })
      return editor.getViewportPageBounds().toJson()
    }, B())
    await dana.page.click('[data-action=facilitate]')
    await dana.page.click('[data-action=summon]')
    await ravi.page.waitForSelector('[data-testid=summon-toast]:has-text("Dana brought everyone here")')
    // Dana herself is not "summoned".
    expect(await dana.page.locator('[data-testid=summon-toast]').count()).toBe(0)
    await ravi.page.waitForFunction(
      (t) => {
        const b = window.editor!.getViewportPageBounds()
        return Math.abs(b.midX - (t.x + t.w / 2)) < 20 && Math.abs(b.midY - (t.y + t.h / 2)) < 20
      },
      target,
      { timeout: 10_000 },
    )
    const after = await ravi.page.evaluate(() => window.editor!.getViewportPageBounds().toJson())
    expect(Math.abs(after.x - before.x)).toBeGreaterThan(500)
    // The same zoom (the screens differ a little: each fits the facilitator's view to its own canvas).
    expect(after.w / target.w).toBeGreaterThan(0.9)
    expect(after.w / target.w).toBeLessThan(1.25)
    await screenshot(ravi.page, 'facilitation-summoned')
    // "Go back" returns to where Ravi was.
    await ravi.page.click('[data-testid=summon-toast] button:has-text("Go back")')
    await ravi.page.waitForFunction((b) => Math.abs(window.editor!.getViewportPageBounds().x - b.x) < 5, before)
    await ravi.page.waitForSelector('[data-testid=summon-toast]', { state: 'detached' })
  })

  it('following someone shows who, with a clear way to stop', async () => {
    const page = ravi.page
    await page.waitForFunction(() => window.editor!.getCollaborators().some((c) => c.userName === 'Dana'))
    await page.evaluate(() => {
      const dana = window.editor!.getCollaborators().find((c) => c.userName === 'Dana')!
      window.editor!.startFollowingUser(dana.userId)
    })
    await page.waitForSelector('[data-testid=follow-banner]:has-text("Following Dana")')
    // One way out: tldraw's own "Stop following" helper button is not shown next to the banner.
    expect(await page.locator('.tlui-helper-buttons').count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Stop following' }).count()).toBe(1)
    await screenshot(page, 'facilitation-following')
    await page.click('[data-action=stop-following]')
    await page.waitForSelector('[data-testid=follow-banner]', { state: 'detached' })
    expect(await page.evaluate(() => window.editor!.getInstanceState().followingUserId)).toBeNull()
  })

  it('no page errors and no foreign requests', () => {
    expect(suite.pageErrors).toEqual([])
    expect(suite.foreignRequests()).toEqual([])
  })
})
