// Where tldraw records live in a board's Yjs document, and how they are read and written
// (docs/architecture.md, "The document"). Layout 2: the root Y.Map `records` maps a record id to a Y.Map of the record's top-level fields;
// `props` and `meta` are nested Y.Maps with one entry per key; anything deeper is plain JSON replaced whole.
// So two people changing different fields of one card both keep their change, and the same field gets one
// winner (Yjs's rule for a map key), the same everywhere. Layout 1, what boards made before hold: YKeyValue
// entries `{key, val}` (whole records) in the Y.Array `tl_records`; it is read here to convert it.
// Server and client share these functions, so both read and write a record the same way.
import * as Y from 'yjs'
import { YDOC_META, YDOC_RECORDS, YDOC_RECORDS_V1, type JsonRecord } from './model'
import type { SkippedRecord } from './tree'
import { jsonEqual } from './version-diff'

export { YDOC_RECORDS, YDOC_RECORDS_V1 }

/** The layout this code reads and writes; the server states it in `meta.layout`. */
export const LAYOUT = 2
/** Fields held as nested Y.Maps, one entry per key. */
export const NESTED_FIELDS: ReadonlySet<string> = new Set(['props', 'meta'])

export type RecordFields = Y.Map<unknown>
type Entry = { key: string; val: JsonRecord }

export const recordsRoot = (doc: Y.Doc): Y.Map<RecordFields> => doc.getMap<RecordFields>(YDOC_RECORDS)
export const recordsV1 = (doc: Y.Doc): Y.Array<Entry> => doc.getArray<Entry>(YDOC_RECORDS_V1)

/** The layout a document holds: `meta.layout`, else 1 when it has layout-1 entries, else 0 (empty). */
export function layoutOf(doc: Y.Doc): number {
  const stated = doc.getMap(YDOC_META).get('layout')
  if (typeof stated === 'number') return stated
  if (recordsRoot(doc).size > 0) return LAYOUT
  return recordsV1(doc).length > 0 ? 1 : 0
}

/** A record's plain JSON from its Y.Map, or null when the value is not a record's map. */
export function readRecordFields(value: unknown): JsonRecord | null {
  if (!(value instanceof Y.Map)) return null
  const out: Record<string, unknown> = {}
  value.forEach((field, key) => {
    out[key] = plain(field)
  })
  return out as JsonRecord
}

/** Every record of a layout-2 document, keyed by id. What is not a record (a value that is not a map, a
 *  map whose id or type name is missing or wrong) is left out and listed in `skipped` when one is given. */
export function readRecords(doc: Y.Doc, skipped?: SkippedRecord[]): Map<string, JsonRecord> {
  const records = new Map<string, JsonRecord>()
  recordsRoot(doc).forEach((value, key) => {
    const record = readRecordFields(value)
    if (record && record.id === key && typeof record.typeName === 'string') records.set(key, record)
    else skipped?.push({ id: key, reason: 'not a record' })
  })
  return records
}

/** The record stored under `id`, or undefined. */
export function readRecord(doc: Y.Doc, id: string): JsonRecord | undefined {
  const record = readRecordFields(recordsRoot(doc).get(id))
  return record && record.id === id ? record : undefined
}

/** Writes a record: a new map when it is not there, else only the fields that differ. With `previous` (the
 *  record as the writer last saw it), only the fields that differ from it are written, so a field someone
 *  else changed meanwhile is left as they left it. Call inside a transaction. */
export function writeRecord(root: Y.Map<RecordFields>, record: JsonRecord, previous?: JsonRecord): void {
  const fields = root.get(record.id)
  if (!(fields instanceof Y.Map)) {
    root.set(record.id, recordToFields(record))
    return
  }
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue
    const before = previous ? previous[key] : fields.get(key)
    if (NESTED_FIELDS.has(key) && isPlainObject(value)) {
      const nested = fields.get(key)
      if (!(nested instanceof Y.Map)) fields.set(key, nestedMap(value))
      else writeEntries(nested, value, previous && isPlainObject(before) ? before : undefined)
    } else if (previous ? !jsonEqual(before, value) : !jsonEqual(plain(before), value)) {
      fields.set(key, value)
    }
  }
  deleteDropped(fields, record, previous)
}

