import { describe, expect, it } from 'vitest'
import type { JsonRecord } from '../../shared/model'
import { makeBaseDocumentRecords, makeNodeRecord } from '../../shared/records'
import { planRestore } from '../../server/versions/restore'

const card = (id: string, kind: 'outcome' | 'opportunity' | 'solution', parentNode = '', title = id) =>
  makeNodeRecord(kind, { title, parentNode } as never, { id: `shape:${id}` }) as unknown as JsonRecord
const map = (records: JsonRecord[]) => new Map(records.map((r) => [r.id, r]))

const target = map([...makeBaseDocumentRecords(), card('o', 'outcome'), card('a', 'opportunity', 'shape:o'), card('s', 'solution', 'shape:a')])

describe('planRestore', () => {
  it('a full restore deletes what the version lacks and writes only what differs', () => {
    const present = map([...makeBaseDocumentRecords(), card('o', 'outcome', '', 'renamed'), card('x', 'opportunity', 'shape:o')])
    const plan = planRestore(present, target)
    expect(plan.remove).toEqual(['shape:x'])
    expect(plan.write.map((r) => r.id)).toEqual(['shape:a', 'shape:o', 'shape:s'])
    expect(planRestore(target, target)).toEqual({ write: [], remove: [] })
  })

  it('with ids, brings back those records and the missing tree parents they need, deleting nothing', () => {
    const present = map([...makeBaseDocumentRecords(), card('o', 'outcome'), card('x', 'opportunity', 'shape:o')])
    const plan = planRestore(present, target, ['shape:s'])
    expect(plan.remove).toEqual([])
    expect(plan.write.map((r) => r.id)).toEqual(['shape:a', 'shape:s'])
  })

  it('keeps the present lock of a shape (it follows the bet locked now)', () => {
    const locked = { ...target.get('shape:o')!, isLocked: true }
    const present = new Map(target)
    present.set('shape:o', locked)
    expect(planRestore(present, target)).toEqual({ write: [], remove: [] })
  })
})
