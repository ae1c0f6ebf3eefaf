import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { convertLayout } from '../../server/layout-carry'
import { readRecord, recordsRoot, recordsV1 } from '../../shared/record-layout'
import { sendUpdate } from '../helpers/yjs'

const card = { id: 'shape:a', typeName: 'shape', type: 'opportunity', props: { title: 'T', importance: 1 }, meta: {} }

function layout1(): Uint8Array {
  const doc = new Y.Doc()
  recordsV1(doc).push([{ key: card.id, val: card }])
  return Y.encodeStateAsUpdate(doc)
}

describe('converting a layout-1 board', () => {
  it('writes the same items in two processes that convert the same stored state at once', () => {
    const stored = layout1()
    const a = new Y.Doc()
    const b = new Y.Doc()
    Y.applyUpdate(a, stored)
    Y.applyUpdate(b, stored)
    const fromA = convertLayout(a, 'load')!
    const fromB = convertLayout(b, 'load')!
    expect(Buffer.from(fromA.update).equals(Buffer.from(fromB.update))).toBe(true)
    // An edit made on one process's copy survives the other's conversion arriving.
    const fields = recordsRoot(a).get(card.id)!
    ;(fields.get('props') as Y.Map<unknown>).set('importance', 8)
    Y.applyUpdate(a, fromB.update)
    sendUpdate(a, b)
    expect(readRecord(a, card.id)!.props).toEqual({ title: 'T', importance: 8 })
    expect(readRecord(b, card.id)!.props).toEqual({ title: 'T', importance: 8 })
    expect(a.clientID).not.toBe(0x4f420002) // the doc writes with its own id again
  })

  it('leaves a layout-2 board alone', () => {
    const doc = new Y.Doc()
    recordsRoot(doc).set('x', new Y.Map())
    expect(convertLayout(doc, 'load')).toBeNull()
  })
})
