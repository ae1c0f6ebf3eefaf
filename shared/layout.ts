// Tidy top-down layout of the tree (Reingold–Tilford via d3-hierarchy), so a board stays readable however
// it was built. Positions are shape top-left corners, as tldraw stores them.

import { hierarchy, tree as d3tree } from 'd3-hierarchy'
import type { HierarchyPointNode } from 'd3-hierarchy'
import { NODE_HEIGHT, NODE_WIDTH } from './model'
import type { Tree, TreeNode } from './tree'

export interface LayoutOptions {
  /** Horizontal space between neighbouring cards. */
  gapX?: number
  /** Vertical space between a parent and its children. */
  gapY?: number
  /** Keep the first root's top-left here (its current position) so a re-layout doesn't jump across the canvas. */
  anchor?: { x: number; y: number }
}

export interface Point {
  x: number
  y: number
}

interface Item {
  node: TreeNode | null // null = the invisible super-root joining several trees
  children: Item[]
}

const width = (n: TreeNode) => (Number.isFinite(n.props.w) && n.props.w > 0 ? n.props.w : NODE_WIDTH)
const height = (n: TreeNode) => (Number.isFinite(n.props.h) && n.props.h > 0 ? n.props.h : NODE_HEIGHT)

/** The layout's item tree for a forest, built without recursion (the tree's depth comes from stored data). */
function toItems(roots: TreeNode[]): Item[] {
  const out: Item[] = []
  const stack: { node: TreeNode; into: Item[] }[] = roots.map((node) => ({ node, into: out })).reverse()
  while (stack.length) {
    const { node, into } = stack.pop()!
    const item: Item = { node, children: [] }
    into.push(item)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], into: item.children })
  }
  return out
}

/** Lays out a forest under one invisible root; returns top-left positions with the forest's top at y = 0. */
function layoutForest(roots: TreeNode[], gapX: number, gapY: number): Map<string, Point> {
  const out = new Map<string, Point>()
  if (!roots.length) return out
  const root = hierarchy<Item>({ node: null, children: toItems(roots) }, (d) => d.children)
  let maxW = 0
  const rowHeight: number[] = [] // tallest card per depth, so rows never overlap whatever the heights
  root.each((d) => {
    if (!d.data.node) return
    maxW = Math.max(maxW, width(d.data.node))
    rowHeight[d.depth] = Math.max(rowHeight[d.depth] ?? 0, height(d.data.node))
  })
  // Every card gets the widest card's slot, so neighbouring centres are at least maxW + gapX apart.
  const laid: HierarchyPointNode<Item> = d3tree<Item>()
    .nodeSize([maxW + gapX, 1])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.25))(root)
  const rowTop: number[] = [0, 0]
  for (let depth = 2; depth < rowHeight.length + 1; depth++) rowTop[depth] = rowTop[depth - 1] + (rowHeight[depth - 1] ?? 0) + gapY
  laid.each((d) => {
    if (!d.data.node) return
    out.set(d.data.node.id, { x: d.x - width(d.data.node) / 2, y: rowTop[d.depth] })
  })
  return out
}

function bounds(points: Map<string, Point>, tree: Tree) {
  let minX = Infinity
  let maxY = -Infinity
  for (const [id, p] of points) {
    minX = Math.min(minX, p.x)
    maxY = Math.max(maxY, p.y + height(tree.byId.get(id)!))
  }
  return { minX, maxY }
}

/** Positions for every tree node: proper trees side by side, detached nodes (and their subtrees) in a row below. */
export function layoutTree(tree: Tree, opts: LayoutOptions = {}): Map<string, Point> {
  const gapX = opts.gapX ?? 60
  const gapY = opts.gapY ?? 100
  const detachedIds = new Set(tree.detached.map((n) => n.id))
  const main = layoutForest(tree.roots.filter((r) => !detachedIds.has(r.id)), gapX, gapY)
  const loose = layoutForest(tree.detached, gapX, gapY)

  // Normalise: main forest starts at (0, 0); the detached row starts at x = 0 one gap below it.
  const positions = new Map<string, Point>()
  const m = main.size ? bounds(main, tree) : { minX: 0, maxY: -gapY }
  for (const [id, p] of main) positions.set(id, { x: p.x - m.minX, y: p.y })
  const l = loose.size ? bounds(loose, tree) : { minX: 0, maxY: 0 }
  const looseTop = m.maxY + gapY
  for (const [id, p] of loose) positions.set(id, { x: p.x - l.minX, y: p.y + looseTop })

  if (opts.anchor && tree.roots.length) {
    const first = positions.get(tree.roots[0].id)!
    const dx = opts.anchor.x - first.x
    const dy = opts.anchor.y - first.y
    for (const p of positions.values()) {
      p.x += dx
      p.y += dy
    }
  }
  return positions
}
