// Presence is bound to its connection and capped in size (server/sync/presence-guard.ts): a socket may set,
// change or remove only the client ids it introduced, one client's state is at most MAX_PRESENCE_BYTES, and a
// refused entry is neither applied nor relayed; its socket is told once and stays open. Refusals are shown
// by order, not time: a later accepted update from the same socket reaches the watcher, so the refused one
// (handled before it) would have too.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'
import { MESSAGE_AUTH, MESSAGE_AWARENESS } from '../../shared/protocol'
import { openRaw, type RawSocket } from '../helpers/raw-socket'
import { createBoard, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'

const servers: TestServer[] = []
const raws: RawSocket[] = []
afterEach(async () => {
  destroyProviders()
  for (const r of raws.splice(0)) r.close()
  for (const s of servers.splice(0)) await s.close()
})

/** An awareness message carrying the given client states (null: remove). */
function awarenessFrame(entries: { id: number; clock: number; state: unknown }[]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const { id, clock, state } of entries) {
    encoding.writeVarUint(inner, id)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, JSON.stringify(state))
  }
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

/** The reasons of the permission-denied messages a raw socket received. */
function denials(sock: RawSocket): string[] {
  return sock.received.flatMap((frame) => {
    const d = decoding.createDecoder(frame)
    if (decoding.readVarUint(d) !== MESSAGE_AUTH || decoding.readVarUint(d) !== 0) return []
    return [decoding.readVarString(d)]
  })
}

const stateOf = (client: TestClient, id: number) => client.provider.awareness.getStates().get(id) as Record<string, unknown> | undefined

async function setup(options: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(options)
  servers.push(s)
  const b = await createBoard(s.url)
  const alice = makeProvider(s.wsUrl, b.id, b.editToken)
  const watcher = makeProvider(s.wsUrl, b.id, b.viewToken)
  await Promise.all([synced(alice), synced(watcher)])
  alice.provider.awareness.setLocalStateField('user', { name: 'Alice' })
  await waitFor(() => (stateOf(watcher, alice.doc.clientID)?.user as { name?: string } | undefined)?.name === 'Alice', {
    what: "the watcher sees Alice's presence",
  })
  const raw = await openRaw(`${s.wsUrl}/${b.id}?token=${b.viewToken}`)
  raws.push(raw)
  return { s, b, alice, watcher, raw }
}

/** Sends a marker state from `raw` for its own `id` and waits until the watcher has it. */
async function marker(raw: RawSocket, watcher: TestClient, id: number, clock: number, label: string) {
  raw.send(awarenessFrame([{ id, clock, state: { marker: label } }]))
  await waitFor(() => stateOf(watcher, id)?.marker === label, { what: `marker ${label} at the watcher` })
}

describe('presence bound to its connection', () => {
  it("a socket cannot set or remove another socket's client id; it is told, stays open, and its own presence goes through", async () => {
    const { alice, watcher, raw } = await setup()
    const aliceId = alice.doc.clientID
    const clock = () => (alice.provider.awareness.meta.get(aliceId)?.clock ?? 0) + 100

    raw.send(awarenessFrame([{ id: aliceId, clock: clock(), state: { user: { name: 'Mallory as Alice' } } }]))
    raw.send(awarenessFrame([{ id: aliceId, clock: clock() + 1, state: null }]))
    const mine = aliceId + 1
    await marker(raw, watcher, mine, 1, 'after the spoof')

    expect((stateOf(watcher, aliceId)?.user as { name: string }).name).toBe('Alice')
    expect((stateOf(alice, aliceId)?.user as { name: string }).name).toBe('Alice')
    expect(denials(raw)).toEqual([expect.stringMatching(/client id \d+ belongs to another connection/)])
    expect(raw.ws.readyState).toBe(raw.ws.OPEN)

    // In an update that mixes its own id with someone else's, only its own entry goes through.
    raw.send(awarenessFrame([{ id: aliceId, clock: clock() + 2, state: null }, { id: mine, clock: 2, state: { marker: 'mixed' } }]))
    await waitFor(() => stateOf(watcher, mine)?.marker === 'mixed', { what: 'the own entry of the mixed update' })
    expect((stateOf(watcher, aliceId)?.user as { name: string }).name).toBe('Alice')
    expect(denials(raw)).toHaveLength(1) // told once

    // Alice herself still changes and removes her own presence.
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice B.' })
    await waitFor(() => (stateOf(watcher, aliceId)?.user as { name: string }).name === 'Alice B.', { what: "Alice's change" })
    alice.provider.awareness.setLocalState(null)
    await waitFor(() => !watcher.provider.awareness.getStates().has(aliceId), { what: "Alice's removal" })
  })

  it("a client id is free again once the socket that introduced it has left", async () => {
    const { s, b, watcher, raw } = await setup()
    const id = 4242
    await marker(raw, watcher, id, 1, 'first owner')
    const other = await openRaw(`${s.wsUrl}/${b.id}?token=${b.viewToken}`)
    raws.push(other)
    other.send(awarenessFrame([{ id, clock: 5, state: { marker: 'taken over' } }]))
    await marker(other, watcher, id + 1, 1, 'other is heard')
    expect(stateOf(watcher, id)?.marker).toBe('first owner')

    raw.close()
    await waitFor(() => !watcher.provider.awareness.getStates().has(id), { what: "the first owner's presence to go" })
    await marker(other, watcher, id, 9, 'second owner')
  })

  it('a socket introduces at most a few client ids', async () => {
    const { watcher, raw } = await setup()
    const many = Array.from({ length: 9 }, (_, i) => ({ id: 7000 + i, clock: 1, state: { marker: 'crowd' } }))
    raw.send(awarenessFrame(many))
    await marker(raw, watcher, 7000, 2, 'after the crowd')
    for (let i = 1; i < 8; i++) expect(stateOf(watcher, 7000 + i)?.marker).toBe('crowd')
    expect(watcher.provider.awareness.getStates().has(7008)).toBe(false)
    expect(denials(raw)).toEqual([expect.stringMatching(/at most 8 client ids/)])
  })
})

