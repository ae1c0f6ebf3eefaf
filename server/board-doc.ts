// The server's view of a board's Yjs document: tldraw records in layout 2 (shared/record-layout.ts: one Y.Map
// per record, props and meta nested, so edits to different fields merge) and the server-written `board` map.
import * as Y from 'yjs'
import { betPathIds, type LockedBet } from '../shared/bet'
import { YDOC_BOARD, YDOC_META, type JsonRecord } from '../shared/model'
import { LAYOUT, deleteRecord, readRecords, recordsRoot, writeRecord } from '../shared/record-layout'
import tldrawSchema from '../shared/tldraw-schema.json' with { type: 'json' }
import type { Rooms } from './sync/rooms'

export { readRecords }

/** Every record of a board's live document (loading its room if nobody is connected). */
export function liveRecords(rooms: Rooms, boardId: string): Promise<JsonRecord[]> {
  return rooms.withDoc(boardId, (doc) => [...readRecords(doc).values()])
}

/** Adds records, or writes the fields of present ones that differ, in one transaction (call inside
 *  applyServerChange). */
export function writeRecords(doc: Y.Doc, records: readonly JsonRecord[]): void {
  if (!records.length) return
  const root = recordsRoot(doc)
  doc.transact(() => {
    for (const record of records) writeRecord(root, record)
  })
}

/** Deletes records by id in one transaction (call inside applyServerChange). */
export function deleteRecords(doc: Y.Doc, ids: readonly string[]): void {
  if (!ids.length) return
  const root = recordsRoot(doc)
  doc.transact(() => {
    for (const id of ids) deleteRecord(root, id)
  })
}

/** Writes the tldraw schema the records were built for, so clients migrate them correctly, and the layout
 *  the records are in, so a client on older code knows to reload. */
export function writeSchema(doc: Y.Doc): void {
  const meta = doc.getMap(YDOC_META)
  meta.set('schema', tldrawSchema)
  meta.set('layout', LAYOUT)
}

export function readBet(doc: Y.Doc): LockedBet | null {
  return (doc.getMap(YDOC_BOARD).get('bet') as LockedBet | undefined) ?? null
}

/** Marks (or clears) the locked bet live: the `board.bet` entry every client renders, and tldraw's own
 *  `isLocked` on the shapes of its path so nobody moves or edits them by accident. */
export function markBet(doc: Y.Doc, bet: LockedBet | null, pathIds: readonly string[]): void {
  const root = recordsRoot(doc)
  doc.transact(() => {
    for (const id of pathIds) {
      const fields = root.get(id)
      // Only the one field: a concurrent edit of the card's other fields stays.
      if (fields instanceof Y.Map && fields.get('isLocked') !== !!bet) fields.set('isLocked', !!bet)
    }
    doc.getMap(YDOC_BOARD).set('bet', bet)
  })
}

export { betPathIds }
