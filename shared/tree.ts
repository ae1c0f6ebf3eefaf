// Deriving the outcome tree from the board's records. The tree edge is data on the child
// (props.parentNode + props.order), so anyone holding the records — browser or server — gets the same tree.
// A node whose edge is broken is "detached" and shown as a root so people can fix it. Records that cannot
// be part of any tree (bad props, a loop of tldraw parents, deeper than MAX_TREE_DEPTH) are left out and
// listed in `skipped`: stored documents may hold anything, so nothing here trusts them, recurses or throws.

import { ASSUMPTION_CATEGORIES, ASSUMPTION_RESULTS, NODE_KINDS, SOLUTION_STATUSES, isNodeShapeRecord } from './model'
import type { AnyNodeProps, JsonRecord, NodeKind } from './model'
import { canBeChildOf, placementRule } from './rules'

export type DetachedReason = 'missing-parent' | 'unknown-parent' | 'disallowed-parent' | 'cycle'

/** Levels a tree may have (a root is level 1). Deeper nodes are skipped, so every walk stays bounded;
 *  imports refuse deeper trees (TREE_LIMITS.depth), so an export always imports again. */
export const MAX_TREE_DEPTH = 100

/** A record left out of the tree, and why (shown to people, so plain words). */
export interface SkippedRecord {
  id: string
  reason: string
}

export interface TreeNode {
  id: string
  kind: NodeKind
  props: AnyNodeProps
  /** The tree parent's id, or null for a root (including every detached node). */
  parentId: string | null
  children: TreeNode[]
  /** The shape's position on the canvas (top-left), used to anchor re-layouts. */
  x: number
  y: number
  /** Set only on detached nodes: why the stored parent link was not followed. */
  detachedReason?: DetachedReason
}

export interface Tree {
  /** Proper roots (outcomes) first, then detached nodes; each group by order, then id. */
  roots: TreeNode[]
  byId: Map<string, TreeNode>
  detached: TreeNode[]
  /** Node records left out of the tree, sorted by id; empty when every node record made it in. */
  skipped: SkippedRecord[]
}

// ---- node props: the same rules as the shapes' tldraw validators (client/editor/shape-props.ts) ----

type Check = (value: unknown) => boolean
const isText: Check = (v) => typeof v === 'string'
const isFinite_: Check = (v) => typeof v === 'number' && Number.isFinite(v)
const isScore: Check = (v) => v === null || isFinite_(v)
const oneOf = (values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v)
const BASE_PROPS: Record<string, [Check, string]> = {
  w: [isFinite_, 'a number'],
  h: [isFinite_, 'a number'],
  title: [isText, 'text'],
  notes: [isText, 'text'],
  parentNode: [isText, 'text'],
  order: [isText, 'text'],
}
const SCORE: [Check, string] = [isScore, 'a number or null']
const NODE_PROPS: Record<NodeKind, Record<string, [Check, string]>> = {
  outcome: { ...BASE_PROPS, metric: [isText, 'text'], baseline: SCORE, target: SCORE, current: SCORE },
  opportunity: {
    ...BASE_PROPS,
    evidence: [(v) => Array.isArray(v) && v.every(isText), 'a list of text'],
    importance: SCORE,
    satisfaction: SCORE,
  },
  solution: { ...BASE_PROPS, impact: SCORE, confidence: SCORE, ease: SCORE, status: [oneOf(SOLUTION_STATUSES), `one of ${SOLUTION_STATUSES.join(', ')}`] },
  assumption: {
    ...BASE_PROPS,
    category: [oneOf(ASSUMPTION_CATEGORIES), `one of ${ASSUMPTION_CATEGORIES.join(', ')}`],
    test: [isText, 'text'],
    result: [oneOf(ASSUMPTION_RESULTS), `one of ${ASSUMPTION_RESULTS.join(', ')}`],
  },
}

/** Why `props` are not valid props of a `kind` node (missing, unknown or mistyped), or null when they are. */
export function nodePropsProblem(kind: NodeKind, props: unknown): string | null {
  const spec = NODE_PROPS[kind]
  if (!spec) return `unknown node kind (expected ${NODE_KINDS.join(', ')})`
  if (!props || typeof props !== 'object' || Array.isArray(props)) return 'props missing'
  const given = props as Record<string, unknown>
  for (const [key, [check, expected]] of Object.entries(spec)) {
    if (!(key in given)) return `prop ${key} missing`
    if (!check(given[key])) return `prop ${key} must be ${expected}`
  }
  for (const key of Object.keys(given)) if (!(key in spec)) return `unknown prop ${key}`
  return null
}

