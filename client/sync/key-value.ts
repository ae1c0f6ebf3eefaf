// y-utility's YKeyValue (entries `{key, val}` in a Y.Array, the rightmost entry for a key wins), with the
// same semantics and events, but tolerant of entries that are not `{key: string}` objects: a stored document
// may hold a `null` pushed into `tl_records`, on which YKeyValue throws inside a Yjs observer and the board
// never finishes syncing. Such entries are left where they are and never surface as records.
import { Observable } from 'lib0/observable'
import type * as Y from 'yjs'

type Entry<T> = { key: string; val: T }
export type KeyValueChange<T> = { action: 'add' | 'update' | 'delete'; oldValue?: T; newValue?: T }

const isEntry = (v: unknown): v is Entry<unknown> => !!v && typeof v === 'object' && typeof (v as Entry<unknown>).key === 'string'

export class KeyValue<T> extends Observable<'change'> {
  readonly doc: Y.Doc
  readonly map = new Map<string, Entry<T>>()

  constructor(readonly yarray: Y.Array<Entry<T>>) {
    super()
    this.doc = yarray.doc as Y.Doc
    const arr = yarray.toArray() as unknown[]
    this.doc.transact(() => {
      for (let i = arr.length - 1; i >= 0; i--) {
        const v = arr[i]
        if (!isEntry(v)) continue
        if (this.map.has(v.key)) yarray.delete(i)
        else this.map.set(v.key, v as Entry<T>)
      }
    })
    yarray.observe((event, tr) => {
      const changes = new Map<string, KeyValueChange<T>>()
      event.changes.deleted.forEach((item) => {
        for (const c of item.content.getContent() as unknown[]) {
          if (isEntry(c) && this.map.get(c.key) === c) {
            this.map.delete(c.key)
            changes.set(c.key, { action: 'delete', oldValue: c.val as T })
          }
        }
      })
      const addedVals = new Map<string, Entry<T>>()
      for (const item of event.changes.added) {
        for (const v of item.content.getContent() as unknown[]) if (isEntry(v)) addedVals.set(v.key, v as Entry<T>)
      }
      const itemsToRemove = new Set<string>()
      const vals = yarray.toArray() as unknown[]
      this.doc.transact(() => {
        for (let i = vals.length - 1; i >= 0 && (addedVals.size > 0 || itemsToRemove.size > 0); i--) {
          const curr = vals[i]
          if (!isEntry(curr)) continue
          if (itemsToRemove.has(curr.key)) {
            itemsToRemove.delete(curr.key)
            yarray.delete(i, 1)
          } else if (addedVals.get(curr.key) === curr) {
            const prev = this.map.get(curr.key)
            if (prev) {
              itemsToRemove.add(curr.key)
              changes.set(curr.key, { action: 'update', oldValue: prev.val, newValue: curr.val as T })
            } else {
              const del = changes.get(curr.key)
              changes.set(curr.key, del && del.action === 'delete' ? { action: 'update', newValue: curr.val as T, oldValue: del.oldValue } : { action: 'add', newValue: curr.val as T })
            }
            addedVals.delete(curr.key)
            this.map.set(curr.key, curr as Entry<T>)
          } else if (addedVals.has(curr.key)) {
            itemsToRemove.add(curr.key)
            addedVals.delete(curr.key)
          }
        }
      })
      if (changes.size > 0) this.emit('change', [changes, tr])
    })
  }

  set(key: string, val: T) {
    this.doc.transact(() => {
      if (this.map.has(key)) this.delete(key)
      this.yarray.push([{ key, val }])
    })
  }

  delete(key: string) {
    let i = 0
    for (const v of this.yarray as Iterable<unknown>) {
      if (isEntry(v) && v.key === key) {
        this.yarray.delete(i)
        break
      }
      i++
    }
  }

  get(key: string): T | undefined {
    return this.map.get(key)?.val
  }

  has(key: string) {
    return this.map.has(key)
  }
}
