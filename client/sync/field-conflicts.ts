// Our card field values that a concurrent edit replaced (found by field-changes.ts), kept as notices until the
// person puts theirs back (an ordinary edit, so everyone gets it) or dismisses them.

import type { Atom, TLRecord, TLStore } from '@tldraw/tldraw'
import type * as Y from 'yjs'
import { isNodeKind } from '../../shared/model'
import { readRecord } from '../../shared/record-layout'
import type { RecordFields } from '../../shared/record-layout'
import { jsonEqual } from '../../shared/version-diff'
import { lostFields } from './field-changes'
import type { LostField } from './field-changes'

/** One of our field values that someone else's concurrent edit replaced (shown until put back or dismissed). */
export interface FieldConflict {
  id: number
  recordId: string
  /** The card's kind and its title when the conflict arrived. */
  kind: string
  title: string
  /** The prop: 'title', 'importance'… */
  field: string
  mine: unknown
  theirs: unknown
}

/** Card props whose concurrent replacement is not worth a notice: size, sibling order and the tree edge
 *  follow from layout and moves, which tidy themselves. */
const QUIET_PROPS: ReadonlySet<string> = new Set(['w', 'h', 'order', 'parentNode'])
const isTellableField = (record: Y.Map<unknown>, key: string) =>
  !QUIET_PROPS.has(key) && record.get('typeName') === 'shape' && isNodeKind(record.get('type'))

export class FieldConflicts {
  private seq = 0

  constructor(
    private readonly doc: Y.Doc,
    private readonly records: Y.Map<RecordFields>,
    private readonly store: TLStore,
    private readonly readonly: Atom<boolean>,
    /** Newest last. */
    private readonly conflicts: Atom<FieldConflict[]>,
    /** Whether a Yjs client id is this browser's. */
    private readonly isMine: (client: number) => boolean,
  ) {}

  /** Our card fields a remote transaction replaced; read before anything else writes, which would hide them.
   *  A viewer wrote nothing to lose. */
  lostIn(events: readonly Y.YEvent<any>[], transaction: Y.Transaction): LostField[] {
    return this.readonly.get() ? [] : lostFields(this.records, events, transaction, this.isMine, isTellableField)
  }

  /** Tells the person about fields `lostIn` found (see field-changes.ts). */
  note(lost: LostField[]) {
    let list = this.conflicts.get()
    for (const { recordId, key, mine, theirs } of lost) {
      const record = readRecord(this.doc, recordId)
      const props = (record?.props ?? {}) as Record<string, unknown>
      // Written over since (an edit of ours from the last frame, written just now): nothing to tell.
      if (!record || !jsonEqual(props[key], theirs)) continue
      const entry: FieldConflict = {
        id: ++this.seq,
        recordId,
        kind: String(record.type),
        title: typeof props.title === 'string' ? props.title : '',
        field: key,
        mine,
        theirs,
      }
      // One notice per card field: the latest value we lost is the one to offer back.
      list = [...list.filter((c) => !(c.recordId === recordId && c.field === key)), entry]
    }
    this.conflicts.set(list)
  }

  /** Writes our lost value back (an ordinary edit, so everyone gets it) and drops the notice. */
  putBack(conflictId: number): boolean {
    const conflict = this.conflicts.get().find((c) => c.id === conflictId)
    if (!conflict) return false
    this.dismiss(conflictId)
    const current = this.store.get(conflict.recordId as TLRecord['id']) as (TLRecord & { props?: Record<string, unknown> }) | undefined
    if (!current?.props || this.readonly.get()) return false
    try {
      this.store.put([{ ...current, props: { ...current.props, [conflict.field]: conflict.mine } } as TLRecord])
      return true
    } catch (error) {
      console.warn('could not put the value back', error)
      return false
    }
  }

  dismiss(conflictId: number) {
    this.conflicts.set(this.conflicts.get().filter((c) => c.id !== conflictId))
  }
}