describe('presence size cap', () => {
  it("refuses a client state over MAX_PRESENCE_BYTES (default 32 KiB), keeps a tldraw presence with 1,000 selected shapes", async () => {
    const { watcher, raw } = await setup()
    const id = 5151
    // A tldraw instance_presence record with a 100-character name and 1,000 selected shapes: about 30 KB.
    const presence = {
      typeName: 'instance_presence',
      id: 'instance_presence:abc',
      userName: 'A'.repeat(100),
      selectedShapeIds: Array.from({ length: 1000 }, (_, i) => `shape:${String(i).padStart(21, 'x')}`),
      camera: { x: 123.456789, y: -987.654321, z: 0.8765 },
      cursor: { x: 1234.5678, y: 2345.6789, type: 'default', rotation: 0 },
    }
    expect(JSON.stringify({ presence }).length).toBeGreaterThan(28_000)
    raw.send(awarenessFrame([{ id, clock: 1, state: { presence } }]))
    await waitFor(() => (stateOf(watcher, id)?.presence as { selectedShapeIds: string[] } | undefined)?.selectedShapeIds.length === 1000, {
      what: 'the big-but-legal presence at the watcher',
    })

    raw.send(awarenessFrame([{ id, clock: 2, state: { marker: 'x'.repeat(40 * 1024) } }]))
    // Stale clocks too: applying an update parses every state in it, new or not.
    raw.send(awarenessFrame([{ id, clock: 1, state: { marker: 'y'.repeat(40 * 1024) } }]))
    await marker(raw, watcher, id, 3, 'small again')
    expect(denials(raw)).toEqual([expect.stringMatching(/more than the 32768 allowed/)])
    expect(raw.ws.readyState).toBe(raw.ws.OPEN)
  })

  it('is configurable, and many sockets with oversized presence cannot keep a joiner from the board', async () => {
    const { s, b, watcher } = await setup({ maxPresenceBytes: 1024 })
    const big: RawSocket[] = []
    for (let i = 0; i < 10; i++) {
      const sock = await openRaw(`${s.wsUrl}/${b.id}?token=${b.viewToken}`)
      raws.push(sock)
      sock.send(awarenessFrame([{ id: 9000 + i, clock: 1, state: { blob: 'y'.repeat(1024 * 1024) } }]))
      big.push(sock)
    }
    await waitFor(() => big.every((sock) => denials(sock).length === 1), { what: 'every oversized presence refused' })
    expect(denials(big[0])[0]).toMatch(/more than the 1024 allowed/)
    for (let i = 0; i < 10; i++) expect(watcher.provider.awareness.getStates().has(9000 + i)).toBe(false)
    const joiner = makeProvider(s.wsUrl, b.id, b.viewToken)
    await synced(joiner)
  })

  it('is validated at start', () => {
    expect(() => loadConfig({ MAX_PRESENCE_BYTES: '10' })).toThrow(ConfigError)
    expect(loadConfig({}).maxPresenceBytes).toBe(32 * 1024)
    expect(loadConfig({ MAX_PRESENCE_BYTES: '4096' }).maxPresenceBytes).toBe(4096)
  })
})
