// Fuzz: thousands of random and mutated frames (and a few hundred odd HTTP requests) against one server,
// then check it still serves other rooms with their data intact, live and after a restart. Seeded, bounded,
// loopback only.
import * as encoding from 'lib0/encoding'
import { afterAll, describe, expect, it } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from '../../shared/protocol'
import { openRaw, type RawSocket } from '../helpers/raw-socket'
import { type CreatedBoard, createBoard, metric, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'
import { recordItems } from '../helpers/record-items'
import { YDOC_RECORDS } from '../../shared/record-layout'

const FRAMES = 4000
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611)

function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return { next, int, pick: <T>(xs: T[]) => xs[int(xs.length)] }
}
const rnd = prng(SEED)

const enc = (write: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

/** Valid frames of every kind, built from real Yjs docs. */
function corpus(): Uint8Array[] {
  const frames: Uint8Array[] = []
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < 40; i++) {
    const op = rnd.int(4)
    if (op === 0) recordItems(doc).push([`fuzz ${i}`, String(i)])
    if (op === 1) doc.getMap('m').set(`k${rnd.int(5)}`, rnd.next())
    if (op === 2) doc.getText('t').insert(0, 'héllo ✓ '.repeat(rnd.int(3) + 1))
    if (op === 3 && recordItems(doc).length > 0) recordItems(doc).delete(0, 1)
  }
  for (const u of updates) frames.push(enc((e) => (encoding.writeVarUint(e, MESSAGE_SYNC), encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, u))))
  const state = Y.encodeStateAsUpdate(doc)
  frames.push(enc((e) => (encoding.writeVarUint(e, MESSAGE_SYNC), encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, state))))
  frames.push(enc((e) => (encoding.writeVarUint(e, MESSAGE_SYNC), encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, Y.encodeStateVector(doc)))))
  const aw = new awarenessProtocol.Awareness(doc)
  aw.setLocalState({ user: { name: 'fuzzer', color: '#f00' }, cursor: { x: 1, y: 2 } })
  frames.push(enc((e) => (encoding.writeVarUint(e, MESSAGE_AWARENESS), encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID])))))
  aw.destroy()
  frames.push(enc((e) => encoding.writeVarUint(e, MESSAGE_QUERY_AWARENESS)))
  frames.push(enc((e) => (encoding.writeVarUint(e, MESSAGE_AUTH), encoding.writeVarUint(e, 0), encoding.writeVarString(e, 'x'))))
  return frames
}

function mutate(frame: Uint8Array): Uint8Array | string {
  const b = Uint8Array.from(frame)
  switch (rnd.int(10)) {
    case 0: // flip bits
      for (let i = 0; i < 1 + rnd.int(4); i++) if (b.length) b[rnd.int(b.length)] ^= 1 << rnd.int(8)
      return b
    case 1: // truncate
      return b.slice(0, rnd.int(b.length + 1))
    case 2: // random bytes
      return Uint8Array.from({ length: rnd.int(64) }, () => rnd.int(256))
    case 3: // random bytes after a valid type prefix
      return Uint8Array.from([rnd.int(4), rnd.int(3), ...Array.from({ length: rnd.int(40) }, () => rnd.int(256))])
    case 4: // insert a byte
      return Uint8Array.from([...b.slice(0, rnd.int(b.length + 1)), rnd.int(256), ...b.slice(rnd.int(b.length + 1))])
    case 5: // huge varint length / value
      return Uint8Array.from([rnd.int(4), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, ...b.slice(2)])
    case 6: // overwrite a byte with an edge value
      if (b.length) b[rnd.int(b.length)] = rnd.pick([0, 0x7f, 0x80, 0xff])
      return b
    case 7: // text frame
      return rnd.pick(['', 'hello', '{"type":"sync"}', '\u0000\uffff'])
    case 8: // duplicated tail
      return Uint8Array.from([...b, ...b.slice(rnd.int(b.length + 1))])
    default: // the valid frame itself
      return b
  }
}

let server: TestServer
afterAll(async () => {
  destroyProviders()
  await server?.close()
})

