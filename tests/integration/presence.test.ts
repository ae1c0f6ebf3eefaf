// Presence (awareness) that comes close together goes out together, one frame per socket, at most every
// PRESENCE_INTERVAL_MS (server/sync/presence-outbox.ts), while a lone change still goes out at once.
import * as decoding from 'lib0/decoding'
import { afterEach, describe, expect, it } from 'vitest'
import { MESSAGE_AWARENESS } from '../../shared/protocol'
import { openRaw, type RawSocket } from '../helpers/raw-socket'
import { createBoard, startTestServer, type TestServer } from '../helpers/server'
import { sleep, waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'

const servers: TestServer[] = []
const raws: RawSocket[] = []
afterEach(async () => {
  destroyProviders()
  for (const r of raws.splice(0)) r.close()
  for (const s of servers.splice(0)) await s.close()
})

/** The client ids in each awareness frame a raw socket received from `from` on. */
function awarenessFrames(sock: RawSocket, from = 0): number[][] {
  return sock.received.slice(from).flatMap((frame) => {
    const d = decoding.createDecoder(frame)
    if (decoding.readVarUint(d) !== MESSAGE_AWARENESS) return []
    const inner = decoding.createDecoder(decoding.readVarUint8Array(d))
    const ids: number[] = []
    for (let n = decoding.readVarUint(inner); n > 0; n--) {
      ids.push(decoding.readVarUint(inner))
      decoding.readVarUint(inner)
      decoding.readVarString(inner)
    }
    return ids.length > 0 ? [ids] : [] // keepalives carry no client
  })
}

describe('presence in a busy room', () => {
  it('a lone cursor move goes out at once; moves that follow within the interval reach everyone in one frame', async () => {
    const s = await startTestServer({ presenceIntervalMs: 1000 })
    servers.push(s)
    const b = await createBoard(s.url)
    const people = [0, 1, 2].map(() => makeProvider(s.wsUrl, b.id, b.editToken))
    await Promise.all(people.map((p) => synced(p)))
    const watcher = await openRaw(`${s.wsUrl}/${b.id}?token=${b.viewToken}`)
    raws.push(watcher)
    await sleep(1100) // the joins' presence has gone out; the next change finds the room quiet
    const from = watcher.received.length
    const [ada, bo, cy] = people
    ada.provider.awareness.setLocalStateField('cursor', { x: 1 })
    await waitFor(() => awarenessFrames(watcher, from).length === 1, { what: 'the first cursor, at once', timeout: 700 })
    bo.provider.awareness.setLocalStateField('cursor', { x: 2 })
    cy.provider.awareness.setLocalStateField('cursor', { x: 3 })
    await waitFor(() => awarenessFrames(watcher, from).length === 2, { what: 'the next two, together' })
    const [first, second] = awarenessFrames(watcher, from)
    expect(first).toEqual([ada.doc.clientID])
    expect([...second].sort()).toEqual([bo.doc.clientID, cy.doc.clientID].sort())
    // And the clients themselves see each other's cursors.
    await waitFor(() => ada.provider.awareness.getStates().get(cy.doc.clientID)?.cursor?.x === 3, { what: 'Ada sees Cy' })
  })
})
