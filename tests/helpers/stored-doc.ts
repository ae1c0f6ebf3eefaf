// Boards as an older server stored them: a document put in the store in place of a board's rows, with the
// board's room unloaded first, so the next load reads it as it is (a layout-1 board, or bad data written
// before the server checked writes). Layout 1 is tldraw's YKeyValue: `{key, val}` entries in `tl_records`.
import * as Y from 'yjs'
import schema from '../../shared/tldraw-schema.json' with { type: 'json' }
import { YDOC_META, type JsonRecord } from '../../shared/model'
import { readRecords, recordsV1 } from '../../shared/record-layout'
import type { TestServer } from './server'
import { waitFor } from './wait'

/** A layout-1 document as boards made before layout 2 hold: schema in `meta` (no `layout`), whole records
 *  as entries of `tl_records`, plus any `extra` entries as they are (garbage included). */
export function layout1Doc(records: readonly JsonRecord[], extra: readonly unknown[] = []): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    doc.getMap(YDOC_META).set('schema', schema)
    recordsV1(doc).push([...records.map((r) => ({ key: r.id, val: r })), ...extra] as never[])
  })
  return doc
}

/** Replaces the board's stored document with `doc` (its room unloaded first), as if an older server had
 *  written it. The next use of the board loads it from the store. */
export async function storeDocument(server: Pick<TestServer, 'deps'>, boardId: string, doc: Y.Doc): Promise<void> {
  await waitFor(() => !server.deps.rooms.peek(boardId), { what: 'the room unloaded', timeout: 10_000 })
  const stored = await server.deps.store.loadUpdates(boardId)
  await server.deps.store.compact(boardId, Y.encodeStateAsUpdate(doc), stored.lastSeq, stored.seqs)
}

/** The records of a board as stored (its rows applied to a fresh doc), without loading its room. */
export async function storedRecords(server: Pick<TestServer, 'deps'>, boardId: string): Promise<JsonRecord[]> {
  const doc = new Y.Doc()
  for (const update of (await server.deps.store.loadUpdates(boardId)).updates) Y.applyUpdate(doc, update)
  return [...readRecords(doc).values()]
}
