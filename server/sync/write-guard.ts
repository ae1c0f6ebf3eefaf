// Checks every client write to a board's document before it is stored or relayed, and undoes one that breaks
// the board (docs/architecture.md, "The life of an edit"). The room applies a client's update inside a
// transaction, asks `check` what the transaction did, and on a refusal calls `revert` in the same transaction:
// what the doc then emits holds the client's structs already deleted (garbage-collected, so their content is
// never stored or relayed) plus the server's counter-edit restoring what they deleted. The sender gets that
// too, so its replica is back in line and does not re-send the change.
//
// Rules (layout 2, shared/record-layout.ts: `records` maps a record id to a Y.Map of its fields, `props` and
// `meta` nested Y.Maps, anything deeper plain JSON):
// - clients write only under `records`: a record's map, its fields, and props/meta entries, nothing nested
//   deeper; `meta` and `board` are the server's (the one exception: `meta.schema` set to exactly the schema
//   this server serves, as a client seeding an empty board does). Layout-1 entries in `tl_records` (a client
//   with an older copy of the board) are accepted when each is a valid record: the room carries them into
//   `records` field by field (layout-carry.ts);
// - each record written is valid for its type by tldraw's own validators (shared/tldraw/board-schema.ts), of
//   a type that is stored with the document, with its id as key;
// - a shape's tldraw parent is a page or an existing shape, with no cycle; a binding joins existing shapes;
// - a node's tree parent chain has no cycle and the tree stays within MAX_TREE_DEPTH;
// - a deletion leaves no record pointing at what it deleted, the document record and at least one page.
import * as Y from 'yjs'
import { DOCUMENT_ID, YDOC_BOARD, YDOC_META, YDOC_RECORDS, YDOC_RECORDS_V1, isNodeShapeRecord, type JsonRecord } from '../../shared/model'
import { NESTED_FIELDS, readRecord, readRecords, recordsRoot, writeRecord, type RecordFields } from '../../shared/record-layout'
import { MAX_TREE_DEPTH } from '../../shared/tree'
import { createBoardSchema } from '../../shared/tldraw/board-schema'
import tldrawSchema from '../../shared/tldraw-schema.json' with { type: 'json' }

type Entry = { key: string; val: JsonRecord }
type Overlay = Map<string, JsonRecord | null>
type Post = (key: string) => JsonRecord | undefined

/** How deep tldraw shapes may nest (frames and groups); far beyond what a person builds. */
export const MAX_SHAPE_NESTING = 64
/** Longest record id accepted. */
export const MAX_RECORD_ID = 256

const schema = createBoardSchema()
/** The schema this server serves, keys sorted: a browser serializes the same schema with its keys in another
 *  order (its shape utils register in their own order), and that is no difference. */
const schemaJson = canonicalJson(tldrawSchema)
const REFERENCE_FIELDS = ['parentId', 'fromId', 'toId'] as const

/** Why tldraw would refuse a record, or null when it is valid and belongs in the document. */
export function recordProblem(key: string, value: unknown): string | null {
  if (!isPlainObject(value)) return `${key}: not a record`
  const record = value as JsonRecord
  if (record.id !== key) return `${key}: id does not match its key`
  if (key.length > MAX_RECORD_ID) return `record id longer than ${MAX_RECORD_ID} characters`
  const type = (schema.types as Record<string, { scope: string; validate(r: unknown): unknown } | undefined>)[
    String(record.typeName)
  ]
  if (!type || type.scope !== 'document' || !Object.hasOwn(schema.types, String(record.typeName))) {
    return `${key}: records of type ${JSON.stringify(record.typeName)} are not stored on a board`
  }
  if (!key.startsWith(`${record.typeName}:`)) return `${key}: id must start with "${record.typeName}:"`
  try {
    type.validate(record)
  } catch (err) {
    return `${key}: ${(err as Error).message}`
  }
  return null
}

/** What an update may name before it is applied, read from its bytes: a client names only the `records`
 *  map (by record id), the layout-1 array and `meta.schema`, holds no subdocuments and no types but maps, and
 *  writes values as plain JSON. Checked before applying because names are kept even when the server undoes an
 *  edit (a deleted item keeps its parent and key), and an item's parent and key are written out in full only
 *  where they are new (elsewhere they come from its neighbour, which was checked when it came). Items inside
 *  a record's map name it by id, not by name: `check` places them once applied. Throws when the update does
 *  not decode. */
export function updateNamesProblem(update: Uint8Array): string | null {
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue
    const { parent, parentSub, content } = struct
    if (typeof parent === 'string') {
      const allowed =
        parent === YDOC_RECORDS ? parentSub !== null : parent === YDOC_META ? parentSub === 'schema' : parent === YDOC_RECORDS_V1 && parentSub === null
      if (!allowed) return "only board records may be written: the rest of the document is the server's"
    }
    if (content instanceof Y.ContentType) {
      if (!(content.type instanceof Y.Map)) return 'records hold maps of fields and plain JSON, nothing else'
    } else if (!(content instanceof Y.ContentAny) && !(content instanceof Y.ContentDeleted)) return 'records are plain JSON'
  }
  return null
}

