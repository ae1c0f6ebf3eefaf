// Tree layouts, as pure functions (positions are shape top-left corners, as tldraw stores them):
// - tidy: top-down Reingold–Tilford via d3-hierarchy, every card in a row per level;
// - compact: for deep or wide trees, the opportunity structure stays a tidy tree while solutions, their
//   assumptions and every level from `stackDepth` down are stacked vertically under their parent (indented,
//   like a file tree), and a long stack wraps into columns so the whole tree comes out about as wide as a
//   screen is. A board picks one (or 'auto', which picks compact for trees the tidy layout would draw as a
//   long band); the choice is the board's, since positions are shared by everyone on it.

import { hierarchy, tree as d3tree } from 'd3-hierarchy'
import type { HierarchyPointNode } from 'd3-hierarchy'
import { NODE_HEIGHT, NODE_WIDTH } from './model'
import type { Tree, TreeNode } from './tree'

export type LayoutMode = 'tidy' | 'compact'
/** What a board asks for: a layout, or 'auto' (compact when the tidy layout would be a long band). */
export type LayoutSetting = LayoutMode | 'auto'
export const LAYOUT_SETTINGS: readonly LayoutSetting[] = ['auto', 'tidy', 'compact']

export function isLayoutSetting(value: unknown): value is LayoutSetting {
  return typeof value === 'string' && (LAYOUT_SETTINGS as readonly string[]).includes(value)
}

export interface LayoutOptions {
  /** Horizontal space between neighbouring cards. */
  gapX?: number
  /** Vertical space between a parent and its children. */
  gapY?: number
  /** Keep the first root's top-left here (its current position) so a re-layout doesn't jump across the canvas. */
  anchor?: { x: number; y: number }
  /** 'auto' (the default) picks compact for trees the tidy layout would draw as a long band. */
  mode?: LayoutSetting
  /** Compact: cards at this depth or deeper (a root is depth 0) are stacked under their parent whatever their
   *  kind; without `maxStack`, a tree still too wide that way is stacked from a higher level. */
  stackDepth?: number
  /** Compact: vertical space between stacked cards. */
  stackGap?: number
  /** Compact: how far a stacked card's own stacked children are indented. */
  indent?: number
  /** Compact: most cards in one column of a stack before it wraps (a card's own stack is never split);
   *  by default the one of a few that brings the tree closest to `aspect`. */
  maxStack?: number
  /** Compact: the width / height the automatic `maxStack` aims the whole tree at (a screen's). */
  aspect?: number
}

export interface Point {
  x: number
  y: number
}

/** 'auto' turns compact when the tidy layout would be more than this many times as wide as it is tall. */
export const AUTO_COMPACT_ASPECT = 8
const DEFAULT_STACK_DEPTH = 4
const STACK_CANDIDATES = [8, 12, 16, 24, 32, 48, 64, 96, Infinity]

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

// ---- compact ----

interface CompactParams {
  gapX: number
  gapY: number
  stackGap: number
  indent: number
  stackDepth: number
  maxStack: number
}

/** A stacked card with its own stacked children under it, indented: its size and its cards' offsets. */
interface Block {
  w: number
  h: number
  cards: number
  /** [id, dx, dy] from the block's top-left. */
  at: [string, number, number][]
}

/** A tidy-tree item of the compact layout: a card, or the stack of a card's stacked children. */
interface CItem {
  node: TreeNode | null // null: the super-root, or a stack (then `stack` is set)
  stack?: { w: number; h: number; at: [string, number, number][] }
  children: CItem[]
}

/** Whether a card is stacked under its parent in the compact layout: solutions and assumptions, and every
 *  card at `stackDepth` or deeper (a root is depth 0). A stacked card's descendants are stacked too. */
export function isStackedKind(node: TreeNode, depth: number, stackDepth = DEFAULT_STACK_DEPTH): boolean {
  return depth > 0 && (node.kind === 'solution' || node.kind === 'assumption' || depth >= stackDepth)
}

/** Ids of the cards the compact layout stacks (the connectors draw those as an indented list). */
export function stackedIds(tree: Tree, stackDepth = DEFAULT_STACK_DEPTH): Set<string> {
  const out = new Set<string>()
  const stack: { node: TreeNode; depth: number; under: boolean }[] = tree.roots.map((node) => ({ node, depth: 0, under: false }))
  while (stack.length) {
    const { node, depth, under } = stack.pop()!
    const stacked = under || isStackedKind(node, depth, stackDepth)
    if (stacked) out.add(node.id)
    for (const child of node.children) stack.push({ node: child, depth: depth + 1, under: stacked })
  }
  return out
}

