// Test payload that the server's write guard accepts: a list of strings kept as opportunity cards (one valid
// tldraw record each) in the board's `records` map (layout 2, shared/record-layout.ts), with the few list
// methods the sync tests use. Tests of the transport (relay, durability, batching) need edits, not any
// particular data; these are real ones. A map has no order of its own that every replica shares, so the list
// is ordered by record id, which starts with a fixed-width time and counter (creation order in one process).
import type * as Y from 'yjs'
import type { JsonRecord } from '../../shared/model'
import { deleteRecord, readRecordFields, recordsRoot, writeRecord, type RecordFields } from '../../shared/record-layout'
import { makeNodeRecord } from '../../shared/records'

const PREFIX = 'shape:item-'
let counter = 0

export class RecordItems {
  readonly root: Y.Map<RecordFields>
  constructor(readonly doc: Y.Doc) {
    this.root = recordsRoot(doc)
  }

  /** Adds one card per string, in one transaction. */
  push(values: string[]): void {
    this.doc.transact(() => {
      for (const title of values) {
        const id = `${PREFIX}${Date.now().toString(36).padStart(9, '0')}-${(counter++).toString(36).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`
        writeRecord(this.root, makeNodeRecord('opportunity', { title }, { id }) as unknown as JsonRecord)
      }
    })
  }

  toArray(): string[] {
    return this.records().map((r) => String((r.props as { title: string }).title))
  }

  get length(): number {
    return this.ids().length
  }

  get(index: number): string {
    return this.toArray()[index]
  }

  delete(index: number, length = 1): void {
    const targets = this.ids().slice(index, index + length)
    this.doc.transact(() => {
      for (const id of targets) deleteRecord(this.root, id)
    })
  }

  private ids(): string[] {
    return [...this.root.keys()].filter((id) => id.startsWith(PREFIX)).sort()
  }

  private records(): JsonRecord[] {
    const out: JsonRecord[] = []
    for (const id of this.ids()) {
      const record = readRecordFields(this.root.get(id))
      if (record && record.props && typeof record.props === 'object') out.push(record)
    }
    return out
  }
}

export const recordItems = (doc: Y.Doc): RecordItems => new RecordItems(doc)
