// How each node kind is named and marked wherever a card, a row or a menu shows it.

import type { NodeKind } from '../../shared/model'

export const KIND_LABEL: Record<NodeKind, string> = {
  outcome: 'Outcome',
  opportunity: 'Opportunity',
  solution: 'Solution',
  assumption: 'Assumption',
}

export const KIND_ICON: Record<NodeKind, string> = {
  outcome: '◎',
  opportunity: '◆',
  solution: '▲',
  assumption: '■',
}
