// Boards made before layout 2 (shared/record-layout.ts) are converted on their first load, and edits that
// still arrive in layout 1 (a browser coming back with an older copy of the board) are carried into layout 2
// field by field, so an offline edit to one field does not overwrite fields others changed meanwhile.
import * as Y from 'yjs'
import type { JsonRecord } from '../shared/model'
import { carryFields, convertToLayout2, readRecord, readRecordsV1, recordsRoot, recordsV1, writeRecord } from '../shared/record-layout'

/** The client id the conversion writes with. Two processes that load the same layout-1 board at once convert
 *  the same stored state, so with one client id they write the very same items, which Yjs merges as one;
 *  with their own ids each would write its own map per record, and edits made on the losing map would go. */
const CONVERSION_CLIENT_ID = 0x4f420002

/** Converts a layout-1 document in place, in one transaction with `origin`. Returns the update it made and
 *  the layout-1 records it converted (kept as the base later layout-1 edits are compared with), or null when
 *  the document is not in layout 1. */
export function convertLayout(doc: Y.Doc, origin: unknown): { update: Uint8Array; records: JsonRecord[] } | null {
  const records = readRecordsV1(doc)
  if (records.size === 0 && recordsV1(doc).length === 0) return null
  const before = Y.encodeStateVector(doc)
  const ownId = doc.clientID
  doc.clientID = CONVERSION_CLIENT_ID
  try {
    doc.transact(() => convertToLayout2(doc), origin)
  } finally {
    doc.clientID = ownId
  }
  return { update: Y.encodeStateAsUpdate(doc, before), records: [...records.values()] }
}

/** Records a layout-1 writer may carry: what people make on the canvas. Code from before layout 2 that opens
 *  a converted board sees no records and writes an empty board's document and page records, whose defaults
 *  must not overwrite the board's own. */
const CARRIED_TYPES = new Set(['shape', 'binding', 'asset'])

/** Carries the layout-1 entries a client sent into layout 2, then deletes them (call inside a server
 *  change). Each record (of CARRIED_TYPES): the fields where the client's copy differs from `base` (the board as it was when
 *  converted) are written onto the present record. A record deleted since stays deleted; a record new to
 *  the board is added whole. Without a base, the client's copy is written whole, as layout 1 did. A carried
 *  record that would break the board (`problem`: the write guard's rules, given every record carried so far
 *  with it) is left out, and so is what the writer put under it (its cards, shapes and bindings): the rest of
 *  the writer's edits still arrive. Returns the ids carried. */
export function carryLegacyEntries(
  doc: Y.Doc,
  base: ReadonlyMap<string, JsonRecord> | null,
  problem: (records: ReadonlyMap<string, JsonRecord>, key: string) => string | null,
): string[] {
  const entries = readRecordsV1(doc)
  const array = recordsV1(doc)
  if (array.length === 0) return []
  const root = recordsRoot(doc)
  const carried = new Map<string, JsonRecord>()
  const leftOut = new Set<string>()
  for (const [key, edited] of entries) {
    if (!CARRIED_TYPES.has(String(edited.typeName))) continue
    const present = readRecord(doc, key)
    const was = base?.get(key)
    let next: JsonRecord
    if (present) next = was ? carryFields(present, was, edited) : edited
    else if (was) continue // deleted since the writer took it
    else next = edited
    carried.set(key, next)
    if (problem(carried, key)) {
      carried.delete(key)
      leftOut.add(key)
    }
  }
  for (let again = leftOut.size > 0; again; ) {
    again = false
    for (const [key, record] of carried) {
      if (!refersTo(record, leftOut)) continue
      carried.delete(key)
      leftOut.add(key)
      again = true
    }
  }
  for (const record of carried.values()) writeRecord(root, record)
  array.delete(0, array.length)
  return [...carried.keys()]
}

/** Whether a record hangs under one of `ids`: its tldraw parent, its tree parent or a shape it binds. */
function refersTo(record: JsonRecord, ids: ReadonlySet<string>): boolean {
  const treeParent = (record.props as { parentNode?: unknown } | undefined)?.parentNode
  return [record.parentId, record.fromId, record.toId, treeParent].some((id) => typeof id === 'string' && ids.has(id))
}
