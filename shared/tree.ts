// Deriving the outcome tree from the board's records. The tree edge is data on the child
// (props.parentNode + props.order), so anyone holding the records — browser or server — gets the same tree.
// Nothing disappears: a node whose edge is broken is "detached" and shown as a root so people can fix it.

import { isNodeShapeRecord } from './model'
import type { AnyNodeProps, JsonRecord, NodeKind } from './model'
import { normalizeNodeProps } from './records'
import { canBeChildOf } from './rules'

export type DetachedReason = 'missing-parent' | 'unknown-parent' | 'disallowed-parent' | 'cycle'

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
}

/** Sibling order: fractional-index strings compare by code unit (never localeCompare), ties by id. */
export function compareSiblings(a: TreeNode, b: TreeNode): number {
  const ao = a.props.order
  const bo = b.props.order
  if (ao !== bo) return ao < bo ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function deriveTree(records: Iterable<JsonRecord>): Tree {
  const byId = new Map<string, TreeNode>()
  for (const record of records) {
    if (!isNodeShapeRecord(record)) continue
    const props = normalizeNodeProps(record.type, record.props)
    // Records come from other clients: coerce the two edge fields so a bad value cannot break sorting.
    props.parentNode = typeof props.parentNode === 'string' ? props.parentNode : ''
    props.order = typeof props.order === 'string' ? props.order : 'a0'
    byId.set(record.id, {
      id: record.id,
      kind: record.type,
      props,
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
  return { roots: [...roots, ...detached], byId, detached }
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
