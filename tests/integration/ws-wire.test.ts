// server/sync/ws-wire.ts writes whole websocket frames straight to the TCP socket. On a real ws server and
// client pair: what the client receives is exactly what was sent, at every header size, in order with the
// frames ws itself writes (its sends, pings); on the pinned ws the direct path is really taken, and with an
// extension negotiated it steps aside for ws.
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { checkWireAtStart, WIRE_FRAME_MAX_PAYLOAD, WireWriter, wireFrame } from '../../server/sync/ws-wire'
import { waitFor } from '../helpers/wait'

interface Pair {
  server: WebSocket
  client: WebSocket
  received: { data: Buffer; binary: boolean }[]
  pings: number
  close(): Promise<void>
}

const open: Pair[] = []
afterEach(async () => {
  for (const p of open.splice(0)) await p.close()
})

async function pair(options: { perMessageDeflate?: boolean } = {}): Promise<Pair> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: options.perMessageDeflate ?? false })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const port = (wss.address() as AddressInfo).port
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: options.perMessageDeflate ?? false })
  const p: Pair = {
    server: null as unknown as WebSocket,
    client,
    received: [],
    pings: 0,
    async close() {
      client.terminate()
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
  open.push(p)
  client.on('message', (data: Buffer, binary: boolean) => p.received.push({ data, binary }))
  client.on('ping', () => p.pings++)
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve())
    client.once('error', reject)
  })
  p.server = await serverSide
  return p
}

const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

describe('frames written straight to the socket', () => {
  it('the pinned ws lets the writer go direct, and the client gets every payload byte for byte at each header size', async () => {
    const p = await pair()
    const writer = new WireWriter(p.server)
    expect(writer.direct).toBe(true)
    // 7-bit, 16-bit and 64-bit lengths, at their edges, and one past the direct limit (ws sends that one).
    const sizes = [0, 1, 125, 126, 65_535, WIRE_FRAME_MAX_PAYLOAD, WIRE_FRAME_MAX_PAYLOAD + 1, 200_000]
    const sent = sizes.map((n, i) => payload(n, i))
    for (const m of sent) writer.send(m)
    await waitFor(() => p.received.length === sent.length, { what: 'every message' })
    p.received.forEach((r, i) => {
      expect(r.binary).toBe(true)
      expect(new Uint8Array(r.data)).toEqual(sent[i])
    })
  })

  it("keeps its frames in order with ws's own (text sends, pings) on the same socket", async () => {
    const p = await pair()
    const writer = new WireWriter(p.server)
    writer.send(payload(10, 1))
    p.server.send('text from ws')
    p.server.ping()
    writer.send(payload(300, 2))
    p.server.send(payload(5, 3))
    writer.send(payload(20, 4))
    await waitFor(() => p.received.length === 5 && p.pings === 1, { what: 'all frames' })
    expect(p.received.map((r) => (r.binary ? r.data.length : r.data.toString()))).toEqual([10, 'text from ws', 300, 5, 20])
  })

  it('one frame is built per payload, whatever the number of sockets', () => {
    const m = payload(50, 9)
    const a = wireFrame(m)
    expect(wireFrame(m)).toBe(a)
    expect([...a.subarray(0, 2)]).toEqual([0x82, 50])
    expect(wireFrame(payload(50, 9))).not.toBe(a) // another message of the same bytes gets its own
  })

  it('with an extension negotiated (permessage-deflate) it leaves every send to ws', async () => {
    const p = await pair({ perMessageDeflate: true })
    expect(p.server.extensions).toContain('permessage-deflate')
    const writer = new WireWriter(p.server)
    expect(writer.direct).toBe(false)
    const sent = [payload(3, 1), payload(40_000, 2)]
    for (const m of sent) writer.send(m)
    await waitFor(() => p.received.length === 2, { what: 'both messages' })
    expect(p.received.map((r) => new Uint8Array(r.data))).toEqual(sent)
  })

  it('falls back to ws.send when the internals it expects are missing, and its start-up check passes on the pinned ws', async () => {
    const sent: Uint8Array[] = []
    const fake = { send: (m: Uint8Array) => sent.push(m) } as unknown as import('ws').WebSocket
    const writer = new WireWriter(fake)
    expect(writer.direct).toBe(false)
    writer.cork() // nothing to cork: no error
    writer.send(payload(8, 5))
    writer.uncork()
    expect(sent).toHaveLength(1)
    expect(await checkWireAtStart(() => {})).toBe(true)
  })
})