// ---- tldraw parents ----

/**
 * Shapes whose tldraw parent chain loops (a shape its own parent, two parenting each other, longer loops),
 * or hangs below such a loop; with `pageIds`, also shapes whose chain ends anywhere but one of those pages.
 * tldraw walks that chain without a bound, so such shapes must never reach its store. Iterative.
 */
export function brokenShapeParents(records: Iterable<unknown>, opts: { pageIds?: ReadonlySet<string> } = {}): Map<string, string> {
  const parentOf = new Map<string, unknown>()
  for (const r of records) {
    const rec = r as JsonRecord | null
    if (rec && typeof rec === 'object' && rec.typeName === 'shape' && typeof rec.id === 'string') parentOf.set(rec.id, rec.parentId)
  }
  const broken = new Map<string, string>()
  const state = new Map<string, 1 | 2>() // 1 = on the current walk, 2 = settled
  for (const start of parentOf.keys()) {
    if (state.has(start)) continue
    const walk: string[] = []
    let at: unknown = start
    while (typeof at === 'string' && parentOf.has(at) && !state.has(at)) {
      state.set(at, 1)
      walk.push(at)
      at = parentOf.get(at)
    }
    let reason: string | null = null
    let cycleFrom = walk.length
    if (typeof at !== 'string') reason = 'its tldraw parent id is not text'
    else if (state.get(at) === 1) {
      cycleFrom = walk.indexOf(at)
      reason = 'its tldraw parent is inside a loop of parents'
    } else if (state.get(at) === 2) {
      if (broken.has(at)) reason = 'its tldraw parent was skipped'
    } else if (opts.pageIds && !opts.pageIds.has(at)) reason = 'its tldraw parent does not exist'
    for (let i = 0; i < walk.length; i++) {
      if (i >= cycleFrom) broken.set(walk[i], 'its tldraw parents form a loop')
      else if (reason) broken.set(walk[i], reason)
      state.set(walk[i], 2)
    }
  }
  return broken
}

