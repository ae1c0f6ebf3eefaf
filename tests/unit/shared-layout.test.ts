import { describe, expect, it } from 'vitest'
import { layoutTree } from '../../shared/layout'
import type { Point } from '../../shared/layout'
import { deriveTree } from '../../shared/tree'
import type { Tree } from '../../shared/tree'
import { NODE_HEIGHT, NODE_WIDTH } from '../../shared/model'
import { rec } from './helpers'

function rects(tree: Tree, pos: Map<string, Point>) {
  return [...pos].map(([id, p]) => {
    const n = tree.byId.get(id)!
    return { id, x: p.x, y: p.y, w: n.props.w, h: n.props.h }
  })
}

function expectNoOverlap(tree: Tree, pos: Map<string, Point>) {
  const rs = rects(tree, pos)
  for (let i = 0; i < rs.length; i++)
    for (let j = i + 1; j < rs.length; j++) {
      const a = rs[i]
      const b = rs[j]
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
      expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false)
    }
}

function expectParentsAboveAndOrdered(tree: Tree, pos: Map<string, Point>) {
  for (const node of tree.byId.values()) {
    const p = pos.get(node.id)!
    for (const child of node.children) expect(pos.get(child.id)!.y).toBeGreaterThanOrEqual(p.y + node.props.h)
    for (let i = 1; i < node.children.length; i++) {
      expect(pos.get(node.children[i].id)!.x).toBeGreaterThan(pos.get(node.children[i - 1].id)!.x)
    }
  }
}

// A bushy tree with uneven branches and one tall card.
function sample(): Tree {
  const r = [rec('outcome', 'o')]
  for (let i = 0; i < 4; i++) {
    r.push(rec('opportunity', `p${i}`, 'o', `a${i}`))
    for (let j = 0; j < i + 1; j++) {
      r.push(rec('solution', `p${i}s${j}`, `p${i}`, `a${j}`, j === 1 ? { h: 300 } : {}))
      for (let k = 0; k < (j % 3); k++) r.push(rec('assumption', `p${i}s${j}a${k}`, `p${i}s${j}`, `a${k}`))
    }
  }
  r.push(rec('opportunity', 'p1x', 'p1', 'a9'))
  return deriveTree(r)
}

describe('layoutTree', () => {
  it('places nothing for an empty tree', () => {
    expect(layoutTree(deriveTree([])).size).toBe(0)
  })

  it('puts a single root at the origin', () => {
    const t = deriveTree([rec('outcome', 'o')])
    expect(layoutTree(t).get('shape:o')).toEqual({ x: 0, y: 0 })
  })

  it('places every node, without overlaps, parents above children, children ordered left to right', () => {
    const t = sample()
    const pos = layoutTree(t)
    expect(pos.size).toBe(t.byId.size)
    expectNoOverlap(t, pos)
    expectParentsAboveAndOrdered(t, pos)
  })

  it('orders children by their order prop, not by record order', () => {
    const t = deriveTree([rec('outcome', 'o'), rec('opportunity', 'late', 'o', 'a5'), rec('opportunity', 'early', 'o', 'a1')])
    const pos = layoutTree(t)
    expect(pos.get('shape:early')!.x).toBeLessThan(pos.get('shape:late')!.x)
  })

  it('centres a parent over its children and keeps the gaps', () => {
    const t = deriveTree([rec('outcome', 'o'), rec('opportunity', 'a', 'o', 'a0'), rec('opportunity', 'b', 'o', 'a1')])
    const pos = layoutTree(t, { gapX: 60, gapY: 100 })
    const a = pos.get('shape:a')!
    const b = pos.get('shape:b')!
    expect(b.x - a.x).toBe(NODE_WIDTH + 60)
    expect(a.y).toBe(NODE_HEIGHT + 100)
    expect(pos.get('shape:o')!.x + NODE_WIDTH / 2).toBe((a.x + b.x + NODE_WIDTH) / 2)
  })

  it('places several roots side by side without overlap', () => {
    const r = [rec('outcome', 'o1', '', 'a0'), rec('outcome', 'o2', '', 'a1')]
    for (let i = 0; i < 3; i++) r.push(rec('opportunity', `x${i}`, 'o1', `a${i}`), rec('opportunity', `y${i}`, 'o2', `a${i}`))
    const t = deriveTree(r)
    const pos = layoutTree(t)
    expectNoOverlap(t, pos)
    expect(pos.get('shape:o1')!.y).toBe(pos.get('shape:o2')!.y)
    expect(pos.get('shape:o1')!.x).toBeLessThan(pos.get('shape:o2')!.x)
  })

  it('puts detached nodes in a row below the trees', () => {
    const t = deriveTree([
      rec('outcome', 'o'),
      rec('opportunity', 'p', 'o'),
      rec('solution', 'loose1', '', 'a0'),
      rec('opportunity', 'loose2', 'gone', 'a1'),
      rec('solution', 'loose2s', 'loose2'),
    ])
    const pos = layoutTree(t)
    expectNoOverlap(t, pos)
    const bottom = pos.get('shape:p')!.y + NODE_HEIGHT
    expect(pos.get('shape:loose1')!.y).toBeGreaterThan(bottom)
    expect(pos.get('shape:loose2')!.y).toBe(pos.get('shape:loose1')!.y)
    expect(pos.get('shape:loose2s')!.y).toBeGreaterThan(pos.get('shape:loose2')!.y)
  })

  it('keeps the first root at the anchor', () => {
    const t = sample()
    const free = layoutTree(t)
    const pos = layoutTree(t, { anchor: { x: 1234, y: -567 } })
    expect(pos.get('shape:o')).toEqual({ x: 1234, y: -567 })
    // Everything moves by the same offset.
    const dx = 1234 - free.get('shape:o')!.x
    const dy = -567 - free.get('shape:o')!.y
    for (const [id, p] of free) expect(pos.get(id)).toEqual({ x: p.x + dx, y: p.y + dy })
  })

  it('handles wide and deep trees', () => {
    const r = [rec('outcome', 'o')]
    for (let i = 0; i < 300; i++) r.push(rec('opportunity', `w${i}`, 'o', `a${String(i).padStart(3, '0')}`))
    for (let i = 0; i < 98; i++) r.push(rec('opportunity', `d${i}`, i ? `d${i - 1}` : 'w0')) // MAX_TREE_DEPTH levels
    const t = deriveTree(r)
    const pos = layoutTree(t)
    expect(pos.size).toBe(399)
    expectParentsAboveAndOrdered(t, pos)
  })
})
