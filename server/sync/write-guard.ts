// Checks every client write to a board's document before it is stored or relayed, and undoes one that breaks
// the board (DESIGN.md, Integrity). The room applies a client's update inside a transaction, asks `check` what
// the transaction did, and on a refusal calls `revert` in the same transaction: what the doc then emits holds
// the client's structs already deleted (garbage-collected, so their content is never stored or relayed) plus
// the server's counter-edit restoring what they deleted. The sender gets that too, so its replica is back in
// line and does not re-send the change.
//
// Rules (layout v1: tldraw records as {key, val} entries of the `tl_records` Y.Array, rightmost entry wins):
// - clients write only `tl_records` entries, plain JSON; `meta` and `board` are the server's (the one
//   exception: `meta.schema` set to exactly the schema this server serves, as a client seeding an empty board
//   does);
// - each record is valid for its type by tldraw's own validators (shared/tldraw/board-schema.ts), of a type
//   that is stored with the document, with its id as key;
// - a shape's tldraw parent is a page or an existing shape, with no cycle; a binding joins existing shapes;
// - a node's tree parent chain has no cycle and the tree stays within MAX_TREE_DEPTH;
// - a deletion leaves no record pointing at what it deleted, the document record and at least one page.
import * as Y from 'yjs'
import { DOCUMENT_ID, YDOC_BOARD, YDOC_META, YDOC_RECORDS, isNodeShapeRecord, type JsonRecord } from '../../shared/model'
import { MAX_TREE_DEPTH } from '../../shared/tree'
import { createBoardSchema } from '../../shared/tldraw/board-schema'
import tldrawSchema from '../../shared/tldraw-schema.json' with { type: 'json' }

type Entry = { key: string; val: JsonRecord }
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

/** What an update may name before it is applied, read from its bytes: a client names only the records array
 *  and `meta.schema`, holds no nested types or subdocuments, and writes records as plain JSON. Checked before
 *  applying because names are kept even when the server undoes an edit (a deleted item keeps its parent and
 *  key), and an item's parent and key are written out in full only where they are new (elsewhere they come
 *  from its neighbour, which was checked when it came). Throws when the update does not decode. */
