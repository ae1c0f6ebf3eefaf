// The board in a real browser against the real server: two people build and edit one tree live, a view link
// cannot edit, offline edits merge on reconnect, reloads (even offline) keep everything, and no request
// ever leaves for another host. Screenshots land in test-results/e2e/ (git-ignored).

import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import serializedSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { e2eSuite, openBoard, screenshot, treeTitles, waitForStatus } from './harness'
import type { CreatedBoard, Person } from './harness'

const suite = e2eSuite()
let board: CreatedBoard
let alice: Person
let bob: Person

async function waitForTitles(page: Page, expected: string[]) {
  await page.waitForFunction(
    (titles) => {
      const have = new Set<string>()
      const visit = (n: { props: { title: string }; children: unknown[] }) => {
        have.add(n.props.title)
        n.children.forEach((c) => visit(c as typeof n))
      }
      window.board?.tree().roots.forEach((r) => visit(r as never))
      return titles.every((t) => have.has(t))
    },
    expected,
    { timeout: 20_000 },
  ).catch(async (error) => {
    const have = await treeTitles(page).catch(() => [])
    throw new Error(`waiting for ${JSON.stringify(expected)}; the page has ${JSON.stringify(have.map((n) => n.title))}: ${error}`)
  })
}

beforeAll(async () => {
  board = await suite.createBoard('Q3 activation discovery')
})