/** Items a transaction created that are still there, and items that existed before it and it deleted. */
export function transactionDelta(doc: Y.Doc, tr: Y.Transaction): { inserted: Y.Item[]; deleted: Y.Item[] } {
  const inserted: Y.Item[] = []
  for (const [client, structs] of doc.store.clients) {
    const before = tr.beforeState.get(client) ?? 0
    const last = structs[structs.length - 1]
    if (!last || last.id.clock + last.length <= before) continue
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]
      if (struct instanceof Y.Item && !struct.deleted) inserted.push(struct)
    }
  }
  const deleted: Y.Item[] = []
  Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
    if (struct instanceof Y.Item && struct.id.clock < (tr.beforeState.get(struct.id.client) ?? 0)) deleted.push(struct)
  })
  return { inserted, deleted }
}

/** Where an item sits under `records`: the record it belongs to and how deep (0: the record's map itself,
 *  1: one of its fields, 2: an entry of its props or meta), or null when it is not under `records`. */
type Place = { key: string; level: 0 | 1 | 2 }

export class WriteGuard {
  private readonly root: Y.Map<RecordFields>
  private readonly legacy: Y.Array<Entry>
  private readonly meta: Y.Map<unknown>
  /** Every record as it is now, kept up to date by every transaction: the state a client's edit is checked
   *  against and put back to. */
  private readonly present = new Map<string, JsonRecord>()
  /** What `check` found the transaction did, for `revert` and `track` to reuse when nothing changed it since:
   *  transactionDelta visits every client of the doc, and a board keeps every client that ever wrote. */
  private checked: { tr: Y.Transaction; delta: ReturnType<typeof transactionDelta> } | null = null
  /** Layout-1 entries arrived since `takeLegacy` was last asked. */
  private legacyArrived = false

