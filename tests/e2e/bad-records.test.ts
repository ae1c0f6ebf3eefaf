// No stored record can brick a board: for each kind of record that used to hang the tab, fail the load or
// leave it "Syncing board…" (a self-parented shape, two shapes parenting each other, a null entry, a schema
// from the future or no schema at all, a null vote result, wrong prop types, a 2,000-deep chain), a cold
// load in a fresh browser context shows the valid cards and one notice saying what was skipped.
// The bad records go straight into the stored document through the server's own change path, in layout 2
// (values under `records` that are no record's map, a map whose id is not its key, shared types where plain
// JSON belongs), or the whole board is stored in layout 1 with garbage among its entries, as an older server
// left it: the server converts it on load and the rest loads.

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { YDOC_BOARD, YDOC_META, type JsonRecord } from '../../shared/model'
import { recordsRoot, writeRecord } from '../../shared/record-layout'
import { makeNodeRecord } from '../../shared/records'
import serializedSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { e2eSuite, openBoard, treeTitles, validCardsTree } from './harness'
import { layout1Doc, storeDocument, storedRecords } from '../helpers/stored-doc'

const suite = e2eSuite()

const TREE = validCardsTree('Bricks')
const VALID = ['Valid outcome', 'Valid opportunity', 'Valid solution']

const opp = (id: string, parent: string, props: Record<string, unknown> = {}) =>
  makeNodeRecord('opportunity', { title: id, parentNode: parent, ...props } as never, { id: `shape:${id}` })
const put = (doc: Y.Doc, ...records: { id: string; [k: string]: unknown }[]) => {
  for (const r of records) writeRecord(recordsRoot(doc), r as JsonRecord)
}
const root = (doc: Y.Doc) => recordsRoot(doc) as Y.Map<unknown>

const BRICKS: Record<string, (doc: Y.Doc) => void> = {
  'a shape whose tldraw parent is itself': (doc) => {
    put(doc, { ...opp('self', 'shape:o'), parentId: 'shape:self' })
  },
  'two shapes parenting each other': (doc) => {
    put(doc, { ...opp('m1', 'shape:o'), parentId: 'shape:m2' }, { ...opp('m2', 'shape:o'), parentId: 'shape:m1' })
  },
  'values under records that are not maps (a string, null, a Y.Array)': (doc) => {
    root(doc).set('shape:junk', 'junk')
    root(doc).set('shape:nullval', null)
    root(doc).set('shape:array', Y.Array.from([opp('array', 'shape:o')]))
  },
  'a record map whose id is not its key': (doc) => {
    put(doc, opp('wrongid', 'shape:o'))
    recordsRoot(doc).get('shape:wrongid')!.set('id', 'shape:elsewhere')
  },
  'shared types where plain JSON belongs (a Y.Array title, a Y.Text field)': (doc) => {
    put(doc, opp('typed', 'shape:o'), opp('typed2', 'shape:o'))
    ;(recordsRoot(doc).get('shape:typed')!.get('props') as Y.Map<unknown>).set('title', Y.Array.from(['a', 'b']))
    recordsRoot(doc).get('shape:typed2')!.set('x', new Y.Text('12'))
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
    put(doc, opp('ev', 'shape:o', { evidence: 5 }), opp('num', 'shape:o', { title: 42 }))
  },
  'a 2,000-deep opportunity chain': (doc) => {
    put(doc, ...Array.from({ length: 2000 }, (_, i) => opp(`deep${i}`, i ? `shape:deep${i - 1}` : 'shape:p')))
  },
}

/** A board stored in layout 1 by an older server, garbage among its entries: converted on load. */
const LAYOUT1 = 'a board stored in layout 1 with null entries, garbage and bad records among its entries'
async function storeLayout1(boardId: string) {
  const records = await storedRecords(suite.server, boardId)
  const doc = layout1Doc(
    [...records, { ...opp('self', 'shape:o'), parentId: 'shape:self' }, opp('ev', 'shape:o', { evidence: 5 })] as JsonRecord[],
    [null, { key: 'shape:nullval', val: null }, { key: 'shape:garbage', val: 'garbage' }],
  )
  await storeDocument(suite.server, boardId, doc)
}

describe('a cold load of a board whose stored document holds a bricking record', () => {
  for (const [name, brick] of [...Object.entries(BRICKS), [LAYOUT1, null] as const]) {
    it(`shows the valid cards and a notice: ${name}`, async () => {
      const board = await suite.createSeededBoard(TREE)
      if (brick) await suite.server.deps.rooms.applyServerChange(board.id, brick)
      else await storeLayout1(board.id)

      const { context, page } = await suite.newPerson('Eve')
      const errors: string[] = []
      try {
        page.on('pageerror', (e) => errors.push(e.message))
        const warnings: string[] = []
        page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text().slice(0, 200)))
        await openBoard(page, suite.local(board.editUrl))
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
        await notice.waitFor({ timeout: 20_000 }).catch((err: Error) => {
          throw new Error(`${err.message.split('\n')[0]}; the page's warnings: ${warnings.join(' | ') || 'none'}`)
        })
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
