// How the cards of a version differ from the board now, for the compare view: shared/version-diff.ts's
// diffRecords (the same comparison the server summarises versions with), kept to tree cards and given each
// card's kind and its record then and now, to mark and label it. Where a card sits on the canvas (x/y, its
// size) is the tidy layout's doing, not anyone's edit: a card the layout only shifted is not marked.

import { isNodeShapeRecord } from '../../shared/model'
import type { JsonRecord, NodeKind, NodeShapeRecord } from '../../shared/model'
import { diffRecords } from '../../shared/version-diff'
import type { CardChange } from '../../shared/versions'

export type { CardChange }

export interface CardDiff {
  id: string
  kind: NodeKind
  /** The title now, or then for a card removed since. */
  title: string
  /** ['added'] (here now, not then), ['removed'] (there then, not now), or what changed on a card in both. */
  changes: CardChange[]
  then?: NodeShapeRecord
  now?: NodeShapeRecord
}

function cards(records: Iterable<unknown>): Map<string, NodeShapeRecord> {
  const out = new Map<string, NodeShapeRecord>()
  for (const r of records) if (isNodeShapeRecord(r)) out.set(r.id, r)
  return out
}

/** The card without its place on the canvas. */
function withoutLayout(cards: Map<string, NodeShapeRecord>): Map<string, JsonRecord> {
  const out = new Map<string, JsonRecord>()
  for (const [id, r] of cards) out.set(id, { ...r, x: 0, y: 0, props: { ...r.props, w: 0, h: 0 } })
  return out
}

/** Every card that differs between `then` (a version's records) and `now`, keyed by id. */
export function diffCards(then: Iterable<unknown>, now: Iterable<unknown>): Map<string, CardDiff> {
  const before = cards(then)
  const after = cards(now)
  const out = new Map<string, CardDiff>()
  for (const d of diffRecords(withoutLayout(before), withoutLayout(after))) {
    if (!d.card || !d.changes.length) continue
    const was = before.get(d.id)
    const is = after.get(d.id)
    const kind = (is ?? was)!.type
    out.set(d.id, { id: d.id, kind, title: d.title, changes: d.changes, then: was, now: is })
  }
  return out
}

export const CHANGE_LABEL: Record<CardChange, string> = {
  added: 'Added since',
  removed: 'Removed since',
  renamed: 'Renamed',
  moved: 'Moved',
  rescored: 'Rescored',
  edited: 'Edited',
}

/** The tone a card is highlighted in: added, removed, or changed. */
export function changeTone(d: CardDiff): 'added' | 'removed' | 'changed' {
  return d.changes[0] === 'added' ? 'added' : d.changes[0] === 'removed' ? 'removed' : 'changed'
}

/** "Added since", "Removed since", "Changed: renamed, rescored". */
export function changeText(d: CardDiff): string {
  const tone = changeTone(d)
  if (tone !== 'changed') return CHANGE_LABEL[d.changes[0]]
  return `Changed: ${d.changes.map((c) => CHANGE_LABEL[c].toLowerCase()).join(', ')}`
}