  constructor(private readonly doc: Y.Doc) {
    this.root = recordsRoot(doc)
    this.legacy = doc.getArray<Entry>(YDOC_RECORDS_V1)
    this.meta = doc.getMap(YDOC_META)
    doc.getMap(YDOC_BOARD)
    for (const [key, record] of readRecords(doc)) this.present.set(key, record)
    doc.on('afterTransaction', this.track)
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.track)
  }

  /** The record stored under `key` now. */
  record(key: string): JsonRecord | undefined {
    return this.present.get(key)
  }

  /** True once after a client's accepted edit brought layout-1 entries (for the room to carry them). */
  takeLegacy(): boolean {
    const arrived = this.legacyArrived
    this.legacyArrived = false
    return arrived
  }

  /** Why the transaction (a client's update, applied and not yet committed) must be refused, or null. The
   *  transaction must not change after this, except by `revert`. */
  check(tr: Y.Transaction): string | null {
    const delta = transactionDelta(this.doc, tr)
    this.checked = { tr, delta }
    const { inserted, deleted } = delta
    const touched = new Set<string>()
    let schemaSet = false
    let legacy = false
    for (const item of inserted) {
      if (this.isSchemaWrite(item)) {
        schemaSet = true
        continue
      }
      if (item.parent === this.legacy && item.parentSub === null && item.content instanceof Y.ContentAny) {
        for (const entry of item.content.getContent() as unknown[]) {
          if (!isPlainObject(entry) || typeof (entry as Entry).key !== 'string') return 'a record entry must be {key, val}'
          const problem = recordProblem((entry as Entry).key, (entry as Entry).val)
          if (problem) return problem
        }
        legacy = true
        continue
      }
      const place = this.placeOf(item)
      if (!place) return "only board records may be written: the rest of the document is the server's"
      const problem = structureProblem(item, place)
      if (problem) return problem
      touched.add(place.key)
    }
    for (const item of deleted) {
      if (item.parent === this.meta && item.parentSub === 'schema' && schemaSet) continue
      if (item.parent === this.legacy) continue // the room deletes carried entries; a client may too
      const place = this.placeOf(item)
      if (!place) return "only board records may be deleted: the rest of the document is the server's"
      touched.add(place.key)
    }
    const overlay: Overlay = new Map()
    const removed: string[] = []
    for (const key of touched) {
      const present = this.root.has(key)
      const after = present ? readRecord(this.doc, key) : undefined
      if (present && !after) return `${key}: not a record`
      if (after) {
        const problem = recordProblem(key, after)
        if (problem) return problem
        overlay.set(key, after)
      } else {
        overlay.set(key, null)
        if (this.present.has(key)) removed.push(key)
      }
    }
    const problem = this.checkReferences(overlay, removed, (key) => {
      const record = overlay.get(key)
      return record === undefined ? this.present.get(key) : (record ?? undefined)
    })
    if (!problem && legacy) this.legacyArrived = true
    return problem
  }

  /** Why the server writing `records[key]` would break the board, by the same rules as a client's edit,
   *  with the other `records` (whole records, already found fine: layout-1 edits being carried) written
   *  too; or null. */
  recordsProblem(records: ReadonlyMap<string, JsonRecord>, key: string): string | null {
    const record = records.get(key)
    if (!record) return null
    const problem = recordProblem(key, record)
    if (problem) return problem
    const overlay: Overlay = new Map(records)
    return this.checkReferences(new Map([[key, record]]), [], (id) => overlay.get(id) ?? this.present.get(id), overlay)
  }

  /** Undoes the transaction's effect, inside it: deletes what it created and writes back every record it
   *  touched as it was. */
  revert(tr: Y.Transaction): void {
    const { inserted, deleted } = this.deltaOf(tr)
    this.checked = null // the transaction changes now
    const touched = new Set<string>()
    for (const item of [...inserted, ...deleted]) {
      const place = this.placeOf(item)
      if (place) touched.add(place.key)
    }
    for (const item of inserted) item.delete(tr)
    for (const key of touched) {
      const before = this.present.get(key)
      if (before) writeRecord(this.root, before)
      else if (this.root.has(key)) this.root.delete(key)
    }
    for (const item of deleted) {
      const parent = item.parent
      if (parent === this.root || parent === this.legacy || this.placeOf(item)) continue
      const content = item.content.getContent()
      if (parent instanceof Y.Map && item.parentSub !== null) {
        const current = parent._map.get(item.parentSub)
        if (!current || current.deleted) parent.set(item.parentSub, copyOf(content[content.length - 1]))
      } else if (parent instanceof Y.Array) {
        parent.push(content.map(copyOf))
      }
    }
  }

  /** Where an item sits under `records` (see Place). */
  private placeOf(item: Y.Item): Place | null {
    const parent = item.parent
    if (parent === this.root) return item.parentSub !== null ? { key: item.parentSub, level: 0 } : null
    const recordItem = (parent as Y.AbstractType<unknown> | null)?._item
    if (!recordItem || item.parentSub === null) return null
    if (recordItem.parent === this.root && recordItem.parentSub !== null) return { key: recordItem.parentSub, level: 1 }
    const fieldOf = (recordItem.parent as Y.AbstractType<unknown> | null)?._item
    if (fieldOf && fieldOf.parent === this.root && fieldOf.parentSub !== null && NESTED_FIELDS.has(recordItem.parentSub ?? '')) {
      return { key: fieldOf.parentSub, level: 2 }
    }
    return null
  }

  private isSchemaWrite(item: Y.Item): boolean {
    return (
      item.parent === this.meta &&
      item.parentSub === 'schema' &&
      item.content instanceof Y.ContentAny &&
      canonicalJson(item.content.getContent()[0]) === schemaJson
    )
  }

  /** Cross-record rules on the state the transaction leaves. */
  private checkReferences(overlay: Overlay, removed: string[], post: Post, written: Overlay = overlay): string | null {
    let children: Map<string, string[]> | null = null
    for (const [key, record] of overlay) {
      if (!record) continue
      if (record.typeName === 'shape') {
        const problem = this.shapeParentProblem(record, post)
        if (problem) return problem
      }
      if (record.typeName === 'binding') {
        for (const end of ['fromId', 'toId'] as const) {
          if (post(String(record[end]))?.typeName !== 'shape') return `${key}: binds a shape that does not exist`
        }
      }
      if (isNodeShapeRecord(record)) {
        const depth = treeDepth(record, post)
        if (depth === null) return `${key}: its tree parents form a cycle`
        // Levels: the node's own, those above it and, when it moved (or is new), those of its subtree.
        let levels = depth + 1
        const before = this.present.get(key) as typeof record | undefined
        if (before?.props?.parentNode !== record.props.parentNode) {
          children ??= this.treeChildren(written)
          levels += subtreeHeight(key, children)
        }
        if (levels > MAX_TREE_DEPTH) return `the tree may be at most ${MAX_TREE_DEPTH} levels deep`
      }
    }
    if (removed.length > 0) return this.removalProblem(new Set(removed), overlay)
    return null
  }

  private shapeParentProblem(record: JsonRecord, post: Post): string | null {
    const seen = new Set<string>([record.id])
    let parentId = record.parentId
    for (let depth = 0; depth <= MAX_SHAPE_NESTING; depth++) {
      const parent = typeof parentId === 'string' ? post(parentId) : undefined
      if (!parent || (parent.typeName !== 'page' && parent.typeName !== 'shape')) {
        return `${record.id}: its parent ${JSON.stringify(parentId)} is not a page or shape on the board`
      }
      if (parent.typeName === 'page') return null
      if (seen.has(parent.id)) return `${record.id}: a shape cannot be its own ancestor`
      seen.add(parent.id)
      parentId = parent.parentId
    }
    return `${record.id}: shapes may nest at most ${MAX_SHAPE_NESTING} deep`
  }

  private removalProblem(removed: Set<string>, overlay: Overlay): string | null {
    if (removed.has(DOCUMENT_ID)) return 'the document record cannot be deleted'
    let pages = 0
    for (const record of this.postRecords(overlay)) {
      if (record.typeName === 'page') pages++
      for (const field of REFERENCE_FIELDS) {
        const target = record[field]
        if (typeof target === 'string' && removed.has(target)) {
          return `${record.id} still points at ${target}: delete or move it first`
        }
      }
    }
    return pages > 0 ? null : 'a board needs at least one page'
  }

  private *postRecords(overlay: Overlay): Iterable<JsonRecord> {
    for (const [key, record] of this.present) if (!overlay.has(key)) yield record
    for (const record of overlay.values()) if (record) yield record
  }

  private treeChildren(overlay: Overlay): Map<string, string[]> {
    const children = new Map<string, string[]>()
    for (const record of this.postRecords(overlay)) {
      if (!isNodeShapeRecord(record) || !record.props.parentNode) continue
      const list = children.get(record.props.parentNode)
      if (list) list.push(record.id)
      else children.set(record.props.parentNode, [record.id])
    }
    return children
  }

  /** Keeps `present` in step with the doc after every transaction, whoever made it: the records it touched
   *  are read again. */
  private track = (tr: Y.Transaction): void => {
    this.checked = null
    const keys = new Set<string>()
    for (const [type, subs] of tr.changed) {
      if (type === (this.root as Y.AbstractType<unknown>)) {
        for (const sub of subs) if (sub !== null) keys.add(sub)
        continue
      }
      const item = type._item
      if (!item) continue
      const place = this.placeOf(item)
      if (place) keys.add(place.key)
    }
    for (const key of keys) {
      const record = readRecord(this.doc, key)
      if (record && typeof record.typeName === 'string') this.present.set(key, record)
      else this.present.delete(key)
    }
  }

  /** The transaction's delta: the one `check` found when the transaction is still as it was then. */
  private deltaOf(tr: Y.Transaction): ReturnType<typeof transactionDelta> {
    return this.checked?.tr === tr ? this.checked.delta : transactionDelta(this.doc, tr)
  }
}

