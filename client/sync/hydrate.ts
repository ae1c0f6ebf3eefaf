// The store's first load from the document: what cannot load is left out and reported instead of hiding the
// board; an empty document is seeded, and one written with an older schema is brought up to ours.

import type { TLRecord } from '@tldraw/tldraw'
import type { JsonRecord } from '../../shared/model'
import { makeBaseDocumentRecords } from '../../shared/records'
import { readRecords, writeRecord } from '../../shared/record-layout'
import { deriveTree } from '../../shared/tree'
import type { SkippedRecord } from '../../shared/tree'
import { loadable, migrateAll, putEach } from './loadable'
import { LOCAL_ORIGIN } from './store-binding'
import type { BoundDoc } from './store-binding'

/** Loads the store from the document (or seeds an empty document from the store). `checkLayout` runs once
 *  the schema is read, before anything is written: a document from a newer layout makes the page read-only. */
export function hydrate({ doc, records: root, meta, store, readonly, schema }: BoundDoc, report: (skipped: readonly SkippedRecord[]) => void, checkLayout: () => void) {
  const skipped: SkippedRecord[] = []
  schema.read(skipped)
  checkLayout()

  if (root.size === 0 && !readonly.get()) {
    // An empty board: write the document and page records and our schema.
    doc.transact(() => {
      for (const record of makeBaseDocumentRecords()) writeRecord(root, record)
      meta.set('schema', store.schema.serialize())
    }, LOCAL_ORIGIN)
  }

  // Layout-1 entries a local copy may still hold (`tl_records`) are not read: the server converts them.
  const fromDoc = Object.fromEntries(readRecords(doc, skipped)) as unknown as Record<string, TLRecord>
  // A document written by the server might lack the page or document record; tldraw needs both.
  for (const base of makeBaseDocumentRecords()) {
    const hasType = Object.values(fromDoc).some((r) => r?.typeName === base.typeName)
    if (!hasType) fromDoc[base.id] = base as unknown as TLRecord
  }
  const migrated = migrateAll(store, fromDoc, schema.foreign(), skipped)
  const records = loadable(store, Object.values(migrated), skipped)
  store.mergeRemoteChanges(() => {
    try {
      store.loadStoreSnapshot({ store: Object.fromEntries(records.map((r) => [r.id, r])), schema: store.schema.serialize() } as never)
    } catch {
      // One bad record must not hide the board: put them one by one and skip the broken ones.
      putEach(store, records, skipped)
    }
  })
  // Cards tldraw holds but the tree cannot (deeper than MAX_TREE_DEPTH) are said once here too.
  const reported = new Set(skipped.map((r) => r.id))
  for (const cut of deriveTree(store.allRecords()).skipped) if (!reported.has(cut.id)) skipped.push(cut)
  report(skipped)

  // Bring an older document up to our schema (editors only; viewers' writes are dropped anyway).
  if (!readonly.get() && schema.foreign()) {
    doc.transact(() => {
      for (const record of records) writeRecord(root, record as unknown as JsonRecord) // only what migrated
      meta.set('schema', store.schema.serialize())
    }, LOCAL_ORIGIN)
    schema.adoptOurs()
  }
}
