// The fan-out port: how a room's traffic reaches the other server processes serving the same board. Local
// sockets are always served first by the room itself; the port carries what the other processes must
// deliver to theirs: stored document updates, presence, board events, token revocations, deletions. A
// message that came from another process is applied and delivered locally, never stored or published again.
// One process alone uses `localFanout` (publishes nowhere); several use Redis (redis-fanout.ts).
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { Role } from '../store/types'

export type FanoutMessage =
  /** A document update already committed to storage (its sequence number: how far this board's log goes). */
  | { kind: 'update'; update: Uint8Array; seq: number }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'event'; event: unknown }
  /** Close the sockets opened with these roles' (rotated) tokens. */
  | { kind: 'revoke'; roles: Role[] }
  | { kind: 'deleted' }

export interface Fanout {
  /** False for a process alone: nothing needs encoding for others. */
  readonly remote: boolean
  /** Sends to every other process serving the board (never back to this one). */
  publish(boardId: string, message: FanoutMessage): void
  /** Messages for a board from other processes, until the returned function is called. */
  subscribe(boardId: string, handler: (message: FanoutMessage) => void): () => void
  /** Called after the link to the other processes was lost and is back: anything sent meanwhile was missed. */
  onResume(fn: () => void): void
  /** False while the link is down (shown by /healthz). */
  readonly healthy: boolean
  close(): Promise<void>
}

/** One process: nobody else to tell. */
export function localFanout(): Fanout {
  return {
    remote: false,
    publish() {},
    subscribe: () => () => {},
    onResume() {},
    healthy: true,
    async close() {},
  }
}

const KINDS = ['update', 'awareness', 'event', 'revoke', 'deleted'] as const

/** The wire form between processes: sender id, kind, then the kind's payload (binary for Yjs data). */
export function encodeFanout(sender: string, message: FanoutMessage): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, sender)
  encoding.writeVarUint(e, KINDS.indexOf(message.kind))
  switch (message.kind) {
    case 'update':
      encoding.writeVarUint(e, message.seq)
      encoding.writeVarUint8Array(e, message.update)
      break
    case 'awareness':
      encoding.writeVarUint8Array(e, message.update)
      break
    case 'event':
      encoding.writeVarString(e, JSON.stringify(message.event))
      break
    case 'revoke':
      encoding.writeVarString(e, JSON.stringify(message.roles))
      break
    case 'deleted':
      break
  }
  return encoding.toUint8Array(e)
}

export function decodeFanout(data: Uint8Array): { sender: string; message: FanoutMessage } {
  const d = decoding.createDecoder(data)
  const sender = decoding.readVarString(d)
  const kind = KINDS[decoding.readVarUint(d)]
  switch (kind) {
    case 'update': {
      const seq = decoding.readVarUint(d)
      return { sender, message: { kind, seq, update: decoding.readVarUint8Array(d) } }
    }
    case 'awareness':
      return { sender, message: { kind, update: decoding.readVarUint8Array(d) } }
    case 'event':
      return { sender, message: { kind, event: JSON.parse(decoding.readVarString(d)) } }
    case 'revoke':
      return { sender, message: { kind, roles: JSON.parse(decoding.readVarString(d)) as Role[] } }
    case 'deleted':
      return { sender, message: { kind } }
    default:
      throw new Error('unknown fan-out message')
  }
}