/** Why an item's shape is wrong for where it sits: a record is a map of its fields; only props and meta
 *  are maps among those; inside them everything is plain JSON. */
function structureProblem(item: Y.Item, place: Place): string | null {
  const isMap = item.content instanceof Y.ContentType && item.content.type instanceof Y.Map
  if (place.level === 0) return isMap ? null : `${place.key}: a record is written as a map of its fields`
  if (place.level === 1) {
    if (!isMap) return item.content instanceof Y.ContentAny ? null : `${place.key}: fields are plain JSON`
    return NESTED_FIELDS.has(item.parentSub ?? '') ? null : `${place.key}: only props and meta are maps`
  }
  return item.content instanceof Y.ContentAny ? null : `${place.key}: props and meta hold plain JSON`
}

/** How many tree levels sit above a node (0 for a root), or null when its parent chain loops. */
function treeDepth(record: JsonRecord, post: Post): number | null {
  const seen = new Set<string>([record.id])
  let depth = 0
  let parentId = isNodeShapeRecord(record) ? record.props.parentNode : ''
  while (parentId) {
    if (seen.has(parentId)) return null
    seen.add(parentId)
    const parent = post(parentId)
    if (!isNodeShapeRecord(parent)) return depth
    depth++
    if (depth > MAX_TREE_DEPTH) return depth
    parentId = parent.props.parentNode
  }
  return depth
}

/** Levels below a node (0 for a leaf), bounded: a walk past MAX_TREE_DEPTH stops there. */
function subtreeHeight(id: string, children: Map<string, string[]>): number {
  let level = [id]
  let height = 0
  const seen = new Set(level)
  while (height <= MAX_TREE_DEPTH) {
    const next: string[] = []
    for (const node of level) for (const child of children.get(node) ?? []) if (!seen.has(child)) {
      seen.add(child)
      next.push(child)
    }
    if (next.length === 0) return height
    level = next
    height++
  }
  return height
}

/** JSON with every object's keys sorted. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  )
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value to write again in place of a deleted one: nested Yjs types are cloned, JSON is written as is. */
function copyOf(value: unknown): unknown {
  return value instanceof Y.AbstractType ? (value as Y.Map<unknown>).clone() : value
}