export function updateNamesProblem(update: Uint8Array): string | null {
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue
    const { parent, parentSub, content } = struct
    if (parent !== null && typeof parent !== 'string') return 'nested types are not part of a board'
    if (parent === YDOC_META ? parentSub !== 'schema' : parent !== null && (parent !== YDOC_RECORDS || parentSub !== null)) {
      return "only board records may be written: the rest of the document is the server's"
    }
    if (!(content instanceof Y.ContentAny) && !(content instanceof Y.ContentDeleted)) return 'records are plain JSON'
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

export class WriteGuard {
  private readonly records: Y.Array<Entry>
  private readonly meta: Y.Map<unknown>
  /** The winning entry of every record key (what YKeyValue would show), kept up to date by every transaction. */
  private readonly winners = new Map<string, Entry>()
  /** What `check` found the transaction did, for `track` to reuse when nothing changed it since (a revert
   *  does): transactionDelta visits every client of the doc, and a board keeps every client that ever wrote. */
  private checked: { tr: Y.Transaction; delta: ReturnType<typeof transactionDelta> } | null = null

  constructor(private readonly doc: Y.Doc) {
    this.records = doc.getArray<Entry>(YDOC_RECORDS)
    this.meta = doc.getMap(YDOC_META)
    doc.getMap(YDOC_BOARD)
    doc.on('afterTransaction', this.track)
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.track)
  }

  /** The record stored under `key` now. */
  record(key: string): JsonRecord | undefined {
    return this.winners.get(key)?.val
  }

  /** Why the transaction (a client's update, applied and not yet committed) must be refused, or null. The
   *  transaction must not change after this, except by `revert`. */
  check(tr: Y.Transaction): string | null {
    const delta = transactionDelta(this.doc, tr)
    this.checked = { tr, delta }
    const { inserted, deleted } = delta
    const overlay = new Map<string, Entry | null>()
    let schemaSet = false
    for (const item of inserted) {
      if (this.isSchemaWrite(item)) {
        schemaSet = true
        continue
      }
      if (item.parent !== this.records || item.parentSub !== null || !(item.content instanceof Y.ContentAny)) {
        return "only board records may be written: the rest of the document is the server's"
      }
      for (const entry of item.content.getContent() as unknown[]) {
        if (!isPlainObject(entry) || typeof (entry as Entry).key !== 'string') return 'a record entry must be {key, val}'
        const problem = recordProblem((entry as Entry).key, (entry as Entry).val)
        if (problem) return problem
        overlay.set((entry as Entry).key, entry as Entry)
      }
    }
    const removed: string[] = []
    for (const item of deleted) {
      if (item.parent === this.meta && item.parentSub === 'schema' && schemaSet) continue
      if (item.parent !== this.records) return "only board records may be deleted: the rest of the document is the server's"
      for (const entry of item.content.getContent() as Entry[]) {
        if (this.winners.get(entry?.key) === entry && !overlay.has(entry.key)) {
          overlay.set(entry.key, null)
          removed.push(entry.key)
        }
      }
    }
    // Passed as it is created, not held in a const: run under tsx (keepNames), a named closure would have its
    // name defined on every call.
    return this.checkReferences(overlay, removed, (key) => {
      const entry = overlay.get(key)
      return entry === undefined ? this.winners.get(key)?.val : (entry?.val ?? undefined)
    })
  }

  /** Undoes the transaction's effect, inside it: deletes what it created, puts back what it deleted. */
  revert(tr: Y.Transaction): void {
    const { inserted, deleted } = this.deltaOf(tr)
    this.checked = null // the transaction changes now
    for (const item of inserted) item.delete(tr)
    for (const item of deleted) {
      const parent = item.parent
      const content = item.content.getContent()
      if (parent === this.records) {
        for (const entry of content as Entry[]) if (this.winners.get(entry?.key) === entry) this.records.push([entry])
      } else if (parent instanceof Y.Map && item.parentSub !== null) {
        const current = parent._map.get(item.parentSub)
        if (!current || current.deleted) parent.set(item.parentSub, copyOf(content[content.length - 1]))
      } else if (parent instanceof Y.Array) {
        parent.push(content.map(copyOf))
      }
    }
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
  private checkReferences(overlay: Map<string, Entry | null>, removed: string[], post: Post): string | null {
    let children: Map<string, string[]> | null = null
    for (const [key, entry] of overlay) {
      if (!entry) continue
      const record = entry.val
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
        const before = this.winners.get(key)?.val as typeof record | undefined
        if (before?.props.parentNode !== record.props.parentNode) {
          children ??= this.treeChildren(overlay)
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

  private removalProblem(removed: Set<string>, overlay: Map<string, Entry | null>): string | null {
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

  private *postRecords(overlay: Map<string, Entry | null>): Iterable<JsonRecord> {
    for (const [key, entry] of this.winners) if (!overlay.has(key)) yield entry.val
    for (const entry of overlay.values()) if (entry) yield entry.val
  }

  private treeChildren(overlay: Map<string, Entry | null>): Map<string, string[]> {
    const children = new Map<string, string[]>()
    for (const record of this.postRecords(overlay)) {
      if (!isNodeShapeRecord(record) || !record.props.parentNode) continue
      const list = children.get(record.props.parentNode)
      if (list) list.push(record.id)
      else children.set(record.props.parentNode, [record.id])
    }
    return children
  }

  /** Keeps `winners` in step with the doc after every transaction, whoever made it (content of what it
   *  deleted is still readable here: garbage collection runs after this event). */
  private track = (tr: Y.Transaction): void => {
    const checked = this.checked
    this.checked = null
    if (!tr.changed.has(this.records as Y.AbstractType<any>)) return // eslint-disable-line @typescript-eslint/no-explicit-any
    const { inserted, deleted } = checked?.tr === tr ? checked.delta : transactionDelta(this.doc, tr)
    const rescan = new Set<string>()
    for (const item of deleted) {
      if (item.parent !== this.records) continue
      for (const entry of item.content.getContent() as Entry[]) {
        if (this.winners.get(entry?.key) === entry) this.winners.delete(entry.key)
      }
    }
    for (const item of inserted) {
      if (item.parent !== this.records || item.parentSub !== null || !(item.content instanceof Y.ContentAny)) continue
      for (const entry of item.content.getContent() as Entry[]) {
        if (!isPlainObject(entry) || typeof entry.key !== 'string') continue
        const current = this.winners.get(entry.key)
        if (current && current !== entry) rescan.add(entry.key)
        this.winners.set(entry.key, entry)
      }
    }
    if (rescan.size > 0) this.rescan(rescan)
  }

  /** The transaction's delta: the one `check` found when the transaction is still as it was then. */
  private deltaOf(tr: Y.Transaction): ReturnType<typeof transactionDelta> {
    return this.checked?.tr === tr ? this.checked.delta : transactionDelta(this.doc, tr)
  }

  /** Recomputes the winners of keys with more than one live entry: the rightmost entry wins, as in YKeyValue. */
  private rescan(keys: Set<string>): void {
    for (const key of keys) this.winners.delete(key)
    for (const entry of this.records.toArray()) {
      if (isPlainObject(entry) && keys.has(entry.key)) this.winners.set(entry.key, entry)
    }
  }
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