describe('fuzz', () => {
  it(`survives ${FRAMES} random and mutated frames (seed ${SEED}); other rooms keep their data`, { timeout: 60_000 }, async () => {
    server = await startTestServer({ floodRate: 100_000, floodBurst: 100_000, maxFrameBytes: 256 * 1024 })

    // Two boards with known content that must come through untouched.
    const keep: { board: CreatedBoard; items: string[] }[] = []
    for (const n of [1, 2]) {
      const board = await createBoard(server.url, `keep ${n}`)
      const c = makeProvider(server.wsUrl, board.id, board.editToken)
      await synced(c)
      const items = Array.from({ length: 10 }, (_, i) => `board ${n} item ${i}`)
      for (const it of items) c.items.push([it])
      const w = makeProvider(server.wsUrl, board.id, board.viewToken)
      await waitFor(() => w.items.length === items.length)
      keep.push({ board, items })
    }
    const victim = await createBoard(server.url, 'victim')

    // Targets: the victim board as editor, and a kept board as viewer (its writes must all be dropped).
    const targets = [
      `${server.wsUrl}/${victim.id}?token=${victim.editToken}`,
      `${server.wsUrl}/${keep[0].board.id}?token=${keep[0].board.viewToken}`,
    ]
    const base = corpus()
    const pool: (RawSocket | null)[] = Array(6).fill(null)
    let reconnects = 0
    for (let i = 0; i < FRAMES; i++) {
      const slot = rnd.int(pool.length)
      let sock = pool[slot]
      if (!sock || sock.ws.readyState !== sock.ws.OPEN) {
        sock = await openRaw(rnd.pick(targets))
        pool[slot] = sock
        reconnects++
      }
      sock.send(mutate(rnd.pick(base)))
      if (i % 50 === 0) await new Promise((r) => setImmediate(r))
    }
    for (const s of pool) s?.ws.terminate()
    expect(reconnects).toBeGreaterThan(10) // the fuzz did hit the error paths
    expect(await metric(server.url, 'outcome_board_protocol_errors_total')).toBeGreaterThan(10)

    // A few hundred odd HTTP requests too.
    const paths = ['/api/boards', `/api/boards/${victim.id}`, '/api/boards/%00', '/ws/..%2f', '/metrics', '/b/x']
    for (let i = 0; i < 300; i++) {
      const body = rnd.pick(['{', '[]', 'null', '{"title":' + '9'.repeat(rnd.int(400)) + '}', JSON.stringify({ title: 'x'.repeat(rnd.int(300)) }), ''])
      const path = rnd.pick(paths)
      const res = await fetch(`${server.url}${path}?token=${rnd.pick(['', 'x', victim.viewToken])}`, {
        method: rnd.pick(['GET', 'POST', 'PATCH', 'DELETE']),
        body: rnd.int(2) ? body : undefined,
        headers: { 'content-type': 'application/json' },
      }).catch(() => null)
      // 503 is the "client not built" page of the SPA routes; anything else 5xx is a server bug.
      const ok = res === null || res.status < 500 || (res.status === 503 && path.startsWith('/b/'))
      expect(ok, `${path}: HTTP ${res?.status}`).toBe(true)
      await res?.arrayBuffer()
    }

    // The server is healthy, kept boards have exactly their data and are still live.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    for (const { board, items } of keep) {
      const c = makeProvider(server.wsUrl, board.id, board.editToken)
      await synced(c)
      expect(c.items.toArray()).toEqual(items)
      expect([...c.doc.share.keys()].sort()).toEqual(['meta', YDOC_RECORDS])
      c.items.push(['after fuzz'])
      const w = makeProvider(server.wsUrl, board.id, board.viewToken)
      await waitFor(() => w.items.toArray().at(-1) === 'after fuzz', { what: 'kept board still live' })
    }
    // The fuzzed board itself is still served.
    const v = makeProvider(server.wsUrl, victim.id, victim.ownerToken)
    await synced(v)
    // Nothing the fuzz wrote outside the board's records was kept, and its tree still reads.
    expect([...v.doc.share.keys()].filter((k) => v.doc.share.get(k)!._start || v.doc.share.get(k)!._map.size).sort()).toEqual(['meta', YDOC_RECORDS])
    expect((await fetch(`${server.url}/api/boards/${victim.id}/tree?token=${victim.viewToken}`)).status).toBe(200)

    // And the stored data survives a restart.
    destroyProviders()
    await server.close()
    server = await startTestServer({ dataDir: server.dataDir })
    for (const { board, items } of keep) {
      const c = makeProvider(server.wsUrl, board.id, board.viewToken)
      await synced(c)
      expect(c.items.toArray()).toEqual([...items, 'after fuzz'])
    }
  })
})
