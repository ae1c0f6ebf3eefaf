// Every client edit is applied to the server's doc (and checked) before it is stored and relayed
// (server/sync/room.ts): every reader of the doc (server code, a joining client, a server change, compaction,
// shutdown) sees every edit that was relayed.
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createBoard, metric, startTestServer, type TestServer, tempDir } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'

const servers: TestServer[] = []
afterEach(async () => {
  destroyProviders()
  for (const s of servers.splice(0)) await s.close()
})

/** A server, a board on it, and an editor and a viewer synced to it. */
async function liveBoard(options: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(options)
  servers.push(s)
  const b = await createBoard(s.url)
  const writer = makeProvider(s.wsUrl, b.id, b.editToken)
  const reader = makeProvider(s.wsUrl, b.id, b.viewToken)
  await Promise.all([synced(writer), synced(reader)])
  return { s, b, writer, reader }
}

describe('edits applied to the server doc before their relay', () => {
  it('server code reading the doc sees every relayed edit', async () => {
    const { s, b, writer, reader } = await liveBoard()
    writer.items.push(['relayed, so applied'])
    await waitFor(() => reader.items.length === 1, { what: 'relayed' })
    expect(await s.deps.rooms.withDoc(b.id, (doc) => recordItems(doc).toArray())).toEqual(['relayed, so applied'])
  })

  it('a client joining after the edit gets it, and a server change made after it keeps both', async () => {
    const { s, b, writer, reader } = await liveBoard()
    writer.items.push(['first'])
    await waitFor(() => reader.items.length === 1, { what: 'relayed' })
    const late = makeProvider(s.wsUrl, b.id, b.viewToken)
    await synced(late)
    expect(late.items.toArray()).toEqual(['first'])
    await s.deps.rooms.applyServerChange(b.id, (doc) => recordItems(doc).push(['from the server']))
    await waitFor(() => late.items.length === 2, { what: 'the server change' })
    expect(late.items.toArray()).toEqual(['first', 'from the server'])
  })

  it('a compaction in the middle of a session stores every edit, and so does shutdown', async () => {
    const dataDir = tempDir()
    const { s, b, writer, reader } = await liveBoard({ dataDir, compactRows: 5 })
    const edits = Array.from({ length: 12 }, (_, i) => `edit ${i + 1}`)
    for (const [i, edit] of edits.entries()) {
      writer.items.push([edit])
      await waitFor(() => reader.items.length === i + 1, { what: `${edit} relayed` })
    }
    await waitFor(async () => (await metric(s.url, 'outcome_board_compactions_total')) >= 1, { what: 'a compaction' })
    // What is on disk now, read beside the running server: the compacted row plus what came after it.
    expect(storedItems(dataDir, b.id)).toEqual(edits)
    destroyProviders()
    await s.close()
    servers.splice(servers.indexOf(s), 1)
    expect(storedItems(dataDir, b.id)).toEqual(edits)
  })
})

/** The board's items as stored, read straight from the SQLite file (WAL lets a reader in beside the server). */
function storedItems(dataDir: string, boardId: string): string[] {
  const db = new Database(path.join(dataDir, 'outcome-board.sqlite'), { readonly: true })
  try {
    const doc = new Y.Doc()
    const rows = db.prepare('SELECT data FROM updates WHERE board_id = ? ORDER BY seq').all(boardId) as { data: Buffer }[]
    for (const row of rows) Y.applyUpdate(doc, row.data)
    return recordItems(doc).toArray()
  } finally {
    db.close()
  }
}
