// The y-websocket wire format, read and written in one place. One message per frame: a varUint message type
// (shared/protocol.ts) followed by its payload, built with y-protocols' sync/awareness/auth encoders.
// `decodeClientMessage` is strict: unknown types, truncated payloads and trailing bytes throw ProtocolError.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as authProtocol from 'y-protocols/auth'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import {
  MESSAGE_AUTH,
  MESSAGE_AWARENESS,
  MESSAGE_BOARD_EVENT,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  SYNC_STEP_1,
  SYNC_STEP_2,
  SYNC_UPDATE,
} from '../../shared/protocol'

export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

export type ClientMessage =
  | { type: 'sync-step-1'; stateVector: Uint8Array }
  | { type: 'sync-step-2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'auth' }

export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const d = decoding.createDecoder(frame)
    const message = read(d)
    if (decoding.hasContent(d)) throw new ProtocolError('trailing bytes after the message')
    return message
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`malformed message: ${(err as Error).message}`)
  }
}

function read(d: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(d)
  switch (type) {
    case MESSAGE_SYNC: {
      const sub = decoding.readVarUint(d)
      if (sub === SYNC_STEP_1) {
        const stateVector = decoding.readVarUint8Array(d)
        Y.decodeStateVector(stateVector) // validates
        return { type: 'sync-step-1', stateVector }
      }
      if (sub === SYNC_STEP_2) return { type: 'sync-step-2', update: decoding.readVarUint8Array(d) }
      if (sub === SYNC_UPDATE) return { type: 'sync-update', update: decoding.readVarUint8Array(d) }
      throw new ProtocolError(`unknown sync message ${sub}`)
    }
    case MESSAGE_AWARENESS:
      return { type: 'awareness', update: decoding.readVarUint8Array(d) }
    case MESSAGE_QUERY_AWARENESS:
      return { type: 'query-awareness' }
    case MESSAGE_AUTH:
      // Only the server sends auth messages; accept a well-formed one from a client and ignore it.
      decoding.readVarUint(d)
      decoding.readVarString(d)
      return { type: 'auth' }
    default:
      throw new ProtocolError(`unknown message type ${type}`)
  }
}

/** Frames are Buffers over the encoder's bytes: ws sends a Buffer as it is, but wraps any other Uint8Array in
 *  a new Buffer on every send, and one frame goes to every socket of a room. */
const frame = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder()
  write(e)
  const bytes = encoding.toUint8Array(e)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export const encodeSyncStep1 = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, doc)
  })

export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep2(e, doc, stateVector)
  })

/** A sync step 2 carrying `update` as it is (the same bytes encodeSyncStep2 writes for the update it builds). */
export const encodeSyncStep2Update = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC)
    encoding.writeVarUint(e, SYNC_STEP_2)
    encoding.writeVarUint8Array(e, update)
  })

/** True for the state vector of a client that has nothing (a fresh client's sync step 1). */
export const isEmptyStateVector = (stateVector: Uint8Array) => stateVector.length === 1 && stateVector[0] === 0

export const encodeSyncUpdate = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeUpdate(e, update)
  })

export const encodeAwareness = (awareness: awarenessProtocol.Awareness, clients: number[]) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  })

export const encodePermissionDenied = (reason: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AUTH)
    authProtocol.writePermissionDenied(e, reason)
  })

export const encodeBoardEvent = (event: unknown) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_BOARD_EVENT)
    encoding.writeVarString(e, JSON.stringify(event))
  })

/** An awareness update about zero clients: valid, changes nothing, resets the client's silence timer. */
export const KEEPALIVE_FRAME = frame((e) => {
  encoding.writeVarUint(e, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(e, frame((inner) => encoding.writeVarUint(inner, 0)))
})

/** True for the update that carries nothing (what a fresh client sends as its sync step 2). */
export const isEmptyUpdate = (update: Uint8Array) => update.length === 2 && update[0] === 0 && update[1] === 0
