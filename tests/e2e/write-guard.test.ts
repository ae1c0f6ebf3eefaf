// The bricking updates of issue 18 sent the way an attacker holding an edit link would: through a real
// socket. The server refuses every one of them, so a cold load in a fresh Chromium context shows the board
// exactly as it was, with no notice of anything skipped. And a browser whose own edit is refused (an old or
// buggy client) gets the server's undo live and a notice saying why.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { YDOC_BOARD, YDOC_META, YDOC_RECORDS } from '../../shared/model'
import { makeNodeRecord } from '../../shared/records'
import serializedSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { waitFor } from '../helpers/wait'
import { launchChromium, newContext, openBoard, startE2EServer, treeTitles, type E2EServer } from './harness'

let server: E2EServer
let browser: Browser
beforeAll(async () => {
  server = await startE2EServer()
  browser = await launchChromium()
})
afterAll(async () => {
  destroyProviders()
  await browser?.close()
  await server?.close()
})

const TREE = {
  title: 'Guarded',
  roots: [
    { id: 'shape:o', kind: 'outcome', title: 'Valid outcome', children: [
      { id: 'shape:p', kind: 'opportunity', title: 'Valid opportunity', children: [
        { id: 'shape:s', kind: 'solution', title: 'Valid solution', children: [] },
      ] },
    ] },
  ],
}

const opp = (id: string, parent: string, props: Record<string, unknown> = {}) =>
  makeNodeRecord('opportunity', { title: id, parentNode: parent, ...props } as never, { id: `shape:${id}` })
const entry = (record: { id: string; [k: string]: unknown }) => ({ key: record.id, val: record })

const BRICKS: [string, (doc: Y.Doc) => void][] = [
  ['a self-parented shape', (doc) => doc.getArray(YDOC_RECORDS).push([entry({ ...opp('self', 'shape:o'), parentId: 'shape:self' })] as never[])],
  ['two shapes parenting each other', (doc) =>
    doc.getArray(YDOC_RECORDS).push([
      entry({ ...opp('m1', 'shape:o'), parentId: 'shape:m2' }),
      entry({ ...opp('m2', 'shape:o'), parentId: 'shape:m1' }),
    ] as never[])],
  ['a null entry', (doc) => doc.getArray(YDOC_RECORDS).push([null] as never[])],
  ['a schema from the future', (doc) =>
    doc.getMap(YDOC_META).set('schema', { schemaVersion: 2, sequences: Object.fromEntries(Object.keys(serializedSchema.sequences).map((k) => [k, 999])) })],
  ['a schema that is not one', (doc) => doc.getMap(YDOC_META).set('schema', 'not a schema')],
  ['wrong prop types', (doc) => doc.getArray(YDOC_RECORDS).push([entry(opp('ev', 'shape:o', { evidence: 5 })), entry(opp('num', 'shape:o', { title: 42 }))] as never[])],
  ['a 2,000-deep chain', (doc) =>
    doc.getArray(YDOC_RECORDS).push(Array.from({ length: 2000 }, (_, i) => entry(opp(`deep${i}`, i ? `shape:deep${i - 1}` : 'shape:p'))) as never[])],
  ['a forged bet', (doc) => doc.getMap(YDOC_BOARD).set('bet', { solutionId: 'shape:s', title: '★ BET forged' })],
]

describe('bricking updates through a real socket', () => {
  it('are all refused: a cold load in Chromium shows the board as it was', async () => {
    const res = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Guarded', tree: TREE }),
    })
    const board = (await res.json()) as { id: string; editToken: string; viewUrl: string }
    for (const [name, brick] of BRICKS) {
      const attacker = makeProvider(`${server.url.replace(/^http/, 'ws')}/ws`, board.id, board.editToken)
      await synced(attacker)
      brick(attacker.doc)
      // Refused (undone, or the socket closed for writing where no client writes): either way nothing stays.
      await waitFor(
        async () => {
          const tree = await (await fetch(`${server.url}/api/boards/${board.id}/tree?token=${board.editToken}`)).json()
          return JSON.stringify(tree).includes('Valid solution') && !/deep0|"self"|m1|BET forged/.test(JSON.stringify(tree))
        },
        { what: `${name} refused` },
      )
      attacker.destroy()
    }
    // Restart: what is stored is what loads.
    const context = await newContext(browser, 'Vera')
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await openBoard(page, board.viewUrl.replace(/^https?:\/\/[^/]+/, server.url))
      await page.waitForFunction(() => (window.board?.tree().byId.size ?? 0) >= 3, null, { timeout: 30_000 })
      expect((await treeTitles(page)).map((n) => n.title)).toEqual(['Valid outcome', 'Valid opportunity', 'Valid solution'])
      expect(await page.locator('[data-testid="notice"]').count()).toBe(0)
      expect(await page.locator('text=BET').count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a browser whose own edit is refused gets the undo live and a notice saying why', async () => {
    const res = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Guarded', tree: TREE }),
    })
    const board = (await res.json()) as { editUrl: string }
    const context = await newContext(browser, 'Olga')
    try {
      const page = await context.newPage()
      await openBoard(page, board.editUrl.replace(/^https?:\/\/[^/]+/, server.url))
      await page.waitForFunction(() => (window.board?.tree().byId.size ?? 0) >= 3, null, { timeout: 30_000 })
      // What an old or buggy client might write: a card made its own tldraw parent, straight into the doc.
      await page.evaluate(() => {
        const doc = window.board!.sync.doc
        const array = doc.getArray<{ key: string; val: { id: string; parentId: string } }>('tl_records')
        const at = array.toArray().findIndex((e) => e?.key === 'shape:p')
        const val = array.get(at).val
        doc.transact(() => {
          array.delete(at, 1)
          array.push([{ key: val.id, val: { ...val, parentId: val.id } }])
        })
      })
      const notice = page.locator('[data-testid="notice"]')
      await notice.waitFor({ timeout: 20_000 })
      expect(await notice.textContent()).toMatch(/undone by the server.*shape:p/)
      await page.waitForFunction(() => {
        const array = window.board!.sync.doc.getArray<{ key: string; val: { parentId: string } }>('tl_records')
        return array.toArray().find((e) => e?.key === 'shape:p')?.val.parentId === 'page:page'
      }, null, { timeout: 20_000 })
      expect((await treeTitles(page)).map((n) => n.title)).toEqual(['Valid outcome', 'Valid opportunity', 'Valid solution'])
    } finally {
      await context.close()
    }
  })
})