/** Blocks of every stacked card, children before parents (no recursion). */
function stackBlocks(roots: TreeNode[], p: CompactParams): Map<string, Block> {
  const stacked = stackedIds({ roots } as Tree, p.stackDepth)
  const order: TreeNode[] = []
  const walk = [...roots]
  while (walk.length) {
    const node = walk.pop()!
    order.push(node)
    for (const child of node.children) walk.push(child)
  }
  const blocks = new Map<string, Block>()
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]
    if (!stacked.has(node.id)) continue
    const block: Block = { w: width(node), h: height(node), cards: 1, at: [[node.id, 0, 0]] }
    for (const child of node.children) {
      const c = blocks.get(child.id)!
      const top = block.h + p.stackGap
      for (const [id, dx, dy] of c.at) block.at.push([id, dx + p.indent, dy + top])
      block.w = Math.max(block.w, c.w + p.indent)
      block.h = top + c.h
      block.cards += c.cards
    }
    blocks.set(node.id, block)
  }
  return blocks
}

/** A card's stacked children as columns of blocks, at most `maxStack` cards a column (a block is never split). */
function stackColumns(children: Block[], p: CompactParams): { w: number; h: number; at: [string, number, number][] } {
  const columns: Block[][] = []
  let cards = 0
  for (const b of children) {
    const column = columns.at(-1)
    if (column && cards + b.cards <= p.maxStack) {
      column.push(b)
      cards += b.cards
    } else {
      columns.push([b])
      cards = b.cards
    }
  }
  const at: [string, number, number][] = []
  let x = 0
  let h = 0
  for (const column of columns) {
    if (x > 0) x += p.gapX
    let y = 0
    let w = 0
    for (const b of column) {
      if (y > 0) y += p.stackGap
      for (const [id, dx, dy] of b.at) at.push([id, x + dx, y + dy])
      y += b.h
      w = Math.max(w, b.w)
    }
    x += w
    h = Math.max(h, y)
  }
  return { w: x, h, at }
}

function compactItems(roots: TreeNode[], p: CompactParams): CItem[] {
  const blocks = stackBlocks(roots, p)
  const out: CItem[] = []
  const walk: { node: TreeNode; into: CItem[] }[] = roots.map((node) => ({ node, into: out })).reverse()
  while (walk.length) {
    const { node, into } = walk.pop()!
    const item: CItem = { node, children: [] }
    into.push(item)
    const stacked = node.children.filter((c) => blocks.has(c.id))
    const tidy = node.children.filter((c) => !blocks.has(c.id))
    for (let i = tidy.length - 1; i >= 0; i--) walk.push({ node: tidy[i], into: item.children })
    // The stack comes first among the children (the tidy ones are added as the walk reaches them), so a
    // card's solutions sit right under it and its sub-opportunities beside them.
    if (stacked.length) item.children.push({ node: null, stack: stackColumns(stacked.map((c) => blocks.get(c.id)!), p), children: [] })
  }
  return out
}

function compactForest(roots: TreeNode[], p: CompactParams): Map<string, Point> {
  const out = new Map<string, Point>()
  if (!roots.length) return out
  const root = hierarchy<CItem>({ node: null, children: compactItems(roots, p) }, (d) => d.children)
  const w = (d: CItem) => (d.node ? width(d.node) : (d.stack?.w ?? 0))
  const h = (d: CItem) => (d.node ? height(d.node) : (d.stack?.h ?? 0))
  const rowHeight: number[] = []
  root.each((d) => {
    if (d.depth > 0) rowHeight[d.depth] = Math.max(rowHeight[d.depth] ?? 0, h(d.data))
  })
  // Unit node size, so the separation is in page units: half of each neighbour plus the gap.
  const laid = d3tree<CItem>()
    .nodeSize([1, 1])
    .separation((a, b) => (w(a.data) + w(b.data)) / 2 + (a.parent === b.parent ? p.gapX : p.gapX * 1.25))(root)
  const rowTop: number[] = [0, 0]
  for (let depth = 2; depth < rowHeight.length + 1; depth++) rowTop[depth] = rowTop[depth - 1] + (rowHeight[depth - 1] ?? 0) + p.gapY
  laid.each((d) => {
    if (d.data.node) out.set(d.data.node.id, { x: d.x - width(d.data.node) / 2, y: rowTop[d.depth] })
    else if (d.data.stack) {
      const left = d.x - d.data.stack.w / 2
      for (const [id, dx, dy] of d.data.stack.at) out.set(id, { x: left + dx, y: rowTop[d.depth] + dy })
    }
  })
  return out
}

