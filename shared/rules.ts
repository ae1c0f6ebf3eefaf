// Where a node may sit in the tree (DESIGN.md: outcome → opportunity; opportunity → opportunity | solution;
// solution → assumption). Used to refuse bad moves up front with a message a person can act on.

import { ALLOWED_PARENTS, NODE_KINDS } from './model'
import type { NodeKind } from './model'
import type { Tree } from './tree'

export function canBeChildOf(childKind: NodeKind, parentKind: NodeKind | null): boolean {
  return (ALLOWED_PARENTS[childKind] ?? []).includes(parentKind)
}

/** Kinds that may sit directly under `kind`. */
export function allowedChildKinds(kind: NodeKind): NodeKind[] {
  return NODE_KINDS.filter((child) => canBeChildOf(child, kind))
}

const PLACEMENT_RULE: Record<NodeKind, string> = {
  outcome: 'An outcome sits at the root of the tree',
  opportunity: 'An opportunity can only sit under an outcome or another opportunity',
  solution: 'A solution can only sit under an opportunity',
  assumption: 'An assumption can only sit under a solution',
}

/** The human rule for where `kind` may sit, e.g. "A solution can only sit under an opportunity". */
export function placementRule(kind: NodeKind): string {
  return PLACEMENT_RULE[kind]
}

export type ReparentCheck = { ok: true } | { ok: false; reason: string }

/** Whether `nodeId` may move under `newParentId` (null = become a root). */
export function checkReparent(tree: Tree, nodeId: string, newParentId: string | null): ReparentCheck {
  const node = tree.byId.get(nodeId)
  if (!node) return { ok: false, reason: 'That node no longer exists' }
  if (newParentId === null) {
    return canBeChildOf(node.kind, null) ? { ok: true } : { ok: false, reason: PLACEMENT_RULE[node.kind] }
  }
  if (newParentId === nodeId) return { ok: false, reason: 'A node cannot move under itself' }
  const parent = tree.byId.get(newParentId)
  if (!parent) return { ok: false, reason: 'The new parent no longer exists' }
  // Walk up from the new parent: meeting the node means the move would close a loop.
  for (let at: string | null = parent.parentId; at; at = tree.byId.get(at)?.parentId ?? null) {
    if (at === nodeId) return { ok: false, reason: 'A node cannot move under its own descendant' }
  }
  if (!canBeChildOf(node.kind, parent.kind)) return { ok: false, reason: PLACEMENT_RULE[node.kind] }
  return { ok: true }
}
