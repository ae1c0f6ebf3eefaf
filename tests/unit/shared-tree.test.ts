import { describe, expect, it } from 'vitest'
import { MAX_TREE_DEPTH, deriveTree, pathTo, subtreeIds, walkTree } from '../../shared/tree'
import { makeBaseDocumentRecords } from '../../shared/records'
import { rec } from './helpers'

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id.replace('shape:', ''))

describe('deriveTree', () => {
  it('is empty for no records, and ignores non-node records', () => {
    const t = deriveTree([...makeBaseDocumentRecords(), { id: 'shape:note', typeName: 'shape', type: 'note', props: {} }])
    expect(t.roots).toEqual([])
    expect(t.detached).toEqual([])
    expect(t.byId.size).toBe(0)
  })

  it('links children to parents and sorts siblings by order, then id', () => {
    const t = deriveTree([
      rec('outcome', 'o'),
      rec('opportunity', 'p2', 'o', 'a2'),
      rec('opportunity', 'p1', 'o', 'a1'),
      rec('opportunity', 'p0b', 'o', 'a0'),
      rec('opportunity', 'p0a', 'o', 'a0'),
      rec('solution', 's', 'p1'),
    ])
    expect(ids(t.roots)).toEqual(['o'])
    expect(ids(t.byId.get('shape:o')!.children)).toEqual(['p0a', 'p0b', 'p1', 'p2'])
    expect(t.byId.get('shape:s')!.parentId).toBe('shape:p1')
    expect(t.detached).toEqual([])
  })

  it('sorts by code unit, not locale (fractional indexes: "Z" < "a")', () => {
    const t = deriveTree([rec('outcome', 'o'), rec('opportunity', 'lower', 'o', 'a0'), rec('opportunity', 'upper', 'o', 'Zz')])
    expect(ids(t.byId.get('shape:o')!.children)).toEqual(['upper', 'lower'])
  })

  it('detaches orphans, unknown parents and disallowed parents, showing them as roots', () => {
    const t = deriveTree([
      rec('outcome', 'o'),
      rec('opportunity', 'orphan'),
      rec('opportunity', 'lost', 'gone'),
      rec('solution', 'misplaced', 'o'),
      rec('assumption', 'a', 'misplaced'),
    ])
    expect(ids(t.detached).sort()).toEqual(['lost', 'misplaced', 'orphan'])
    expect(ids(t.roots)[0]).toBe('o')
    expect(ids(t.roots).sort()).toEqual(['lost', 'misplaced', 'o', 'orphan'])
    expect(t.byId.get('shape:orphan')!.detachedReason).toBe('missing-parent')
    expect(t.byId.get('shape:lost')!.detachedReason).toBe('unknown-parent')
    expect(t.byId.get('shape:misplaced')!.detachedReason).toBe('disallowed-parent')
    // The detached node keeps its own valid subtree.
    expect(ids(t.byId.get('shape:misplaced')!.children)).toEqual(['a'])
    expect(t.byId.get('shape:o')!.children).toEqual([])
  })

  it('an outcome with no parent is a proper root, not detached', () => {
    const t = deriveTree([rec('outcome', 'o1', '', 'a1'), rec('outcome', 'o0', '', 'a0')])
    expect(ids(t.roots)).toEqual(['o0', 'o1'])
    expect(t.detached).toEqual([])
  })

  it('detaches every node of a cycle but keeps nodes hanging off it', () => {
    const t = deriveTree([
      rec('outcome', 'o'),
      rec('opportunity', 'a', 'b'),
      rec('opportunity', 'b', 'c'),
      rec('opportunity', 'c', 'a'),
      rec('opportunity', 'tail', 'a'),
      rec('opportunity', 'self', 'self'),
    ])
    expect(ids(t.detached).sort()).toEqual(['a', 'b', 'c', 'self'])
    for (const id of ['a', 'b', 'c', 'self']) expect(t.byId.get(`shape:${id}`)!.detachedReason).toBe('cycle')
    expect(t.byId.get('shape:tail')!.parentId).toBe('shape:a')
    expect(walkTree(t)).toHaveLength(6) // nothing disappears
  })

  it('skips and reports records with malformed props instead of coercing them', () => {
    const bad = { ...rec('opportunity', 'x', 'o'), props: { ...rec('opportunity', 'x', 'o').props as object, parentNode: 5, order: null } }
    const t = deriveTree([rec('outcome', 'o'), bad])
    expect(t.byId.has('shape:x')).toBe(false)
    expect(t.skipped).toEqual([{ id: 'shape:x', reason: 'prop parentNode must be text' }])
  })

  it('cuts a 10,000-deep chain at MAX_TREE_DEPTH without recursion, reporting the rest', () => {
    const records = [rec('outcome', 'o')]
    for (let i = 0; i < 10_000; i++) records.push(rec('opportunity', `n${i}`, i ? `n${i - 1}` : 'o'))
    const t = deriveTree(records)
    expect(t.detached).toEqual([])
    expect(pathTo(t, `shape:n${MAX_TREE_DEPTH - 2}`)).toHaveLength(MAX_TREE_DEPTH)
    expect(t.byId.has(`shape:n${MAX_TREE_DEPTH - 1}`)).toBe(false)
    expect(subtreeIds(t, 'shape:o')).toHaveLength(MAX_TREE_DEPTH)
    expect(t.skipped).toHaveLength(10_001 - MAX_TREE_DEPTH)
    expect(t.skipped[0].reason).toBe(`deeper than ${MAX_TREE_DEPTH} levels`)
  })
})

describe('pathTo and subtreeIds', () => {
  const t = deriveTree([
    rec('outcome', 'o'),
    rec('opportunity', 'p', 'o'),
    rec('opportunity', 'q', 'p', 'a0'),
    rec('solution', 's1', 'q', 'a0'),
    rec('solution', 's2', 'q', 'a1'),
    rec('assumption', 'x', 's1'),
  ])
  it('pathTo goes root → node', () => {
    expect(ids(pathTo(t, 'shape:x'))).toEqual(['o', 'p', 'q', 's1', 'x'])
    expect(ids(pathTo(t, 'shape:o'))).toEqual(['o'])
    expect(pathTo(t, 'shape:nope')).toEqual([])
  })
  it('subtreeIds lists the node and its descendants in pre-order', () => {
    expect(subtreeIds(t, 'shape:q').map((s) => s.slice(6))).toEqual(['q', 's1', 'x', 's2'])
    expect(subtreeIds(t, 'shape:x')).toEqual(['shape:x'])
    expect(subtreeIds(t, 'shape:nope')).toEqual([])
  })
})
