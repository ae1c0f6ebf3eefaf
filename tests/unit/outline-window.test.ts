// The outline's rows and virtual window (client/panels/outline-rows.ts, outline-window.ts): which rows a
// collapsed tree shows, and which of them a scrolled view draws, on plain trees and offsets.
import { describe, expect, it } from 'vitest'
import { sameRowNode, visibleRows } from '../../client/panels/outline-rows'
import { OVERSCAN_PX, rowAt, rowOffsets, windowRows } from '../../client/panels/outline-window'
import { deriveTree } from '../../shared/tree'
import { rec } from './helpers'

const tree = () =>
  deriveTree([
    rec('outcome', 'o'),
    rec('opportunity', 'p1', 'o', 'a1'),
    rec('solution', 's1', 'p1'),
    rec('opportunity', 'p2', 'o', 'a2'),
    rec('solution', 's2', 'p2'),
  ])

describe('visibleRows', () => {
  it('lists the tree depth first, and a collapsed row keeps its place but hides its subtree', () => {
    const shown = (closed: string[]) =>
      visibleRows(tree().roots, new Set(closed.map((id) => `shape:${id}`))).map((r) => [r.node.id.slice(6), r.depth, r.hasChildren])
    expect(shown([])).toEqual([
      ['o', 0, true],
      ['p1', 1, true],
      ['s1', 2, false],
      ['p2', 1, true],
      ['s2', 2, false],
    ])
    expect(shown(['p1'])).toEqual([
      ['o', 0, true],
      ['p1', 1, true],
      ['p2', 1, true],
      ['s2', 2, false],
    ])
    expect(shown(['o'])).toEqual([['o', 0, true]])
  })
})

describe('sameRowNode', () => {
  it('sees a re-derived node as the same row, arrays item by item, and any shown difference as a change', () => {
    const a = visibleRows(tree().roots, new Set())[1]
    const again = visibleRows(tree().roots, new Set())[1]
    expect(again.node).not.toBe(a.node)
    expect(sameRowNode(a, again)).toBe(true)
    const withProps = (props: Record<string, unknown>) => ({ ...a, node: { ...a.node, props: { ...a.node.props, ...props } } })
    expect(sameRowNode(withProps({ tags: ['x', 'y'] }), withProps({ tags: ['x', 'y'] }))).toBe(true)
    expect(sameRowNode(withProps({ tags: ['x', 'y'] }), withProps({ tags: ['x'] }))).toBe(false)
    expect(sameRowNode(a, withProps({ title: 'renamed' }))).toBe(false)
    expect(sameRowNode(a, { ...a, depth: a.depth + 1 })).toBe(false)
  })
})

describe('the virtual window', () => {
  // 100 rows of 40px, but row 10 is 400px tall (its hints are shown): rows 11+ start 360px lower.
  const offsets = rowOffsets(100, (i) => (i === 10 ? 400 : 40))
  const none = () => false

  it('places each row after the ones above it, the last offset being the list height', () => {
    expect(offsets.slice(0, 3)).toEqual([0, 40, 80])
    expect(offsets[11]).toBe(800)
    expect(offsets[100]).toBe(99 * 40 + 400)
  })

  it('finds the first row that ends below a point; a row ending exactly there is passed', () => {
    expect(rowAt(offsets, -OVERSCAN_PX)).toBe(0)
    expect(rowAt(offsets, 39)).toBe(0)
    expect(rowAt(offsets, 40)).toBe(1)
    expect(rowAt(offsets, 500)).toBe(10)
    expect(rowAt(offsets, 1e9)).toBe(100)
  })

  it('draws the rows within the overscan of the view, and pinned rows outside it in their order', () => {
    const top = 2000
    const drawn = windowRows(offsets, { top, height: 400 }, none)
    // From the first row ending below top - overscan (row 25 ends exactly there) through the row that
    // bottom + overscan falls in (row 66 starts exactly there).
    expect(offsets[26]).toBe(top - OVERSCAN_PX)
    expect(offsets[66]).toBe(top + 400 + OVERSCAN_PX)
    expect(drawn).toEqual(Array.from({ length: 41 }, (_, k) => 26 + k))
    const pinned = windowRows(offsets, { top, height: 400 }, (i) => i === 0 || i === 99)
    expect(pinned).toEqual([0, ...drawn, 99])
  })

  it('draws everything when the list is shorter than the view, and nothing for no rows', () => {
    expect(windowRows(rowOffsets(3, () => 40), { top: 0, height: 800 }, none)).toEqual([0, 1, 2])
    expect(windowRows(rowOffsets(0, () => 40), { top: 0, height: 800 }, none)).toEqual([])
  })
})