function bounds(points: Map<string, Point>, tree: Tree) {
  let minX = Infinity
  let maxX = -Infinity
  let minY = Infinity
  let maxY = -Infinity
  for (const [id, p] of points) {
    const n = tree.byId.get(id)!
    minX = Math.min(minX, p.x)
    maxX = Math.max(maxX, p.x + width(n))
    minY = Math.min(minY, p.y)
    maxY = Math.max(maxY, p.y + height(n))
  }
  return { minX, maxX, minY, maxY }
}

/** The layout a board's setting comes to for this tree: 'auto' is compact when the tidy layout would be
 *  more than AUTO_COMPACT_ASPECT times as wide as tall (estimated from its leaves and levels, no layout run). */
export function resolveLayoutMode(tree: Tree, setting: LayoutSetting = 'auto', opts: Pick<LayoutOptions, 'gapX' | 'gapY'> = {}): LayoutMode {
  if (setting !== 'auto') return setting
  const gapX = opts.gapX ?? 60
  const gapY = opts.gapY ?? 100
  let leaves = 0
  let levels = 0
  let maxW = 0
  let maxH = 0
  const walk: { node: TreeNode; depth: number }[] = tree.roots.map((node) => ({ node, depth: 1 }))
  while (walk.length) {
    const { node, depth } = walk.pop()!
    levels = Math.max(levels, depth)
    maxW = Math.max(maxW, width(node))
    maxH = Math.max(maxH, height(node))
    if (!node.children.length) leaves++
    for (const child of node.children) walk.push({ node: child, depth: depth + 1 })
  }
  if (!leaves) return 'tidy'
  const wide = leaves * (maxW + gapX) - gapX
  const tall = levels * (maxH + gapY) - gapY
  return wide > AUTO_COMPACT_ASPECT * tall ? 'compact' : 'tidy'
}

/** Main forest at (0, 0); detached nodes (and their subtrees) in a row starting at x = 0 one gap below it. */
function placeForests(tree: Tree, gapY: number, lay: (roots: TreeNode[]) => Map<string, Point>): Map<string, Point> {
  const detachedIds = new Set(tree.detached.map((n) => n.id))
  const main = lay(tree.roots.filter((r) => !detachedIds.has(r.id)))
  const loose = lay(tree.detached)
  const positions = new Map<string, Point>()
  const m = main.size ? bounds(main, tree) : { minX: 0, maxY: -gapY }
  for (const [id, p] of main) positions.set(id, { x: p.x - m.minX, y: p.y })
  const l = loose.size ? bounds(loose, tree) : { minX: 0, maxY: 0 }
  const looseTop = m.maxY + gapY
  for (const [id, p] of loose) positions.set(id, { x: p.x - l.minX, y: p.y + looseTop })
  return positions
}

/** Positions for every tree node: proper trees side by side, detached nodes (and their subtrees) in a row below. */
export function layoutTree(tree: Tree, opts: LayoutOptions = {}): Map<string, Point> {
  const gapX = opts.gapX ?? 60
  const gapY = opts.gapY ?? 100
  let positions: Map<string, Point>
  if (resolveLayoutMode(tree, opts.mode ?? 'auto', opts) === 'tidy') {
    positions = placeForests(tree, gapY, (roots) => layoutForest(roots, gapX, gapY))
  } else {
    const params = (maxStack: number, stackDepth: number): CompactParams => ({
      gapX,
      gapY: opts.gapY ?? 60,
      stackGap: opts.stackGap ?? 16,
      indent: opts.indent ?? 32,
      stackDepth,
      maxStack,
    })
    const run = (maxStack: number, stackDepth: number) =>
      placeForests(tree, params(maxStack, stackDepth).gapY, (roots) => compactForest(roots, params(maxStack, stackDepth)))
    const depth = opts.stackDepth ?? DEFAULT_STACK_DEPTH
    if (opts.maxStack) positions = run(opts.maxStack, depth)
    else {
      // The column length that brings the whole tree closest to a screen's shape (ties: the longer columns);
      // when even the best is over twice as wide as that (many opportunities side by side), stacking starts a
      // level higher, down to everything under the outcome.
      const aspect = opts.aspect ?? 16 / 10
      let best: { positions: Map<string, Point>; miss: number } | null = null
      for (let stackDepth = depth; stackDepth >= 1; stackDepth--) {
        for (const maxStack of STACK_CANDIDATES) {
          const candidate = run(maxStack, stackDepth)
          const b = candidate.size ? bounds(candidate, tree) : { minX: 0, maxX: 1, minY: 0, maxY: 1 }
          const miss = Math.abs(Math.log((b.maxX - b.minX) / Math.max(1, b.maxY - b.minY) / aspect))
          if (!best || miss < best.miss - 1e-9 || (stackDepth === depth && miss <= best.miss)) best = { positions: candidate, miss }
        }
        if (best!.miss < Math.log(2)) break
      }
      positions = best!.positions
    }
  }

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
