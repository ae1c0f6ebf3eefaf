// Test payload that the server's write guard accepts: a list of strings kept as opportunity cards (one valid
// tldraw record each) in the board's `tl_records`, with the few Y.Array methods the sync tests use. Tests of
// the transport (relay, durability, batching) need edits, not any particular data; these are real ones.
import * as Y from 'yjs'
import { YDOC_RECORDS, type JsonRecord } from '../../shared/model'
import { makeNodeRecord } from '../../shared/records'

type Entry = { key: string; val: JsonRecord }
const PREFIX = 'shape:item-'
let counter = 0

export class RecordItems {
  readonly array: Y.Array<Entry>
  constructor(readonly doc: Y.Doc) {
    this.array = doc.getArray<Entry>(YDOC_RECORDS)
  }

  /** Appends one card per string (in one transaction, as Y.Array.push does). */
  push(values: string[]): void {
    const entries = values.map((title) => {
      const id = `${PREFIX}${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`
      return { key: id, val: makeNodeRecord('opportunity', { title }, { id }) as unknown as JsonRecord }
    })
    this.array.push(entries)
  }

  toArray(): string[] {
    return this.entries().map(({ entry }) => String((entry.val.props as { title: string }).title))
  }

  get length(): number {
    return this.entries().length
  }

  get(index: number): string {
    return this.toArray()[index]
  }

  delete(index: number, length = 1): void {
    const targets = this.entries().slice(index, index + length).map((e) => e.at)
    this.doc.transact(() => {
      for (const at of targets.reverse()) this.array.delete(at, 1)
    })
  }

  private entries(): { entry: Entry; at: number }[] {
    const out: { entry: Entry; at: number }[] = []
    this.array.toArray().forEach((entry, at) => {
      if (entry && typeof entry.key === 'string' && entry.key.startsWith(PREFIX)) out.push({ entry, at })
    })
    return out
  }
}

export const recordItems = (doc: Y.Doc): RecordItems => new RecordItems(doc)
