// The outline's row model: the tree flattened into the rows a reader sees (a collapsed row hides its
// subtree), and when two rows show the same thing, so a memoised row skips re-rendering.

import type { TreeNode } from '../../shared/tree'
import { samePropsShallow } from '../editor/state'

export interface Row {
  node: TreeNode
  depth: number
  hasChildren: boolean
}

export function visibleRows(roots: TreeNode[], closed: Set<string>): Row[] {
  const rows: Row[] = []
  const visit = (node: TreeNode, depth: number) => {
    rows.push({ node, depth, hasChildren: node.children.length > 0 })
    if (!closed.has(node.id)) for (const child of node.children) visit(child, depth + 1)
  }
  for (const root of roots) visit(root, 0)
  return rows
}

/** Every derivation makes new node objects; this compares what a row shows (props' arrays item by item). */
export function sameRowNode(a: Row, b: Row): boolean {
  if (a === b) return true
  if (a.depth !== b.depth || a.hasChildren !== b.hasChildren) return false
  const x = a.node
  const y = b.node
  if (x.id !== y.id || x.kind !== y.kind || x.detachedReason !== y.detachedReason || x.parentId !== y.parentId) return false
  return samePropsShallow(x.props as unknown as Record<string, unknown>, y.props as unknown as Record<string, unknown>)
}