/** Sibling order: fractional-index strings compare by code unit (never localeCompare), ties by id. */
export function compareSiblings(a: TreeNode, b: TreeNode): number {
  const ao = a.props.order
  const bo = b.props.order
  if (ao !== bo) return ao < bo ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function deriveTree(input: Iterable<unknown>): Tree {
  const records = [...input]
  const byId = new Map<string, TreeNode>()
  const skipped: SkippedRecord[] = []
  const badParents = brokenShapeParents(records)
  for (const record of records) {
    if (!isNodeShapeRecord(record) || typeof record.id !== 'string') continue
    const problem = nodePropsProblem(record.type, record.props) ?? badParents.get(record.id)
    if (problem) {
      skipped.push({ id: record.id, reason: problem })
      continue
    }
    byId.set(record.id, {
      id: record.id,
      kind: record.type,
      props: { ...record.props, ...('evidence' in record.props ? { evidence: [...record.props.evidence] } : {}) },
      parentId: null,
      children: [],
      x: Number.isFinite(record.x) ? (record.x as number) : 0,
      y: Number.isFinite(record.y) ? (record.y as number) : 0,
    })
  }

  // 1. Decide which stored edges are acceptable on their own.
  const parentOf = new Map<string, string>()
  for (const node of byId.values()) {
    const ref = node.props.parentNode
    const parent = ref ? byId.get(ref) : undefined
    if (!ref || !parent || ref === node.id) {
      // A kind that may be a root (an outcome) is simply a root; anything else has lost its parent.
      if (!canBeChildOf(node.kind, null)) node.detachedReason = ref && ref !== node.id ? 'unknown-parent' : 'missing-parent'
      if (ref === node.id) node.detachedReason = 'cycle'
      continue
    }
    if (!canBeChildOf(node.kind, parent.kind)) {
      node.detachedReason = 'disallowed-parent'
      continue
    }
    parentOf.set(node.id, parent.id)
  }

  // 2. Break cycles: every node on a loop of parent links is detached (walks are iterative, never recursive).
  const state = new Map<string, 1 | 2>() // 1 = on the current walk, 2 = settled
  for (const start of byId.keys()) {
    if (state.has(start)) continue
    const walk: string[] = []
    let at: string | undefined = start
    while (at !== undefined && !state.has(at)) {
      state.set(at, 1)
      walk.push(at)
      at = parentOf.get(at)
    }
    if (at !== undefined && state.get(at) === 1) {
      for (let i = walk.indexOf(at); i < walk.length; i++) {
        byId.get(walk[i])!.detachedReason = 'cycle'
        parentOf.delete(walk[i])
      }
    }
    for (const id of walk) state.set(id, 2)
  }

  // 3. Link children and sort every sibling list.
  const roots: TreeNode[] = []
  const detached: TreeNode[] = []
  for (const node of byId.values()) {
    const parentId = parentOf.get(node.id)
    if (parentId) {
      node.parentId = parentId
      byId.get(parentId)!.children.push(node)
    } else if (node.detachedReason) {
      detached.push(node)
    } else {
      roots.push(node)
    }
  }
  for (const node of byId.values()) node.children.sort(compareSiblings)
  roots.sort(compareSiblings)
  detached.sort(compareSiblings)

  // 4. Cap the depth: every node is reachable from one root now (no cycles left), so one breadth-first
  // pass finds each node's level; everything below MAX_TREE_DEPTH is cut off and reported.
  let level = [...roots, ...detached]
  for (let depth = 1; level.length; depth++) {
    const next: TreeNode[] = []
    for (const node of level) {
      if (depth < MAX_TREE_DEPTH) next.push(...node.children)
      else if (node.children.length) {
        const stack = [...node.children]
        node.children = []
        while (stack.length) {
          const cut = stack.pop()!
          byId.delete(cut.id)
          skipped.push({ id: cut.id, reason: `deeper than ${MAX_TREE_DEPTH} levels` })
          stack.push(...cut.children)
        }
      }
    }
    level = next
  }
  skipped.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { roots: [...roots, ...detached], byId, detached, skipped }
}

/** The nodes from a root down to `id` (inclusive); [] when the id is not in the tree. */
export function pathTo(tree: Tree, id: string): TreeNode[] {
  const path: TreeNode[] = []
  let node = tree.byId.get(id)
  while (node) {
    path.push(node)
    node = node.parentId ? tree.byId.get(node.parentId) : undefined
  }
  return path.reverse()
}

/** `id` and all its descendants in pre-order; [] when the id is not in the tree. */
export function subtreeIds(tree: Tree, id: string): string[] {
  const start = tree.byId.get(id)
  if (!start) return []
  const out: string[] = []
  const stack: TreeNode[] = [start]
  while (stack.length) {
    const node = stack.pop()!
    out.push(node.id)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i])
  }
  return out
}

/** Every node in pre-order, roots in tree.roots order. */
export function walkTree(tree: Tree): TreeNode[] {
  return tree.roots.flatMap((root) => subtreeIds(tree, root.id).map((id) => tree.byId.get(id)!))
}

export type ReparentCheck = { ok: true } | { ok: false; reason: string }

/** Whether `nodeId` may move under `newParentId` (null = become a root). */
export function checkReparent(tree: Tree, nodeId: string, newParentId: string | null): ReparentCheck {
  const node = tree.byId.get(nodeId)
  if (!node) return { ok: false, reason: 'That node no longer exists' }
  if (newParentId === null) {
    return canBeChildOf(node.kind, null) ? { ok: true } : { ok: false, reason: placementRule(node.kind) }
  }
  if (newParentId === nodeId) return { ok: false, reason: 'A node cannot move under itself' }
  const parent = tree.byId.get(newParentId)
  if (!parent) return { ok: false, reason: 'The new parent no longer exists' }
  // Walk up from the new parent: meeting the node means the move would close a loop.
  for (let at: string | null = parent.parentId; at; at = tree.byId.get(at)?.parentId ?? null) {
    if (at === nodeId) return { ok: false, reason: 'A node cannot move under its own descendant' }
  }
  if (!canBeChildOf(node.kind, parent.kind)) return { ok: false, reason: placementRule(node.kind) }
  return { ok: true }
}
