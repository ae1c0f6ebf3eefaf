import { describe, expect, it } from 'vitest'
import type { JsonRecord } from '../../shared/model'
import { makeBaseDocumentRecords, makeNodeRecord } from '../../shared/records'
import { diffRecords, summarize, versionsToThin, type ThinPolicy } from '../../shared/version-diff'
import type { VersionReason } from '../../shared/versions'

const card = (id: string, kind: 'outcome' | 'opportunity' | 'solution', props: Record<string, unknown> = {}) =>
  makeNodeRecord(kind, { title: id, ...props } as never, { id: `shape:${id}` }) as unknown as JsonRecord

const base = () => [
  ...makeBaseDocumentRecords(),
  card('o', 'outcome'),
  card('a', 'opportunity', { parentNode: 'shape:o', importance: 5 }),
  card('b', 'opportunity', { parentNode: 'shape:o' }),
  card('s', 'solution', { parentNode: 'shape:a', impact: 3 }),
]

const withProps = (r: JsonRecord, props: Record<string, unknown>): JsonRecord => ({ ...r, props: { ...(r.props as object), ...props } })

describe('diffRecords', () => {
  it('finds nothing between equal sets, whatever their order', () => {
    expect(diffRecords(base(), base().reverse())).toEqual([])
  })

  it('tells added, removed, renamed, moved, rescored and edited cards apart', () => {
    const before = base()
    const byId = new Map(before.map((r) => [r.id, r]))
    const after = [
      ...makeBaseDocumentRecords(),
      byId.get('shape:o')!,
      withProps(byId.get('shape:a')!, { title: 'A renamed', importance: 9, notes: 'why' }), // renamed, rescored, edited
      withProps(byId.get('shape:s')!, { parentNode: 'shape:b' }), // moved
      card('n', 'opportunity', { parentNode: 'shape:o' }), // added
      // b removed
    ]
    const diff = diffRecords(before, after)
    const of = (id: string) => diff.find((d) => d.id === id)?.changes
    expect(of('shape:a')).toEqual(['renamed', 'rescored', 'edited'])
    expect(of('shape:s')).toEqual(['moved'])
    expect(of('shape:n')).toEqual(['added'])
    expect(of('shape:b')).toEqual(['removed'])
    expect(of('shape:o')).toBeUndefined()
    const s = summarize(diff)
    expect(s).toMatchObject({ added: 1, removed: 1, renamed: 1, moved: 1, rescored: 1, edited: 1 })
    expect(s.examples).toEqual({ added: ['n'], removed: ['b'], renamed: ['A renamed'] })
  })

  it('counts a change to a free shape or page as edited, a position change of a card as edited', () => {
    const before = base()
    const after = before.map((r) => (r.id === 'page:page' ? { ...r, name: 'Renamed page' } : r.id === 'shape:o' ? { ...r, x: 500 } : r))
    after.push({ id: 'shape:note', typeName: 'shape', type: 'text', props: { text: 'hi' } })
    const s = summarize(diffRecords(before, after))
    expect(s).toMatchObject({ added: 0, removed: 0, renamed: 0, moved: 0, rescored: 0, edited: 3 })
  })

  it('keeps at most three example titles per kind', () => {
    const added = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => card(id, 'opportunity'))
    const s = summarize(diffRecords([], added))
    expect(s.added).toBe(5)
    expect(s.examples.added).toEqual(['p1', 'p2', 'p3'])
  })
})

describe('versionsToThin', () => {
  const H = 3_600_000
  const D = 24 * H
  const now = Date.UTC(2026, 5, 15, 12, 0, 0)
  const policy: ThinPolicy = { allMs: D, hourlyMs: 7 * D, dailyMs: null }
  let next = 1
  const v = (ageMs: number, reason: VersionReason = 'auto') => ({ id: next++, at: new Date(now - ageMs).toISOString(), reason })

  it('keeps every automatic version of the last day', () => {
    const vs = [v(0), v(60_000), v(2 * H), v(23 * H)]
    expect(versionsToThin(vs, now, policy)).toEqual([])
  })

  it('keeps the newest automatic version per hour for a week, then per day; named and decision versions always', () => {
    const hourA1 = v(30 * H + 5 * 60_000) // same clock hour as the next two
    const hourA2 = v(30 * H + 20 * 60_000)
    const hourA3 = v(30 * H + 40 * 60_000)
    const named = v(30 * H + 30 * 60_000, 'named')
    const lock = v(30 * H + 35 * 60_000, 'before-lock')
    const dayOld1 = v(20 * D + 1 * H)
    const dayOld2 = v(20 * D + 2 * H)
    const dayOld3 = v(20 * D + 3 * H)
    const vs = [hourA1, hourA2, hourA3, named, lock, dayOld1, dayOld2, dayOld3]
    const drop = versionsToThin(vs, now, policy)
    // 30 h ago is 06:00 on the 14th; 05:55, 05:40 and 05:20 fall in the 05:00 hour.
    expect(drop).toContain(hourA2.id)
    expect(drop).toContain(hourA3.id)
    expect(drop).not.toContain(hourA1.id)
    expect(drop).not.toContain(named.id)
    expect(drop).not.toContain(lock.id)
    const keptDaily = [dayOld1, dayOld2, dayOld3].filter((x) => !drop.includes(x.id))
    expect(keptDaily.length).toBeGreaterThanOrEqual(1)
    expect(keptDaily.length).toBeLessThanOrEqual(2) // three times across at most two UTC days
    // Stable: thinning what is left drops nothing more.
    const left = vs.filter((x) => !drop.includes(x.id))
    expect(versionsToThin(left, now, policy)).toEqual([])
  })

  it('drops automatic versions older than dailyMs when it is set, and honours a custom policy', () => {
    const old = v(40 * D)
    const recent = v(3 * D)
    expect(versionsToThin([old, recent], now, { allMs: D, hourlyMs: 7 * D, dailyMs: 30 * D })).toEqual([old.id])
    const a = v(2 * H + 60_000)
    const b = v(2 * H + 120_000)
    expect(versionsToThin([a, b], now, { allMs: 0, hourlyMs: D, dailyMs: null })).toEqual([b.id])
  })
})
