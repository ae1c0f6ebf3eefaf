// A tldraw store holding one version's records, for the read-only compare canvas. A version is stored data
// like any document, so it gets the same care as a load (client/sync/BoardSync.ts): only document records,
// each validated by the store, shapes whose parent chain loops or ends nowhere left out, and a page made up
// if the version has none.

import { createTLStore, defaultBindingUtils, defaultShapeUtils } from '@tldraw/tldraw'
import type { TLRecord, TLStore } from '@tldraw/tldraw'
import type { JsonRecord } from '../../shared/model'
import { makeBaseDocumentRecords } from '../../shared/records'
import { brokenShapeParents } from '../../shared/tree'
import { nodeShapeUtils } from '../shapes'

const DOCUMENT_TYPES = new Set(['document', 'page', 'shape', 'binding', 'asset'])

export function buildVersionStore(records: readonly JsonRecord[]): { store: TLStore; skipped: number } {
  const store = createTLStore({ shapeUtils: [...defaultShapeUtils, ...nodeShapeUtils], bindingUtils: defaultBindingUtils })
  const wanted = records.filter((r) => !!r && typeof r === 'object' && DOCUMENT_TYPES.has(r.typeName))
  for (const base of makeBaseDocumentRecords()) if (!wanted.some((r) => r.typeName === base.typeName)) wanted.unshift(base)
  // Session records (cameras, presence…) are not part of a board's state: left out, not counted as skipped.
  let skipped = 0
  const valid: TLRecord[] = []
  for (const record of wanted) {
    try {
      store.schema.validateRecord(store, record as unknown as TLRecord, 'initialize', null)
      valid.push(record as unknown as TLRecord)
    } catch {
      skipped++
    }
  }
  const pageIds = new Set(valid.filter((r) => r.typeName === 'page').map((r) => r.id as string))
  const broken = brokenShapeParents(valid, { pageIds })
  const loadable = valid.filter((r) => !broken.has(r.id))
  skipped += valid.length - loadable.length
  store.loadStoreSnapshot({ store: Object.fromEntries(loadable.map((r) => [r.id, r])), schema: store.schema.serialize() } as never)
  return { store, skipped }
}
