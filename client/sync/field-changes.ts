// What a remote Yjs transaction did to the board's records (layout 2, shared/record-layout.ts): which records
// it touched, and which of this client's field values it replaced without having seen them (a same-field
// conflict). Plain Yjs, no tldraw, so it is unit-tested on bare documents (tests/unit/field-changes.test.ts).
//
// How a conflict shows in Yjs: every write of a map key is an item whose `origin` is the item it was written
// over (the key's live item when the writer wrote it). The live item is the rightmost; those left of it are
// deleted. When a transaction deletes an item of ours and the item written just after ours has another origin,
// its writer wrote over an older value: they had not seen ours, and ours lost.

import * as Y from 'yjs'
import type { RecordFields } from '../../shared/record-layout'

// What observeDeep hands its callback.
type Events = readonly Y.YEvent<any>[]

/** One of our field values that a concurrent write replaced. */
export interface LostField {
  recordId: string
  /** The key in the record's `props` map. */
  key: string
  /** The value we had written. */
  mine: unknown
  /** The value that replaced it. */
  theirs: unknown
}

/** The ids of the records an `observeDeep` batch on the records root touched: a key of the root itself, or
 *  anything inside a record's map (its fields, its props or meta maps). */
export function touchedRecordIds(root: Y.Map<RecordFields>, events: Events): Set<string> {
  const ids = new Set<string>()
  for (const event of events) {
    if (event.target === root) {
      for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key)
      continue
    }
    const id = recordIdOf(root, event.target)
    if (id !== null) ids.add(id)
  }
  return ids
}

/** The id of the record whose map holds `type` (or is it), or null when `type` is not under `root`. */
function recordIdOf(root: Y.Map<RecordFields>, type: Y.AbstractType<unknown>): string | null {
  let current: Y.AbstractType<unknown> = type
  for (let depth = 0; depth < 32; depth++) {
    const item = current._item
    if (!item || !(item.parent instanceof Y.AbstractType)) return null
    if (item.parent === (root as Y.AbstractType<unknown>)) return item.parentSub
    current = item.parent as Y.AbstractType<unknown>
  }
  return null
}

/**
 * Our `props` values that this (remote) transaction replaced with a write made without seeing them.
 * `isMine` tells this client's ids (the document's clientID, and earlier ones of this device); `wanted`
 * limits the check to some records and keys (cards' text and scores, not positions).
 */
export function lostFields(
  root: Y.Map<RecordFields>,
  events: Events,
  transaction: Y.Transaction,
  isMine: (client: number) => boolean,
  wanted: (record: Y.Map<unknown>, key: string) => boolean = () => true,
): LostField[] {
  const out: LostField[] = []
  for (const event of events) {
    const props = event.target
    if (!(props instanceof Y.Map) || props._item?.parentSub !== 'props') continue
    const record = props._item.parent
    if (!(record instanceof Y.Map) || record._item?.parent !== root || typeof record._item.parentSub !== 'string') continue
    for (const key of (event as Y.YMapEvent<unknown>).keysChanged) {
      if (!wanted(record, key)) continue
      const live = props._map.get(key)
      if (!live || live.deleted) continue
      // Everything right of our item was written in this transaction, and everything it passes is deleted
      // in it: walk left over those only.
      let after: Y.Item = live
      let left = live.left
      while (left && Y.isDeleted(transaction.deleteSet, left.id)) {
        if (isMine(left.id.client)) {
          const seen = after.origin !== null && Y.compareIDs(after.origin, left.id)
          if (!seen) out.push({ recordId: record._item.parentSub, key, mine: lastValue(left), theirs: lastValue(live) })
          break
        }
        after = left
        left = left.left
      }
    }
  }
  return out
}

function lastValue(item: Y.Item): unknown {
  const content = item.content.getContent()
  const value = content[content.length - 1]
  return value instanceof Y.AbstractType ? value.toJSON() : value
}