describe('a board in two browsers', () => {
  it('asks a first-time visitor for a name, then shows the live board', async () => {
    alice = await suite.newPerson() // no name yet: the board asks for one
    await alice.page.goto(suite.local(board.ownerUrl))
    await alice.page.waitForSelector('input[name=displayName]')
    await alice.page.fill('input[name=displayName]', 'Alice')
    await alice.page.click('button:has-text("Join the board")')
    await alice.page.waitForFunction(() => !!window.editor && !!window.board)
    await waitForStatus(alice.page, 'live')
    expect(await alice.page.locator('.ob-topbar__title').textContent()).toBe('Q3 activation discovery')
    // The browser's store schema is exactly what the server seeds boards with.
    const schema = await alice.page.evaluate(() => window.editor!.store.schema.serialize())
    expect(schema).toEqual(serializedSchema)
  })

  it('one person builds a tree with buttons and keys; the other sees it', async () => {
    const page = alice.page
    await page.click('[data-action=add-outcome]')
    await page.keyboard.type('Increase weekly active teams')
    await page.keyboard.press('Tab') // commits the title and adds a child opportunity
    await page.keyboard.type('I can’t tell which teammates are active')
    await page.keyboard.press('Tab') // a solution under the opportunity
    await page.keyboard.type('Weekly activity digest email')
    await page.keyboard.press('Enter') // done editing
    await page.keyboard.press('Shift+Enter') // a sibling solution (Enter would edit the selected card)
    await page.keyboard.type('Team presence sidebar')
    await page.keyboard.press('Enter')

    const tree = await treeTitles(page)
    expect(tree.map((n) => [n.kind, n.title])).toEqual([
      ['outcome', 'Increase weekly active teams'],
      ['opportunity', 'I can’t tell which teammates are active'],
      ['solution', 'Weekly activity digest email'],
      ['solution', 'Team presence sidebar'],
    ])
    expect(tree[1].parentId).toBe(tree[0].id)
    expect(tree[2].parentId).toBe(tree[1].id)
    expect(tree[3].parentId).toBe(tree[1].id)

    // Torres hint: fewer than three solutions compared, shown in the outline for the opportunity.
    await page.locator(`.ob-orow[data-id="${tree[1].id}"]`).click()
    await page.locator('.ob-outline [data-hint="few-solutions"]').waitFor({ state: 'visible' })

    bob = await suite.person('Bob', board.editUrl)
    await waitForStatus(bob.page, 'live')
    await waitForTitles(bob.page, tree.map((n) => n.title))
    expect((await treeTitles(bob.page)).map((n) => n.title)).toEqual(tree.map((n) => n.title))
  })

  it('the second person edits a title in the side panel; the first sees it', async () => {
    const page = bob.page
    const tree = await treeTitles(page)
    const opportunity = tree.find((n) => n.kind === 'opportunity')!
    await page.locator(`.ob-orow[data-id="${opportunity.id}"]`).click()
    const title = page.locator('.ob-detail input[name=title]')
    await title.fill('I can’t see who on my team is active this week')
    await title.press('Enter')
    await waitForTitles(alice.page, ['I can’t see who on my team is active this week'])
  })

  it('shows the other person’s cursor with their name', async () => {
    const box = (await bob.page.locator('.ob-board__canvas').boundingBox())!
    for (let i = 0; i < 8; i++) await bob.page.mouse.move(box.x + 300 + i * 20, box.y + 200 + i * 10)
    await alice.page.waitForFunction(
      () => window.editor!.getCollaboratorsOnCurrentPage().some((c) => c.userName === 'Bob' && c.cursor && c.cursor.x !== 0),
      null,
      { timeout: 15_000 },
    )
    const people = await alice.page.evaluate(() => window.editor!.getCollaborators().map((c) => c.userName))
    expect(people).toContain('Bob')
    await alice.page.evaluate(() => {
      window.editor!.selectNone()
      window.editor!.zoomToFit()
    })
    await alice.page.waitForTimeout(400)
    await screenshot(alice.page, 'board-two-people')
  })

  it('refuses a move the rules forbid, with a message', async () => {
    const page = alice.page
    const tree = await treeTitles(page)
    const outcome = tree.find((n) => n.kind === 'outcome')!
    const solution = tree.find((n) => n.kind === 'solution')!
    const ok = await page.evaluate(([s, o]) => window.board!.actions.reparent(window.editor!, s, o), [solution.id, outcome.id])
    expect(ok).toBe(false)
    await page.locator('[data-testid=notice]').waitFor({ state: 'visible' })
    expect(await page.locator('[data-testid=notice]').textContent()).toContain('a solution can only sit under an opportunity')
  })

  it('a view link shows the board read-only', async () => {
    const viewer = await suite.person('Vera', board.viewUrl)
    await waitForStatus(viewer.page, 'readonly')
    await waitForTitles(viewer.page, ['Team presence sidebar'])
    expect(await viewer.page.evaluate(() => window.editor!.getIsReadonly())).toBe(true)
    expect(await viewer.page.locator('[data-action=add-outcome]').count()).toBe(0)

    const before = await treeTitles(viewer.page)
    // Keyboard: select a node and press Tab / Enter — nothing is added.
    await viewer.page.locator(`.ob-orow[data-id="${before[0].id}"]`).click()
    await viewer.page.locator('.ob-board__canvas').click({ position: { x: 5, y: 400 } })
    await viewer.page.evaluate((id) => {
      window.editor!.select(id as never)
    }, before[0].id)
    await viewer.page.keyboard.press('Tab')
    await viewer.page.keyboard.press('Enter')
    // The detail panel's fields are disabled.
    await viewer.page.locator(`.ob-orow[data-id="${before[0].id}"]`).click()
    expect(await viewer.page.locator('.ob-detail input[name=title]').isDisabled()).toBe(true)
    // Even the API refuses.
    const created = await viewer.page.evaluate(() => window.board!.actions.createNode(window.editor!, 'outcome', { title: 'sneaky' }))
    expect(created).toBeNull()
    expect((await treeTitles(viewer.page)).length).toBe(before.length)
    await screenshot(viewer.page, 'board-view-only')
    await viewer.context.close()
    expect((await treeTitles(alice.page)).some((n) => n.title === 'sneaky')).toBe(false)
  })

  it('keeps edits made offline and merges them on reconnect', async () => {
    const tree = await treeTitles(bob.page)
    const digest = tree.find((n) => n.title === 'Weekly activity digest email')!
    const opportunity = tree.find((n) => n.kind === 'opportunity')!

    // The app shell is cached by the service worker once it controls the page.
    await bob.page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 30_000 })
    await bob.context.setOffline(true)
    await waitForStatus(bob.page, 'offline')
    // Bob renames a solution while offline…
    await bob.page.locator(`.ob-orow[data-id="${digest.id}"]`).click()
    const title = bob.page.locator('.ob-detail input[name=title]')
    await title.fill('Monday digest of team activity')
    await title.press('Enter')
    // …while Alice adds a third solution online.
    await alice.page.locator(`.ob-orow[data-id="${opportunity.id}"]`).click()
    await alice.page.locator('.ob-detail button:has-text("+ Solution")').click()
    await alice.page.keyboard.type('Invite nudges for idle teammates')
    await alice.page.keyboard.press('Enter')

    // Bob reloads while still offline: the page (service worker) and the board (IndexedDB) are still there.
    await bob.page.reload()
    await bob.page.waitForFunction(() => !!window.board, null, { timeout: 30_000 })
    await waitForTitles(bob.page, ['Monday digest of team activity'])
    await waitForStatus(bob.page, 'offline')

    await bob.context.setOffline(false)
    await waitForStatus(bob.page, 'live', 30_000)
    await waitForTitles(bob.page, ['Invite nudges for idle teammates', 'Monday digest of team activity'])
    await waitForTitles(alice.page, ['Invite nudges for idle teammates', 'Monday digest of team activity'])
  })

  it('a reload keeps everything', async () => {
    const before = await treeTitles(alice.page)
    await alice.page.reload()
    await openBoard(alice.page, alice.page.url())
    await waitForStatus(alice.page, 'live')
    await waitForTitles(alice.page, before.map((n) => n.title))
    expect(await treeTitles(alice.page)).toEqual(before)
    await alice.page.evaluate(() => {
      window.editor!.selectNone()
      window.editor!.zoomToFit()
    })
    await alice.page.waitForTimeout(400)
    await screenshot(alice.page, 'board-after-reload')
  })

  it('made no request to any host but the local server', async () => {
    expect(suite.foreignRequests()).toEqual([])
    expect(suite.pageErrors).toEqual([])
  })
})
