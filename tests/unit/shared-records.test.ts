import { describe, expect, it } from 'vitest'
import { defaultNodeProps, makeBaseDocumentRecords, makeNodeRecord, normalizeNodeProps } from '../../shared/records'
import { NODE_HEIGHT, NODE_KINDS, NODE_WIDTH, PAGE_ID, isNodeShapeRecord } from '../../shared/model'

describe('defaultNodeProps', () => {
  it('gives each kind exactly its fields', () => {
    const base = { w: NODE_WIDTH, h: NODE_HEIGHT, title: '', notes: '', parentNode: '', order: 'a0' }
    expect(defaultNodeProps('outcome')).toEqual({ ...base, metric: '', baseline: null, target: null, current: null })
    expect(defaultNodeProps('opportunity')).toEqual({ ...base, evidence: [], importance: null, satisfaction: null })
    expect(defaultNodeProps('solution')).toEqual({ ...base, impact: null, confidence: null, ease: null, status: 'idea' })
    expect(defaultNodeProps('assumption')).toEqual({ ...base, category: 'desirability', test: '', result: 'untested' })
  })
  it('returns a fresh evidence array each time', () => {
    const a = defaultNodeProps('opportunity')
    a.evidence.push('x')
    expect(defaultNodeProps('opportunity').evidence).toEqual([])
  })
  it('throws on an unknown kind', () => {
    expect(() => defaultNodeProps('feature' as never)).toThrow(/Unknown node kind/)
  })
})

describe('normalizeNodeProps', () => {
  it('drops props the kind does not define and fills missing ones', () => {
    const p = normalizeNodeProps('solution', { title: 'T', importance: 9, bogus: 1 }) as unknown as Record<string, unknown>
    expect(p.title).toBe('T')
    expect(p).not.toHaveProperty('importance')
    expect(p).not.toHaveProperty('bogus')
    expect(p.status).toBe('idea')
  })
  it('survives non-object props', () => {
    expect(normalizeNodeProps('outcome', null)).toEqual(defaultNodeProps('outcome'))
  })
})

describe('makeNodeRecord', () => {
  it('builds a complete tldraw shape record', () => {
    const r = makeNodeRecord('opportunity', { title: 'I can’t find X', importance: 7 }, { id: 'shape:abc', x: 10, y: 20, index: 'a5' })
    expect(r).toEqual({
      id: 'shape:abc',
      typeName: 'shape',
      type: 'opportunity',
      x: 10,
      y: 20,
      rotation: 0,
      index: 'a5',
      parentId: PAGE_ID,
      isLocked: false,
      opacity: 1,
      props: { ...defaultNodeProps('opportunity'), title: 'I can’t find X', importance: 7 },
      meta: {},
    })
    expect(isNodeShapeRecord(r)).toBe(true)
  })
  it('mints an id and defaults the placement', () => {
    for (const kind of NODE_KINDS) {
      const r = makeNodeRecord(kind)
      expect(r.id).toMatch(/^shape:[A-Za-z0-9_-]{21}$/)
      expect([r.x, r.y, r.index, r.type]).toEqual([0, 0, 'a1', kind])
    }
  })
})

describe('makeBaseDocumentRecords', () => {
  it('is the tldraw document and one page', () => {
    expect(makeBaseDocumentRecords()).toEqual([
      { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
      { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
    ])
  })
})
