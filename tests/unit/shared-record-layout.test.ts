import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  LAYOUT,
  carryFields,
  convertToLayout2,
  deleteRecord,
  layoutOf,
  readRecord,
  readRecords,
  readRecordsV1,
  recordsRoot,
  recordsV1,
  writeRecord,
} from '../../shared/record-layout'
import type { JsonRecord } from '../../shared/model'
import { syncDocs } from '../helpers/yjs'

const card = (props: Record<string, unknown> = {}): JsonRecord => ({
  id: 'shape:a',
  typeName: 'shape',
  type: 'opportunity',
  x: 0,
  y: 0,
  parentId: 'page:page',
  meta: {},
  props: { title: 'Watch-party mode', importance: 5, evidence: ['a'], ...props },
})

describe('record layout 2', () => {
  it('writes and reads a record back whole', () => {
    const doc = new Y.Doc()
    doc.transact(() => writeRecord(recordsRoot(doc), card()))
    expect(readRecord(doc, 'shape:a')).toEqual(card())
    const fields = recordsRoot(doc).get('shape:a')!
    expect(fields.get('props')).toBeInstanceOf(Y.Map)
    expect(fields.get('meta')).toBeInstanceOf(Y.Map)
    expect(layoutOf(doc)).toBe(LAYOUT)
  })

  it('writes only the fields that changed', () => {
    const doc = new Y.Doc()
    doc.transact(() => writeRecord(recordsRoot(doc), card()))
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.transact(() => writeRecord(recordsRoot(doc), card({ importance: 8 })))
    const items = Y.decodeUpdate(updates[0]).structs.filter((s) => s instanceof Y.Item) as Y.Item[]
    expect(items).toHaveLength(1)
    expect(items[0].content.getContent()).toEqual([8]) // one prop's value, not the card
    // Nothing changed, nothing written.
    doc.transact(() => writeRecord(recordsRoot(doc), card({ importance: 8 })))
    expect(updates).toHaveLength(1)
  })

  it('merges concurrent edits to different props of one card', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.transact(() => writeRecord(recordsRoot(a), card()))
    syncDocs(a, b)
    const start = readRecord(a, 'shape:a')!
    a.transact(() => writeRecord(recordsRoot(a), card({ title: 'Watch together' }), start))
    b.transact(() => writeRecord(recordsRoot(b), card({ importance: 9 }), start))
    syncDocs(a, b)
    const merged = card({ title: 'Watch together', importance: 9 })
    expect(readRecord(a, 'shape:a')).toEqual(merged)
    expect(readRecord(b, 'shape:a')).toEqual(merged)
  })

  it('gives the same field one winner everywhere', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.transact(() => writeRecord(recordsRoot(a), card()))
    syncDocs(a, b)
    a.transact(() => writeRecord(recordsRoot(a), card({ title: 'A' })))
    b.transact(() => writeRecord(recordsRoot(b), card({ title: 'B' })))
    syncDocs(a, b)
    expect(readRecord(a, 'shape:a')).toEqual(readRecord(b, 'shape:a'))
  })

  it('keeps a record deleted while someone edits it', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.transact(() => writeRecord(recordsRoot(a), card()))
    syncDocs(a, b)
    a.transact(() => deleteRecord(recordsRoot(a), 'shape:a'))
    b.transact(() => writeRecord(recordsRoot(b), card({ title: 'edited' })))
    syncDocs(a, b)
    expect(readRecord(a, 'shape:a')).toBeUndefined()
    expect(readRecord(b, 'shape:a')).toBeUndefined()
  })

  it('removes fields and prop keys the record no longer has', () => {
    const doc = new Y.Doc()
    doc.transact(() => writeRecord(recordsRoot(doc), { ...card(), extra: 1, props: { title: 't', gone: true } }))
    doc.transact(() => writeRecord(recordsRoot(doc), { ...card(), props: { title: 't' } }))
    expect(readRecord(doc, 'shape:a')).toEqual({ ...card(), props: { title: 't' } })
  })

  it('skips values that are not records', () => {
    const doc = new Y.Doc()
    doc.transact(() => {
      writeRecord(recordsRoot(doc), card())
      ;(recordsRoot(doc) as Y.Map<unknown>).set('shape:junk', 'not a map')
      const wrongId = new Y.Map<unknown>()
      wrongId.set('id', 'shape:other')
      wrongId.set('typeName', 'shape')
      recordsRoot(doc).set('shape:wrong', wrongId)
    })
    const skipped: { id: string; reason: string }[] = []
    expect([...readRecords(doc, skipped).keys()]).toEqual(['shape:a'])
    expect(skipped.map((s) => s.id).sort()).toEqual(['shape:junk', 'shape:wrong'])
  })
})

describe('layout 1 to 2', () => {
  it('converts every record and field, and empties the old array', () => {
    const doc = new Y.Doc()
    const page = { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} }
    doc.transact(() => {
      recordsV1(doc).push([{ key: 'shape:a', val: card({ title: 'old' }) }, { key: 'page:page', val: page }])
      recordsV1(doc).push([{ key: 'shape:a', val: card() }]) // the rightmost entry wins
    })
    expect(layoutOf(doc)).toBe(1)
    doc.transact(() => convertToLayout2(doc))
    expect(Object.fromEntries(readRecords(doc))).toEqual({ 'shape:a': card(), 'page:page': page })
    expect(recordsV1(doc).length).toBe(0)
    expect(readRecordsV1(doc).size).toBe(0)
    expect(layoutOf(doc)).toBe(2)
  })

  it('carries a layout-1 writer\u2019s changed fields onto the present record', () => {
    const base = card()
    const present = card({ importance: 9 }) // someone set the score since
    const edited = card({ title: 'renamed offline' }) // the offline writer's whole copy
    expect(carryFields(present, base, edited)).toEqual(card({ importance: 9, title: 'renamed offline' }))
  })
})
