// Where a node may sit in the tree (the method: outcome → opportunity; opportunity → opportunity | solution;
// solution → assumption). Used to refuse bad moves up front with a message a person can act on.

import { ALLOWED_PARENTS, NODE_KINDS } from './model'
import type { NodeKind } from './model'

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
