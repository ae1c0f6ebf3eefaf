// The bricking updates of issue 18 sent the way an attacker holding an edit link would: through a real
// socket. The server refuses every one of them, so a cold load in a fresh Chromium context shows the board
// exactly as it was, with no notice of anything skipped. And a browser whose own edit is refused (an old or
// buggy client) gets the server's undo live and a notice saying why.
import { afterAll, describe, expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { PAGE_ID, YDOC_BOARD, YDOC_META, type JsonRecord } from '../../shared/model'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import { deleteRecord, readRecords, recordsRoot, recordsV1, writeRecord } from '../../shared/record-layout'
import { makeNodeRecord } from '../../shared/records'
import serializedSchema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { waitFor } from '../helpers/wait'
import { e2eSuite, openBoard, treeTitles, validCardsTree } from './harness'

const suite = e2eSuite()
afterAll(() => destroyProviders()) // the attackers' sockets, before the server closes

const TREE = validCardsTree('Guarded')

const opp = (id: string, parent: string, props: Record<string, unknown> = {}) =>
  makeNodeRecord('opportunity', { title: id, parentNode: parent, ...props } as never, { id: `shape:${id}` })
/** Writes records as a layout-2 client does (a new record a new map, a present one only its changed fields). */
const put = (doc: Y.Doc, ...records: { id: string; [k: string]: unknown }[]) =>
  doc.transact(() => {
    for (const r of records) writeRecord(recordsRoot(doc), r as JsonRecord)
  })
const fields = (doc: Y.Doc, id: string) => recordsRoot(doc).get(id)!

const BRICKS: [string, (doc: Y.Doc) => void][] = [
  ['a self-parented shape', (doc) => put(doc, { ...opp('self', 'shape:o'), parentId: 'shape:self' })],
  ['a present shape made its own parent', (doc) => fields(doc, 'shape:p').set('parentId', 'shape:p')],
  ['two shapes parenting each other', (doc) => put(doc, { ...opp('m1', 'shape:o'), parentId: 'shape:m2' }, { ...opp('m2', 'shape:o'), parentId: 'shape:m1' })],
  ['a value under records that is not a map', (doc) => (recordsRoot(doc) as Y.Map<unknown>).set('shape:junk', 'junk')],
  ['a field holding a Y.Array', (doc) => fields(doc, 'shape:p').set('evidence', Y.Array.from(['x']))],
  ['a prop holding a Y.Text', (doc) => (fields(doc, 'shape:p').get('props') as Y.Map<unknown>).set('title', new Y.Text('rich'))],
  ['a schema from the future', (doc) =>
    doc.getMap(YDOC_META).set('schema', { schemaVersion: 2, sequences: Object.fromEntries(Object.keys(serializedSchema.sequences).map((k) => [k, 999])) })],
  ['a schema that is not one', (doc) => doc.getMap(YDOC_META).set('schema', 'not a schema')],
  ['wrong prop types', (doc) => put(doc, opp('ev', 'shape:o', { evidence: 5 }), opp('num', 'shape:o', { title: 42 }))],
  ['a present card given a prop of the wrong type', (doc) => (fields(doc, 'shape:p').get('props') as Y.Map<unknown>).set('importance', 'very')],
  ['a 2,000-deep chain', (doc) => put(doc, ...Array.from({ length: 2000 }, (_, i) => opp(`deep${i}`, i ? `shape:deep${i - 1}` : 'shape:p')))],
  ['deleting the page the shapes sit on', (doc) => doc.transact(() => deleteRecord(recordsRoot(doc), PAGE_ID))],
  ['a forged bet', (doc) => doc.getMap(YDOC_BOARD).set('bet', { solutionId: 'shape:s', title: '★ BET forged' })],
  ['a new root type', (doc) => doc.getMap('anything').set('x', 'y')],
  ['an invalid layout-1 entry', (doc) => recordsV1(doc).push([{ key: 'shape:old', val: opp('old', 'shape:o', { evidence: 'very' }) }] as never[])],
]

/** Resolves once the server refused the client's edit: an 'edit-refused' event, or its socket closed. */
function refused(client: ReturnType<typeof makeProvider>): Promise<string> {
  return new Promise((resolve) => {
    client.provider.messageHandlers[MESSAGE_BOARD_EVENT] = (_encoder, decoder) => {
      const event = JSON.parse(decoding.readVarString(decoder)) as { type: string; reason?: string }
      if (event.type === 'edit-refused') resolve(`refused: ${event.reason}`)
    }
    client.provider.ws?.addEventListener('close', (e) => resolve(`closed ${(e as CloseEvent).code}`))
  })
}

describe('bricking updates through a real socket', () => {
  it('are all refused: a cold load in Chromium shows the board as it was', async () => {
    const board = await suite.createSeededBoard(TREE)
    for (const [name, brick] of BRICKS) {
      const attacker = makeProvider(`${suite.server.url.replace(/^http/, 'ws')}/ws`, board.id, board.editToken)
      await synced(attacker)
      const answer = refused(attacker)
      brick(attacker.doc)
      const late = new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 15 s'), 15_000))
      expect(await Promise.race([answer, late]), name).toMatch(/^refused: |^closed 1008$/)
      // Refused (undone, or the socket closed for writing where no client writes): either way nothing stays.
      await waitFor(
        async () => {
          const tree = await (await fetch(`${suite.server.url}/api/boards/${board.id}/tree?token=${board.editToken}`)).json()
          return JSON.stringify(tree).includes('Valid solution') && !/deep0|"self"|m1|BET forged|rich|very/.test(JSON.stringify(tree))
        },
        { what: `${name} refused` },
      )
      // The stored board is as it was: every record readable, the page still there, nothing else written.
      const state = await suite.server.deps.rooms.withDoc(board.id, (doc) => ({
        ids: [...readRecords(doc).keys()].sort(),
        keys: [...recordsRoot(doc).keys()].length,
        v1: recordsV1(doc).length,
        other: doc.share.has('anything') && doc.getMap('anything').size > 0,
      }))
      expect(state, name).toEqual({ ids: ['document:document', PAGE_ID, 'shape:o', 'shape:p', 'shape:s'].sort(), keys: 5, v1: 0, other: false })
      attacker.destroy()
    }
    // Restart: what is stored is what loads.
    const { context, page } = await suite.newPerson('Vera')
    try {
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await openBoard(page, suite.local(board.viewUrl))
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
    const board = await suite.createSeededBoard(TREE)
    const { context, page } = await suite.newPerson('Olga')
    try {
      await openBoard(page, suite.local(board.editUrl))
      await page.waitForFunction(() => (window.board?.tree().byId.size ?? 0) >= 3, null, { timeout: 30_000 })
      // What an old or buggy client might write: a card made its own tldraw parent, straight into the doc.
      await page.evaluate(() => {
        const doc = window.board!.sync.doc
        const card = doc.getMap('records').get('shape:p') as { set(key: string, value: unknown): void }
        card.set('parentId', 'shape:p')
      })
      const notice = page.locator('[data-testid="notice"]')
      await notice.waitFor({ timeout: 20_000 })
      expect(await notice.textContent()).toMatch(/undone by the server.*shape:p/)
      await page.waitForFunction(() => {
        const card = window.board!.sync.doc.getMap('records').get('shape:p') as { get(key: string): unknown } | undefined
        return card?.get('parentId') === 'page:page'
      }, null, { timeout: 20_000 })
      expect((await treeTitles(page)).map((n) => n.title)).toEqual(['Valid outcome', 'Valid opportunity', 'Valid solution'])
    } finally {
      await context.close()
    }
  })
})
