// server/sync/presence-outbox.ts: presence goes out at once when it has been quiet, and together at the end
// of the interval when changes come close; never back to a lone sender; not to a socket far behind.
import * as decoding from 'lib0/decoding'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { MESSAGE_AWARENESS } from '../../shared/protocol'
import type { Conn } from '../../server/sync/conn'
import { AWARENESS_SKIP_BUFFERED_BYTES, PresenceOutbox } from '../../server/sync/presence-outbox'

interface FakeConn extends Conn {
  frames: Uint8Array[]
  bufferedAmount: number
}

let nextId = 1
function fakeConn(): FakeConn {
  const frames: Uint8Array[] = []
  return {
    id: nextId++,
    role: 'editor',
    awarenessIds: new Set(),
    isOpen: true,
    bufferedAmount: 0,
    frames,
    send: (frame) => void frames.push(frame),
    close() {},
  }
}

/** The client ids and states an awareness frame carries. */
function statesIn(frame: Uint8Array): Map<number, unknown> {
  const d = decoding.createDecoder(frame)
  expect(decoding.readVarUint(d)).toBe(MESSAGE_AWARENESS)
  const inner = decoding.createDecoder(decoding.readVarUint8Array(d))
  const out = new Map<number, unknown>()
  for (let n = decoding.readVarUint(inner); n > 0; n--) {
    const id = decoding.readVarUint(inner)
    decoding.readVarUint(inner) // clock
    out.set(id, JSON.parse(decoding.readVarString(inner)))
  }
  return out
}

/** The server's awareness, holding a state for `clientId` as a client's message would set it. */
function setRemoteState(awareness: awarenessProtocol.Awareness, clientId: number, state: Record<string, unknown>, clock: number) {
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  other.clientID = clientId
  other.doc.clientID = clientId
  other.setLocalState(state)
  other.meta.set(clientId, { clock, lastUpdated: Date.now() })
  awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [clientId]), null)
  other.destroy()
}

describe('PresenceOutbox', () => {
  let awareness: awarenessProtocol.Awareness
  let a: FakeConn, b: FakeConn, c: FakeConn
  let conns: Set<Conn>
  beforeEach(() => {
    vi.useFakeTimers()
    awareness = new awarenessProtocol.Awareness(new Y.Doc())
    awareness.setLocalState(null)
    ;[a, b, c] = [fakeConn(), fakeConn(), fakeConn()]
    conns = new Set([a, b, c])
  })
  afterEach(() => {
    awareness.destroy()
    vi.useRealTimers()
  })

  it('sends a change at once after a quiet spell, to everyone but its sender', () => {
    const outbox = new PresenceOutbox(awareness, conns, 20)
    setRemoteState(awareness, 101, { cursor: 1 }, 1)
    outbox.add([101], a)
    expect(a.frames).toHaveLength(0)
    expect(b.frames.map(statesIn)).toEqual([new Map([[101, { cursor: 1 }]])])
    expect(c.frames).toHaveLength(1)
  })

  it('holds changes that come within the interval and sends them together, as they are at its end', () => {
    const outbox = new PresenceOutbox(awareness, conns, 20)
    setRemoteState(awareness, 101, { cursor: 1 }, 1)
    outbox.add([101], a) // at once
    vi.advanceTimersByTime(5)
    setRemoteState(awareness, 102, { cursor: 2 }, 1)
    outbox.add([102], b)
    setRemoteState(awareness, 101, { cursor: 3 }, 2)
    outbox.add([101], a)
    expect(c.frames).toHaveLength(1) // nothing more yet
    vi.advanceTimersByTime(14)
    expect(c.frames).toHaveLength(1)
    vi.advanceTimersByTime(1) // 20 ms after the first went out
    expect(c.frames).toHaveLength(2)
    expect(statesIn(c.frames[1])).toEqual(new Map([[101, { cursor: 3 }], [102, { cursor: 2 }]]))
    // Two senders: each gets the frame too (its own state in it changes nothing for it).
    expect(a.frames).toHaveLength(1)
    expect(b.frames).toHaveLength(2)
  })

  it('with an interval of 0 sends every change at once', () => {
    const outbox = new PresenceOutbox(awareness, conns, 0)
    for (let i = 1; i <= 3; i++) {
      setRemoteState(awareness, 101, { cursor: i }, i)
      outbox.add([101], a)
    }
    expect(b.frames.map(statesIn)).toEqual([1, 2, 3].map((i) => new Map([[101, { cursor: i }]])))
  })

  it("sends a removal (a closed connection's states, from the server) to everyone", () => {
    const outbox = new PresenceOutbox(awareness, conns, 20)
    setRemoteState(awareness, 101, { cursor: 1 }, 1)
    awarenessProtocol.removeAwarenessStates(awareness, [101], null)
    outbox.add([101], null)
    for (const conn of [a, b, c]) expect(conn.frames.map(statesIn)).toEqual([new Map([[101, null]])])
  })

  it('skips a socket with too much unsent data, and drops what is pending when closed', () => {
    const outbox = new PresenceOutbox(awareness, conns, 20)
    c.bufferedAmount = AWARENESS_SKIP_BUFFERED_BYTES
    setRemoteState(awareness, 101, { cursor: 1 }, 1)
    outbox.add([101], a)
    expect(b.frames).toHaveLength(1)
    expect(c.frames).toHaveLength(0)
    setRemoteState(awareness, 101, { cursor: 2 }, 2)
    outbox.add([101], a)
    outbox.close()
    vi.advanceTimersByTime(100)
    expect(b.frames).toHaveLength(1)
  })
})
