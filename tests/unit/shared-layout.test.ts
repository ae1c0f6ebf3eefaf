import { describe, expect, it } from 'vitest'
import { layoutTree, resolveLayoutMode, stackedIds } from '../../shared/layout'
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
  // Sorted by left edge, each card is compared with the ones starting before its right edge only.
  const rs = rects(tree, pos).sort((a, b) => a.x - b.x)
  for (let i = 0; i < rs.length; i++)
    for (let j = i + 1; j < rs.length && rs[j].x < rs[i].x + rs[i].w; j++) {
      const a = rs[i]
      const b = rs[j]
      const overlap = a.y < b.y + b.h && b.y < a.y + a.h
      if (overlap) expect.fail(`${a.id} overlaps ${b.id}`)
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

// An outcome, opportunities of `sols` solutions of `asms` assumptions each: n cards in all (the e2e seed's shape).
function bushy(n: number, sols = 20, asms = 4): Tree {
  const r = [rec('outcome', 'o')]
  let count = 1
  for (let i = 0; count < n; i++) {
    r.push(rec('opportunity', `p${i}`, 'o', `a${String(i).padStart(3, '0')}`))
    count++
    for (let s = 0; s < sols && count < n; s++, count++) {
      r.push(rec('solution', `p${i}s${s}`, `p${i}`, `a${String(s).padStart(3, '0')}`))
      for (let a = 0; a < asms && count + 1 < n; a++, count++) r.push(rec('assumption', `p${i}s${s}a${a}`, `p${i}s${s}`, `a${a}`))
    }
  }
  return deriveTree(r)
}

function extent(tree: Tree, pos: Map<string, Point>) {
  const rs = rects(tree, pos)
  const minX = Math.min(...rs.map((r) => r.x))
  const maxX = Math.max(...rs.map((r) => r.x + r.w))
  const minY = Math.min(...rs.map((r) => r.y))
  const maxY = Math.max(...rs.map((r) => r.y + r.h))
  return { w: maxX - minX, h: maxY - minY }
}

describe('compact layout', () => {
  it("'auto' keeps small trees tidy and turns compact for trees the tidy layout would draw as a band", () => {
    expect(resolveLayoutMode(sample())).toBe('tidy')
    expect(resolveLayoutMode(bushy(1000))).toBe('compact')
    expect(resolveLayoutMode(bushy(1000), 'tidy')).toBe('tidy')
    expect(resolveLayoutMode(sample(), 'compact')).toBe('compact')
    // A deep chain is tall, not wide: tidy.
    const chain = [rec('outcome', 'o')]
    for (let i = 0; i < 60; i++) chain.push(rec('opportunity', `d${i}`, i ? `d${i - 1}` : 'o'))
    expect(resolveLayoutMode(deriveTree(chain))).toBe('tidy')
    // The default mode is 'auto': a small tree is laid out as before.
    expect(layoutTree(sample())).toEqual(layoutTree(sample(), { mode: 'tidy' }))
  })

  it('stacks solutions and their assumptions under their opportunity, indented, without overlaps', () => {
    const t = sample()
    const pos = layoutTree(t, { mode: 'compact', indent: 32, stackGap: 16 })
    expect(pos.size).toBe(t.byId.size)
    expectNoOverlap(t, pos)
    const p3 = pos.get('shape:p3')!
    const sols = [0, 1, 2, 3].map((j) => pos.get(`shape:p3s${j}`)!)
    // One column (4 solutions and their few assumptions are far below the wrap), in order, below the opportunity.
    for (const s of sols) expect(s.y).toBeGreaterThanOrEqual(p3.y + NODE_HEIGHT)
    for (let j = 1; j < sols.length; j++) {
      expect(sols[j].x).toBe(sols[0].x)
      expect(sols[j].y).toBeGreaterThan(sols[j - 1].y)
    }
    // A solution's assumptions right under it, indented, before the next solution.
    const s2 = pos.get('shape:p3s2')!
    const a0 = pos.get('shape:p3s2a0')!
    const a1 = pos.get('shape:p3s2a1')!
    expect(a0.x).toBe(s2.x + 32)
    expect(a0.y).toBe(s2.y + NODE_HEIGHT + 16)
    expect(a1.y).toBe(a0.y + NODE_HEIGHT + 16)
    expect(pos.get('shape:p3s3')!.y).toBe(a1.y + NODE_HEIGHT + 16)
    // The tidy part (outcome and opportunities) keeps parents above children and order left to right.
    for (let i = 1; i < 4; i++) expect(pos.get(`shape:p${i}`)!.x).toBeGreaterThan(pos.get(`shape:p${i - 1}`)!.x)
    expect(pos.get('shape:p1x')!.y).toBeGreaterThan(pos.get('shape:p1')!.y)
  })

  it('stacks every level from stackDepth down', () => {
    const r = [rec('outcome', 'o')]
    for (let i = 0; i < 8; i++) r.push(rec('opportunity', `d${i}`, i ? `d${i - 1}` : 'o'))
    const t = deriveTree(r)
    const pos = layoutTree(t, { mode: 'compact', stackDepth: 3, indent: 32 })
    expectNoOverlap(t, pos)
    // d0 (depth 1) and d1 (depth 2) are tidy rows, d2 (depth 3) starts the stack, each further level indented.
    expect(pos.get('shape:d3')!.x - pos.get('shape:d2')!.x).toBe(32)
    expect(pos.get('shape:d7')!.x - pos.get('shape:d2')!.x).toBe(5 * 32)
    expect(stackedIds(t, 3)).toEqual(new Set(['d2', 'd3', 'd4', 'd5', 'd6', 'd7'].map((d) => `shape:${d}`)))
  })

  it('wraps a long stack into columns without splitting a solution from its assumptions', () => {
    const t = bushy(1 + 1 + 20 * 5)
    const pos = layoutTree(t, { mode: 'compact', maxStack: 10 })
    expectNoOverlap(t, pos)
    const xs = new Set([...Array(20).keys()].map((s) => pos.get(`shape:p0s${s}`)!.x))
    expect(xs.size).toBe(10) // two solutions (10 cards) a column
    for (let s = 0; s < 20; s++) for (let a = 0; a < 4; a++) expect(pos.get(`shape:p0s${s}a${a}`)!.x).toBe(pos.get(`shape:p0s${s}`)!.x + 32)
  })

  it('lays a 1,000-card tree out about as wide as a screen, where tidy makes a long band', () => {
    const t = bushy(1000)
    const tidy = extent(t, layoutTree(t, { mode: 'tidy' }))
    expect(tidy.w / tidy.h).toBeGreaterThan(50)
    const t0 = performance.now()
    const pos = layoutTree(t)
    console.log(`compact layout of 1,000 cards: ${(performance.now() - t0).toFixed(1)} ms`)
    expect(pos.size).toBe(1000)
    expectNoOverlap(t, pos)
    const compact = extent(t, pos)
    expect(compact.w / compact.h).toBeGreaterThan(0.8)
    expect(compact.w / compact.h).toBeLessThan(3)
    // Every card's parent is above it.
    for (const node of t.byId.values()) for (const child of node.children) expect(pos.get(child.id)!.y).toBeGreaterThan(pos.get(node.id)!.y)
  })

  it('lays detached cards out compact too, below the tree', () => {
    const r = [rec('outcome', 'o'), rec('opportunity', 'p', 'o'), rec('solution', 's', 'p'), rec('solution', 'loose', 'gone'), rec('assumption', 'la', 'loose')]
    const t = deriveTree(r)
    const pos = layoutTree(t, { mode: 'compact' })
    expectNoOverlap(t, pos)
    expect(pos.get('shape:loose')!.y).toBeGreaterThan(pos.get('shape:s')!.y + NODE_HEIGHT)
    expect(pos.get('shape:la')!.y).toBeGreaterThan(pos.get('shape:loose')!.y)
  })
})
