// The live binding of the tldraw store to the document (layout 2, shared/record-layout.ts), field by field both
// ways, so that two people's edits to different fields of one card both stay.

import type { Atom, TLRecord, TLStore } from '@tldraw/tldraw'
import type * as Y from 'yjs'
import type { JsonRecord } from '../../shared/model'
import { deleteRecord, readRecord, writeRecord } from '../../shared/record-layout'
import type { RecordFields } from '../../shared/record-layout'
import type { SkippedRecord } from '../../shared/tree'
import { touchedRecordIds } from './field-changes'
import type { LostField } from './field-changes'
import { isRecordLike, loadable, migrateRecord, putEach } from './loadable'
import type { DocSchema } from './loadable'

/** The origin of the document transactions this page writes from its store: the binding skips them coming back. */
export const LOCAL_ORIGIN = Symbol('outcome-board local store change')

/** The document and the store a binding joins; nothing is written to the document while `readonly` holds. */
export interface BoundDoc {
  doc: Y.Doc
  records: Y.Map<RecordFields>
  meta: Y.Map<unknown>
  store: TLStore
  readonly: Atom<boolean>
  schema: DocSchema
}

export interface BindingHooks {
  /** Before each write of the person's edits to the document. */
  beforeWrite: () => void
  /** What a remote change held that the store cannot. */
  report: (skipped: readonly SkippedRecord[]) => void
  /** After the document's meta changed (its schema read again). */
  onMeta: () => void
  /** Our field values a remote transaction replaced: read first, told last. */
  conflicts: {
    lostIn(events: readonly Y.YEvent<any>[], transaction: Y.Transaction): LostField[]
    note(lost: LostField[]): void
  }
}

/** Binds both ways until the returned function is called. */
export function bindRecords(bound: BoundDoc, hooks: BindingHooks): () => void {
  /** Records a remote transaction deleted: an edit of ours still on its way must not bring one back. */
  const remotelyDeleted = new Set<string>()
  const stops = [bindStoreToDoc(bound, hooks, remotelyDeleted), ...bindDocToStore(bound, hooks, remotelyDeleted)]
  return () => {
    for (const stop of stops) stop()
  }
}

/** editor → store.listen({source: 'user', scope: 'document'}) → only the fields the person changed, in one
 *  transaction with LOCAL_ORIGIN. */
function bindStoreToDoc({ doc, records: root, store, readonly }: BoundDoc, hooks: BindingHooks, remotelyDeleted: ReadonlySet<string>): () => void {
  return store.listen(
    ({ changes }) => {
      if (readonly.get()) return
      hooks.beforeWrite()
      doc.transact(() => {
        for (const record of Object.values(changes.added)) writeRecord(root, record as unknown as JsonRecord)
        for (const [from, to] of Object.values(changes.updated)) {
          // Someone deleted it meanwhile (the removal is on its way to the store): it stays deleted.
          if (!root.has(to.id) && remotelyDeleted.has(to.id)) continue
          // Only what this person changed: a field someone else changed meanwhile keeps their value.
          writeRecord(root, to as unknown as JsonRecord, from as unknown as JsonRecord)
        }
        for (const record of Object.values(changes.removed)) deleteRecord(root, record.id)
      }, LOCAL_ORIGIN)
    },
    { source: 'user', scope: 'document' },
  )
}

/** Document → the records a remote transaction touched → store.mergeRemoteChanges; and the schema read again
 *  whenever meta changes. */
function bindDocToStore({ doc, records: root, meta, store, schema }: BoundDoc, hooks: BindingHooks, remotelyDeleted: Set<string>): (() => void)[] {
  const onMeta = () => {
    const skipped: SkippedRecord[] = []
    schema.read(skipped)
    hooks.report(skipped)
    hooks.onMeta()
  }
  meta.observe(onMeta)
  const onRecords = (events: Y.YEvent<any>[], transaction: Y.Transaction) => {
    if (transaction.origin === LOCAL_ORIGIN) return
    const ids = touchedRecordIds(root, events)
    for (const id of ids) if (!root.has(id)) remotelyDeleted.add(id)
    // Read before our own writes below, which would hide what this transaction replaced.
    const lost = hooks.conflicts.lostIn(events, transaction)
    // tldraw hands the person's edits to the listener above once a frame: write those still waiting
    // first (in a transaction of their own), so the records read below hold them and putting a record
    // into the store does not take back a keystroke the document has not seen yet.
    store._flushHistory()
    const toRemove: TLRecord['id'][] = []
    const incoming: TLRecord[] = []
    const skipped: SkippedRecord[] = []
    const foreignSchema = schema.foreign()
    for (const id of ids) {
      if (!root.has(id)) {
        toRemove.push(id as TLRecord['id'])
        continue
      }
      const record = readRecord(doc, id) as TLRecord | undefined
      if (!isRecordLike(record, id)) {
        // A bad value replaces a good one: the good one goes, as it would for any other writer's edit.
        if (store.has(id as TLRecord['id'])) toRemove.push(id as TLRecord['id'])
        skipped.push({ id, reason: 'not a record' })
        continue
      }
      const migrated = foreignSchema ? migrateRecord(store, id, record, foreignSchema, skipped) : record
      if (migrated) incoming.push(migrated)
    }
    const toPut = loadable(store, incoming, skipped, true)
    if (toRemove.length || toPut.length) {
      store.mergeRemoteChanges(() => {
        const present = toRemove.filter((id) => store.has(id))
        if (present.length) store.remove(present)
        try {
          if (toPut.length) store.put(toPut)
        } catch {
          putEach(store, toPut, skipped)
        }
      })
    }
    hooks.report(skipped)
    if (lost.length) hooks.conflicts.note(lost)
  }
  root.observeDeep(onRecords)
  return [() => meta.unobserve(onMeta), () => root.unobserveDeep(onRecords)]
}
