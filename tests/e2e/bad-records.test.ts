// No stored record can brick a board: for each kind of record that used to hang the tab, fail the load or
// leave it "Syncing board…" (a self-parented shape, two shapes parenting each other, a null entry, a schema
// from the future or no schema at all, a null vote result, wrong prop types, a 2,000-deep chain), a cold
// load in a fresh browser context shows the valid cards and one notice saying what was skipped.
// The bad records go straight into the stored document through the server's own change path.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type * as Y from 'yjs'
import { YDOC_BOARD, YDOC_META, YDOC_RECORDS } from '../../shared/model'
import { makeNodeRecord } from '../../shared/records'
import serializedSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { launchChromium, newContext, openBoard, startE2EServer, treeTitles } from './harness'
import type { E2EServer } from './harness'

let server: E2EServer
let browser: Browser

const TREE = {
  title: 'Bricks',
  roots: [
    { id: 'shape:o', kind: 'outcome', title: 'Valid outcome', children: [
      { id: 'shape:p', kind: 'opportunity', title: 'Valid opportunity', children: [
        { id: 'shape:s', kind: 'solution', title: 'Valid solution', children: [] },
      ] },
    ] },
  ],
}
const VALID = ['Valid outcome', 'Valid opportunity', 'Valid solution']

const opp = (id: string, parent: string, props: Record<string, unknown> = {}) =>
  makeNodeRecord('opportunity', { title: id, parentNode: parent, ...props } as never, { id: `shape:${id}` })
const entry = (record: { id: string; [k: string]: unknown }) => ({ key: record.id, val: record })

const BRICKS: Record<string, (doc: Y.Doc) => void> = {
  'a shape whose tldraw parent is itself': (doc) => {
    doc.getArray(YDOC_RECORDS).push([entry({ ...opp('self', 'shape:o'), parentId: 'shape:self' })] as never[])
  },
  'two shapes parenting each other': (doc) => {
    doc.getArray(YDOC_RECORDS).push([
      entry({ ...opp('m1', 'shape:o'), parentId: 'shape:m2' }),
      entry({ ...opp('m2', 'shape:o'), parentId: 'shape:m1' }),
    ] as never[])
  },
  'a null entry in tl_records': (doc) => {
    doc.getArray(YDOC_RECORDS).push([null, { key: 'shape:nullval', val: null }] as never[])
  },
  'meta.schema with every version 999': (doc) => {
    const sequences = Object.fromEntries(Object.keys(serializedSchema.sequences).map((k) => [k, 999]))
    doc.getMap(YDOC_META).set('schema', { schemaVersion: 2, sequences })
  },
  'meta.schema = "not a schema"': (doc) => {
    doc.getMap(YDOC_META).set('schema', 'not a schema')
  },
  'board.votes.results holding null': (doc) => {
    doc.getMap(YDOC_BOARD).set('votes', {
      roundId: 'r1',
      target: 'solution',
      revealedAt: new Date().toISOString(),
      results: [{ nodeId: 'shape:s', title: 'Valid solution', votes: 3, rank: 1 }, null],
    })
  },
  'wrong prop types (evidence: 5, a number as title)': (doc) => {
    doc.getArray(YDOC_RECORDS).push([entry(opp('ev', 'shape:o', { evidence: 5 })), entry(opp('num', 'shape:o', { title: 42 }))] as never[])
  },
  'a 2,000-deep opportunity chain': (doc) => {
    const chain = []
    for (let i = 0; i < 2000; i++) chain.push(entry(opp(`deep${i}`, i ? `shape:deep${i - 1}` : 'shape:p')))
    doc.getArray(YDOC_RECORDS).push(chain as never[])
  },
}

beforeAll(async () => {
  server = await startE2EServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('a cold load of a board whose stored document holds a bricking record', () => {
  for (const [name, brick] of Object.entries(BRICKS)) {
    it(`shows the valid cards and a notice: ${name}`, async () => {
      const res = await fetch(`${server.url}/api/boards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Bricks', tree: TREE }),
      })
      expect(res.status).toBe(201)
      const board = (await res.json()) as { id: string; editUrl: string }
      await server.deps.rooms.applyServerChange(board.id, brick)

      const context = await newContext(browser, 'Eve')
      const errors: string[] = []
      try {
        const page = await context.newPage()
        page.on('pageerror', (e) => errors.push(e.message))
        await openBoard(page, board.editUrl.replace(/^https?:\/\/[^/]+/, server.url))
        await page.waitForFunction(
          (titles) => {
            const tree = window.board?.tree()
            if (!tree) return false
            const have = new Set([...tree.byId.values()].map((n) => n.props.title))
            return titles.every((t) => have.has(t))
          },
          VALID,
          { timeout: 30_000 },
        )
        const notice = page.locator('[data-testid="notice"]')
        await notice.waitFor({ timeout: 20_000 })
        expect(await notice.textContent()).toMatch(/could not be loaded and (was|were) skipped/)
        expect(await page.locator('text=Syncing board').count()).toBe(0)
        expect(await page.locator('text=could not be shown').count()).toBe(0)
        const titles = (await treeTitles(page)).map((n) => n.title)
        for (const t of VALID) expect(titles).toContain(t)
        expect(errors.filter((e) => /call stack|not iterable|Cannot read/.test(e))).toEqual([])
      } finally {
        await context.close()
      }
    }, 90_000)
  }
})
