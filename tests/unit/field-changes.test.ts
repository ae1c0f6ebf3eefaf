// The client's reading of remote transactions on layout 2 (client/sync/field-changes.ts): which records a
// transaction touched, and which of our field values a concurrent write replaced, on two plain Y.Docs.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { lostFields, touchedRecordIds } from '../../client/sync/field-changes'
import type { LostField } from '../../client/sync/field-changes'
import { deleteRecord, readRecord, recordsRoot, writeRecord } from '../../shared/record-layout'
import type { JsonRecord } from '../../shared/model'
import { sendUpdate } from '../helpers/yjs'

const card = (props: Record<string, unknown> = {}, id = 'shape:a'): JsonRecord => ({
  id,
  typeName: 'shape',
  type: 'opportunity',
  x: 0,
  y: 0,
  parentId: 'page:page',
  meta: {},
  props: { title: 'Watch-party mode', importance: 5, w: 240, ...props },
})

/** A document with a fixed client id (which of two concurrent writes wins depends on it) that records what
 *  each remote transaction touched and which of its own values it lost. */
function peer(clientID: number) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const root = recordsRoot(doc)
  const lost: LostField[] = []
  const touched: string[][] = []
  root.observeDeep((events, tr) => {
    if (tr.local) return
    touched.push([...touchedRecordIds(root, events)].sort())
    lost.push(...lostFields(root, events, tr, (client) => client === doc.clientID, (_record, key) => key !== 'w'))
  })
  const edit = (record: JsonRecord) => {
    const previous = readRecord(doc, record.id)
    doc.transact(() => writeRecord(root, record, previous))
  }
  return { doc, root, lost, touched, edit }
}

/** Sends what `from` has and `to` lacks, as one remote update. */
const send = (from: Y.Doc, to: Y.Doc) => sendUpdate(from, to, 'remote')

/** Two peers sharing one card. Of two concurrent writes of a key, the higher client id's wins. */
function pair(idA = 1, idB = 2) {
  const a = peer(idA)
  const b = peer(idB)
  a.doc.transact(() => writeRecord(a.root, card()))
  send(a.doc, b.doc)
  b.touched.length = 0
  return { a, b }
}

describe('lostFields', () => {
  it('tells the loser of a same-field conflict, with the value it had; the winner hears nothing', () => {
    const { a, b } = pair()
    a.edit(card({ title: 'Watch together (A)' }))
    b.edit(card({ title: 'Group viewing (B)' }))
    send(a.doc, b.doc)
    send(b.doc, a.doc)
    // Both end with one winner…
    const winner = readRecord(a.doc, 'shape:a')!.props as Record<string, unknown>
    expect(readRecord(b.doc, 'shape:a')).toEqual(readRecord(a.doc, 'shape:a'))
    // …and exactly the other one is told what it lost.
    const [loser, other] = winner.title === 'Watch together (A)' ? [b, a] : [a, b]
    expect(other.lost).toEqual([])
    expect(loser.lost).toEqual([
      { recordId: 'shape:a', key: 'title', mine: loser === a ? 'Watch together (A)' : 'Group viewing (B)', theirs: winner.title },
    ])
  })

  it.each([
    ['the other side', 1, 2],
    ['we', 2, 1],
  ])('the same when %s typed several times while apart (one update, a chain of writes)', (_who, idA, idB) => {
    const { a, b } = pair(idA, idB)
    a.edit(card({ title: 'Mine' }))
    for (const title of ['T', 'Th', 'The', 'Theirs']) b.edit(card({ title }))
    send(a.doc, b.doc)
    send(b.doc, a.doc)
    expect(readRecord(b.doc, 'shape:a')).toEqual(readRecord(a.doc, 'shape:a'))
    if (idB > idA) {
      expect(a.lost).toEqual([{ recordId: 'shape:a', key: 'title', mine: 'Mine', theirs: 'Theirs' }])
      expect(b.lost).toEqual([])
    } else {
      expect(b.lost).toEqual([{ recordId: 'shape:a', key: 'title', mine: 'Theirs', theirs: 'Mine' }])
      expect(a.lost).toEqual([])
    }
  })

  it('is silent when the other writer had seen our value (one after the other), even several writes at once', () => {
    const { a, b } = pair()
    a.edit(card({ title: 'First' }))
    send(a.doc, b.doc)
    for (const title of ['S', 'Se', 'Second']) b.edit(card({ title }))
    send(b.doc, a.doc) // the three writes arrive in one transaction
    expect((readRecord(a.doc, 'shape:a')!.props as Record<string, unknown>).title).toBe('Second')
    expect(a.lost).toEqual([])
    expect(b.lost).toEqual([])
  })

  it('is silent when concurrent edits change different fields: both merge', () => {
    const { a, b } = pair()
    a.edit(card({ title: 'Watch together' }))
    b.edit(card({ importance: 9 }))
    send(a.doc, b.doc)
    send(b.doc, a.doc)
    expect(readRecord(a.doc, 'shape:a')).toEqual(card({ title: 'Watch together', importance: 9 }))
    expect(readRecord(b.doc, 'shape:a')).toEqual(card({ title: 'Watch together', importance: 9 }))
    expect(a.lost).toEqual([])
    expect(b.lost).toEqual([])
  })

  it('leaves out the keys it is told to (a card\u2019s size)', () => {
    const { a, b } = pair()
    a.edit(card({ w: 300 }))
    b.edit(card({ w: 320 }))
    send(a.doc, b.doc)
    send(b.doc, a.doc)
    expect(a.lost).toEqual([])
    expect(b.lost).toEqual([])
  })

  it('counts earlier client ids of this device as ours (edits made before a reload)', () => {
    const { a, b } = pair(3, 9)
    a.edit(card({ title: 'Before the reload' }))
    // The reload: the same state in a document with a new client id.
    const again = new Y.Doc()
    again.clientID = 4
    Y.applyUpdate(again, Y.encodeStateAsUpdate(a.doc))
    const root = recordsRoot(again)
    const lost: LostField[] = []
    root.observeDeep((events, tr) => lost.push(...lostFields(root, events, tr, (c) => c === 3 || c === 4)))
    b.edit(card({ title: 'Meanwhile' }))
    send(b.doc, again)
    send(again, b.doc)
    expect((readRecord(again, 'shape:a')!.props as Record<string, unknown>).title).toBe('Meanwhile')
    expect(lost).toEqual([{ recordId: 'shape:a', key: 'title', mine: 'Before the reload', theirs: 'Meanwhile' }])
  })
})

describe('touchedRecordIds', () => {
  it('names the records a remote transaction added, changed in any field, or deleted', () => {
    const { a, b } = pair()
    a.doc.transact(() => {
      writeRecord(a.root, card({}, 'shape:b'))
      writeRecord(a.root, { ...card({ importance: 7 }), x: 10 })
    })
    send(a.doc, b.doc)
    expect(b.touched).toEqual([['shape:a', 'shape:b']])
    a.doc.transact(() => writeRecord(a.root, { ...card({ importance: 7 }), x: 10, meta: { note: 1 } }))
    send(a.doc, b.doc)
    a.doc.transact(() => deleteRecord(a.root, 'shape:b'))
    send(a.doc, b.doc)
    expect(b.touched).toEqual([['shape:a', 'shape:b'], ['shape:a'], ['shape:b']])
  })
})
