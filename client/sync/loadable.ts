// What of the document the tldraw store can hold: the schema its records were written with, migrating them from
// it, and validating each one, so that a bad record is skipped alone instead of hiding the board.

import type { SerializedSchema, TLRecord, TLStore } from '@tldraw/tldraw'
import type * as Y from 'yjs'
import { brokenShapeParents } from '../../shared/tree'
import type { SkippedRecord } from '../../shared/tree'

/** The schema the document's records were written with (`meta.schema`), as far as we can migrate from it. */
export class DocSchema {
  /** The last schema read that we can migrate from. */
  private current: SerializedSchema | null = null
  /** False when the document's schema cannot be migrated from (not a schema, or from a newer app):
   *  its records are then read as if written with ours, and each one that does not validate is skipped. */
  private usable = true
  private readonly ours: string

  constructor(
    private readonly meta: Y.Map<unknown>,
    private readonly store: TLStore,
  ) {
    this.ours = JSON.stringify(store.schema.serialize())
  }

  /** Reads `meta.schema` again; one we cannot migrate from is reported and the last usable one kept. */
  read(skipped: SkippedRecord[]) {
    this.current = this.readSchema(skipped) ?? this.current
  }

  /** The schema to migrate the document's records from; null when they are read as written with ours. */
  foreign(): SerializedSchema | null {
    return this.usable && this.current && JSON.stringify(this.current) !== this.ours ? this.current : null
  }

  /** The document now states our schema (its records were rewritten as migrated). */
  adoptOurs() {
    this.current = this.store.schema.serialize()
  }

  /** The document's schema if it is one we can migrate from; else null, reported, and records are read
   *  as if written with our schema (per-record validation still skips what does not fit). */
  private readSchema(skipped: SkippedRecord[]): SerializedSchema | null {
    const raw = this.meta.get('schema')
    if (raw === undefined || raw === null) return null
    let usable = false
    try {
      usable = isSchemaLike(raw) && this.store.schema.getMigrationsSince(raw as SerializedSchema).ok
    } catch {
      usable = false
    }
    this.usable = usable
    if (usable) return raw as SerializedSchema
    skipped.push({
      id: 'meta.schema',
      reason: isSchemaLike(raw) ? 'saved by a newer or unknown version of the app' : 'the board’s schema is unreadable',
    })
    return null
  }
}

/** Migrates the document's records to our schema from `from` (none: they are ours already): all at once, or
 *  one by one if that fails. */
export function migrateAll(store: TLStore, fromDoc: Record<string, TLRecord>, from: SerializedSchema | null, skipped: SkippedRecord[]): Record<string, TLRecord> {
  if (!from) return fromDoc
  try {
    const all = store.schema.migrateStoreSnapshot({ store: fromDoc, schema: from } as never)
    if (all.type === 'success') return all.value as Record<string, TLRecord>
  } catch {
    // fall through to one record at a time
  }
  const out: Record<string, TLRecord> = {}
  for (const [id, record] of Object.entries(fromDoc)) {
    try {
      const migrated = migrateRecord(store, id, record, from, skipped)
      if (migrated) out[id] = migrated
    } catch (error) {
      skipped.push({ id, reason: reasonOf(error) })
    }
  }
  return out
}

/** One record migrated to our schema from `from`; null, and reported, when tldraw has no way there. */
export function migrateRecord(store: TLStore, id: string, record: TLRecord, from: SerializedSchema, skipped: SkippedRecord[]): TLRecord | null {
  const result = store.schema.migratePersistedRecord(record, from)
  if (result.type === 'success') return result.value as TLRecord
  skipped.push({ id, reason: `could not be migrated (${result.reason})` })
  return null
}

/**
 * The records tldraw can hold: each passes the store's validation, and every shape's parent chain ends at
 * a page (tldraw walks it without a bound: a loop hangs the tab). With `live`, the chain may run through
 * records already in the store. The rest go to `skipped`.
 */
export function loadable(store: TLStore, records: TLRecord[], skipped: SkippedRecord[], live = false): TLRecord[] {
  const valid: TLRecord[] = []
  for (const record of records) {
    try {
      store.schema.validateRecord(store, record, 'initialize', null)
      valid.push(record)
    } catch (error) {
      skipped.push({ id: record.id, reason: reasonOf(error) })
    }
  }
  // Most remote changes touch shapes straight on a page: nothing to walk then.
  const walk = !live || valid.some((r) => r.typeName === 'shape' && !String((r as { parentId?: unknown }).parentId).startsWith('page:'))
  let broken = new Map<string, string>()
  if (walk) {
    const byId = new Map<string, unknown>()
    if (live) for (const r of store.allRecords()) byId.set(r.id, r)
    for (const r of valid) byId.set(r.id, r)
    const pageIds = new Set<string>()
    for (const r of byId.values()) if ((r as TLRecord).typeName === 'page') pageIds.add((r as TLRecord).id)
    broken = brokenShapeParents(byId.values(), { pageIds })
  }
  const out: TLRecord[] = []
  const ids = new Set<string>()
  for (const record of valid) {
    const reason = broken.get(record.id)
    if (reason) skipped.push({ id: record.id, reason })
    else {
      out.push(record)
      ids.add(record.id)
    }
  }
  // A binding (an arrow's end) to a skipped shape would point at nothing.
  return out.filter((r) => {
    if (r.typeName !== 'binding') return true
    const b = r as unknown as { fromId: string; toId: string }
    const ok = [b.fromId, b.toId].every((id) => ids.has(id) || (live && store.has(id as TLRecord['id']) && !broken.has(id)))
    if (!ok) skipped.push({ id: r.id, reason: 'it binds a shape that was skipped' })
    return ok
  })
}

/** Puts records into the store one by one, skipping each it refuses (after putting them all at once failed). */
export function putEach(store: TLStore, records: readonly TLRecord[], skipped: SkippedRecord[]) {
  for (const record of records) {
    try {
      store.put([record])
    } catch (error) {
      skipped.push({ id: record.id, reason: reasonOf(error) })
    }
  }
}

/** A value that can be offered to tldraw as a record at all: an object with its key as id and a type name. */
export function isRecordLike(value: unknown, key: string): value is TLRecord {
  const r = value as { id?: unknown; typeName?: unknown } | null
  return !!r && typeof r === 'object' && !Array.isArray(r) && r.id === key && typeof r.typeName === 'string'
}

function isSchemaLike(value: unknown): boolean {
  const v = value as { schemaVersion?: unknown; sequences?: unknown; recordVersions?: unknown } | null
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false
  if (v.schemaVersion === 2) {
    return !!v.sequences && typeof v.sequences === 'object' && Object.values(v.sequences).every((n) => typeof n === 'number' && Number.isInteger(n))
  }
  return v.schemaVersion === 1 && !!v.recordVersions && typeof v.recordVersions === 'object'
}

/** The first line of a validation error, short enough for a notice. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0].slice(0, 160) || 'invalid record'
}
