// The server's view of a board's Yjs document: tldraw records in the YKeyValue layout (DESIGN.md) and the
// server-written `board` map. Reads and writes follow y-utility's YKeyValue semantics (entries are
// {key, val} in a Y.Array, the rightmost entry for a key wins) without creating a YKeyValue instance,
// because each instance would attach an observer to the room's long-lived doc.
import * as Y from 'yjs'
import type { LockedBet } from '../shared/bet'
import type { SkippedRecord } from '../shared/tree'
import { YDOC_BOARD, YDOC_META, YDOC_RECORDS, type JsonRecord } from '../shared/model'
import tldrawSchema from '../shared/tldraw-schema.json' with { type: 'json' }
import type { Rooms } from './sync/rooms'

type Entry = { key: string; val: JsonRecord }

const recordsArray = (doc: Y.Doc) => doc.getArray<Entry>(YDOC_RECORDS)

/** Every record in the document, keyed by id. Entries that are not records (null, garbage: stored before
 *  writes were validated) are left out, and listed in `skipped` when one is given. */
export function readRecords(doc: Y.Doc, skipped?: SkippedRecord[]): Map<string, JsonRecord> {
  const records = new Map<string, JsonRecord>()
  const bad = new Map<string, SkippedRecord>()
  const keyless: SkippedRecord[] = []
  for (const entry of recordsArray(doc).toArray() as unknown[]) {
    const e = entry as Partial<Entry> | null
    const key = e && typeof e === 'object' && typeof e.key === 'string' ? e.key : null
    const val = e && typeof e === 'object' ? e.val : undefined
    if (key !== null && val && typeof val === 'object' && !Array.isArray(val) && typeof val.id === 'string') {
      records.set(key, val)
      bad.delete(key) // the rightmost entry for a key wins
    } else if (key !== null) {
      records.delete(key)
      bad.set(key, { id: key, reason: 'not a record' })
    } else {
      keyless.push({ id: '', reason: 'an entry with no record id' })
    }
  }
  skipped?.push(...bad.values(), ...keyless)
  return records
}

/** Every record of a board's live document (loading its room if nobody is connected). */
export function liveRecords(rooms: Rooms, boardId: string): Promise<JsonRecord[]> {
  return rooms.withDoc(boardId, (doc) => [...readRecords(doc).values()])
}

/** Adds or replaces records in one transaction (call inside applyServerChange). */
export function writeRecords(doc: Y.Doc, records: readonly JsonRecord[]): void {
  if (!records.length) return
  const array = recordsArray(doc)
  const replaced = new Set(records.map((r) => r.id))
  doc.transact(() => {
    const entries = array.toArray()
    for (let i = entries.length - 1; i >= 0; i--) if (replaced.has(entries[i]?.key)) array.delete(i, 1)
    array.push(records.map((val) => ({ key: val.id, val })))
  })
}

/** Writes the tldraw schema the records were built for, so clients migrate them correctly. */
export function writeSchema(doc: Y.Doc): void {
  doc.getMap(YDOC_META).set('schema', tldrawSchema)
}

export function readBet(doc: Y.Doc): LockedBet | null {
  return (doc.getMap(YDOC_BOARD).get('bet') as LockedBet | undefined) ?? null
}

/** Marks (or clears) the locked bet live: the `board.bet` entry every client renders, and tldraw's own
 *  `isLocked` on the shapes of its path so nobody moves or edits them by accident. */
export function markBet(doc: Y.Doc, bet: LockedBet | null, pathIds: readonly string[]): void {
  const records = readRecords(doc)
  const changed: JsonRecord[] = []
  for (const id of pathIds) {
    const record = records.get(id)
    if (record && record.isLocked !== !!bet) changed.push({ ...record, isLocked: !!bet })
  }
  doc.transact(() => {
    writeRecords(doc, changed)
    doc.getMap(YDOC_BOARD).set('bet', bet)
  })
}

/** Shape ids on a bet's path: outcome, opportunities, solution and its assumptions. */
export function betPathIds(bet: LockedBet): string[] {
  const p = bet.path
  return [p.outcome.id, ...p.opportunities.map((o) => o.id), p.solution.id, ...p.assumptions.map((a) => a.id)]
}