export function deleteRecord(root: Y.Map<RecordFields>, id: string): void {
  if (root.has(id)) root.delete(id)
}

/** A new Y.Map holding a whole record. */
export function recordToFields(record: JsonRecord): RecordFields {
  const fields = new Y.Map<unknown>()
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue
    fields.set(key, NESTED_FIELDS.has(key) && isPlainObject(value) ? nestedMap(value) : value)
  }
  return fields
}

function nestedMap(value: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  for (const [key, v] of Object.entries(value)) if (v !== undefined) map.set(key, v)
  return map
}

function writeEntries(map: Y.Map<unknown>, value: Record<string, unknown>, previous?: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue
    if (previous ? !jsonEqual(previous[key], v) : !jsonEqual(plain(map.get(key)), v)) map.set(key, v)
  }
  deleteDropped(map, value, previous)
}

/** Deletes the keys `value` no longer has; with `previous`, only those the writer had and dropped. */
function deleteDropped(map: Y.Map<unknown>, value: Record<string, unknown>, previous?: Record<string, unknown>): void {
  for (const key of [...map.keys()]) {
    if (value[key] !== undefined) continue
    if (!previous || previous[key] !== undefined) map.delete(key)
  }
}

/** Layout-1 records (`tl_records`, the rightmost entry for a key wins, as in y-utility's YKeyValue). Entries
 *  that are not records are left out and listed in `skipped`. */
export function readRecordsV1(doc: Y.Doc, skipped?: SkippedRecord[]): Map<string, JsonRecord> {
  const records = new Map<string, JsonRecord>()
  const bad = new Map<string, SkippedRecord>()
  const keyless: SkippedRecord[] = []
  for (const entry of recordsV1(doc).toArray() as unknown[]) {
    const e = entry as Partial<Entry> | null
    const key = e && typeof e === 'object' && typeof e.key === 'string' ? e.key : null
    const val = e && typeof e === 'object' ? e.val : undefined
    if (key !== null && isPlainObject(val) && typeof val.id === 'string') {
      records.set(key, val as JsonRecord)
      bad.delete(key)
    } else if (key !== null) {
      records.delete(key)
      bad.set(key, { id: key, reason: 'not a record' })
    } else {
      keyless.push({ id: '', reason: 'an entry with no record id' })
    }
  }
  skipped?.push(...bad.values(), ...keyless)
  return records
}

/** Converts a layout-1 document to layout 2 in place (call inside a transaction): every layout-1 record is
 *  written to `records` (a record already there is left as it is), the layout-1 entries are deleted, and
 *  `meta.layout` says 2. Returns the layout-1 records it read. */
export function convertToLayout2(doc: Y.Doc): Map<string, JsonRecord> {
  const v1 = readRecordsV1(doc)
  const root = recordsRoot(doc)
  for (const record of v1.values()) if (!root.has(record.id)) root.set(record.id, recordToFields(record))
  const array = recordsV1(doc)
  if (array.length) array.delete(0, array.length)
  doc.getMap(YDOC_META).set('layout', LAYOUT)
  return v1
}

/** A record with a layout-1 writer's changes carried onto the present one field by field: the fields (and
 *  props/meta keys) where `edited` differs from `base`, the record as it was when the writer took it. */
export function carryFields(present: JsonRecord, base: JsonRecord, edited: JsonRecord): JsonRecord {
  const out: Record<string, unknown> = { ...present }
  for (const key of new Set([...Object.keys(base), ...Object.keys(edited)])) {
    const b = base[key]
    const e = edited[key]
    if (NESTED_FIELDS.has(key) && isPlainObject(b) && isPlainObject(e) && isPlainObject(present[key])) {
      const nested: Record<string, unknown> = { ...(present[key] as Record<string, unknown>) }
      for (const k of new Set([...Object.keys(b), ...Object.keys(e)])) {
        if (jsonEqual(b[k], e[k])) continue
        if (e[k] === undefined) delete nested[k]
        else nested[k] = e[k]
      }
      out[key] = nested
    } else if (!jsonEqual(b, e)) {
      if (e === undefined) delete out[key]
      else out[key] = e
    }
  }
  return out as JsonRecord
}

const plain = (value: unknown): unknown => (value instanceof Y.AbstractType ? value.toJSON() : value)

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Y.AbstractType)
}
