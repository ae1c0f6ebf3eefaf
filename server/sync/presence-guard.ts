// Presence (awareness) is checked before a room applies or relays it (room.ts, applyAwareness):
//  - a client id belongs to the socket that introduced it, for as long as that socket is in the room: no
//    other socket may set, change or remove (state null) its presence, so nobody can show a cursor under
//    someone else's id or make someone else's cursor disappear;
//  - one client's state is at most `maxBytes` of JSON, and a socket introduces at most a few client ids, so
//    the presence a room holds and sends to every joiner grows only with its sockets.
// The y-websocket client sends back every awareness change it applies, other clients' included (with their
// clocks, so they change nothing), and its removals of clients it has not heard from for 30 s (same clock,
// state null, which would remove them here too). Those are not attacks: entries that would change nothing
// pass as they are, and a same-clock removal of someone else's id is dropped silently. Any other entry that
// breaks a rule (an oversized state, a newer clock for someone else's id, one id too many) is dropped, and
// the rest of the update goes on; the socket stays open (its document sync is unaffected) and is told once,
// with a y-protocols permission-denied message naming the rule (the y-websocket client logs it). A socket
// that reconnects while its old one lingers (a dead peer not yet reaped) gets its id back once that one goes.
// The update is walked here (lengths read, states skipped), never parsed: a refusal costs next to nothing.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { Awareness } from 'y-protocols/awareness'
import type { Conn } from './conn'

/** Default cap on one client's presence state (its JSON, in bytes): a tldraw presence record with a long
 *  name and about a thousand selected shapes fits. */
export const DEFAULT_MAX_PRESENCE_BYTES = 32 * 1024
/** A y-websocket client introduces one client id per socket; the rest is slack for other clients. */
export const MAX_CLIENT_IDS_PER_SOCKET = 8

/** The server's own awareness client id: no socket may claim it. */
const SERVER = Symbol('server')
const NULL_STATE = 0x6e756c6c // "null"

export interface PresenceCheck {
  /** What may be applied: the update itself, the entries that passed re-encoded, or null when none did. */
  update: Uint8Array | null
  /** Why an entry was refused, when one was and the socket has not been told yet. */
  tell: string | null
}

interface Entry {
  id: number
  clock: number
  state: Uint8Array
}

export class PresenceGuard {
  private readonly owners = new Map<number, Conn | typeof SERVER>()
  private readonly owned = new Map<Conn, Set<number>>()
  private readonly told = new WeakSet<Conn>()

  constructor(
    private readonly awareness: Awareness,
    public maxBytes: number,
  ) {
    this.owners.set(awareness.clientID, SERVER)
  }

  /** What of `update` from `conn` may be applied; the client ids it introduces become its own. Throws on a
   *  malformed update, as applying it would. */
  check(conn: Conn, update: Uint8Array): PresenceCheck {
    const d = decoding.createDecoder(update)
    const entries: Entry[] = []
    for (let n = decoding.readVarUint(d); n > 0; n--) {
      const id = decoding.readVarUint(d)
      const clock = decoding.readVarUint(d)
      const state = decoding.readVarUint8Array(d) // the state's JSON: a view, not a copy, never parsed
      entries.push({ id, clock, state })
    }
    let refused: string | null = null
    const kept = entries.filter((entry) => {
      const why = this.refusal(conn, entry)
      if (why !== undefined) refused ??= why
      return why === undefined
    })
    let tell: string | null = null
    if (refused !== null && !this.told.has(conn)) {
      this.told.add(conn)
      tell = refused
    }
    if (kept.length === entries.length) return { update, tell }
    return { update: kept.length > 0 ? encode(kept) : null, tell }
  }

  /** The socket left the room: its client ids are free again. */
  release(conn: Conn): void {
    const mine = this.owned.get(conn)
    if (!mine) return
    for (const id of mine) if (this.owners.get(id) === conn) this.owners.delete(id)
    this.owned.delete(conn)
  }

  /** undefined when the entry may be applied (claiming its id for `conn` if it is new and sets a state);
   *  else why not (null: dropped silently). */
  private refusal(conn: Conn, { id, clock, state }: Entry): string | null | undefined {
    // Checked first: applying an update parses every state in it, whether its clock is new or not.
    if (state.byteLength > this.maxBytes) {
      return `presence refused: a client's state is ${state.byteLength} bytes, more than the ${this.maxBytes} allowed`
    }
    const current = this.awareness.meta.get(id)?.clock
    const isNull = state.byteLength === 4 && new DataView(state.buffer, state.byteOffset, 4).getUint32(0) === NULL_STATE
    const newer = current === undefined || clock > current
    const removes = clock === current && isNull && this.awareness.states.has(id)
    if (!newer && !removes) return undefined // an echo: applying it changes nothing
    const owner = this.owners.get(id)
    if (owner !== undefined && owner !== conn) {
      return newer ? `presence refused: client id ${id} belongs to another connection` : null
    }
    if (owner === undefined && !isNull) {
      const mine = this.owned.get(conn) ?? new Set<number>()
      if (mine.size >= MAX_CLIENT_IDS_PER_SOCKET) {
        return `presence refused: a connection may introduce at most ${MAX_CLIENT_IDS_PER_SOCKET} client ids`
      }
      mine.add(id)
      this.owned.set(conn, mine)
      this.owners.set(id, conn)
    }
    return undefined
  }

  /** Client ids `conn` owns (tests and diagnostics). */
  ownedBy(conn: Conn): ReadonlySet<number> {
    return this.owned.get(conn) ?? new Set()
  }
}

/** An awareness update holding `entries`. */
function encode(entries: Entry[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, entries.length)
  for (const { id, clock, state } of entries) {
    encoding.writeVarUint(e, id)
    encoding.writeVarUint(e, clock)
    encoding.writeVarUint8Array(e, state)
  }
  return encoding.toUint8Array(e)
}

/** One guard per room, kept beside its awareness instance (the room is created before the server's
 *  settings reach it: ws-route.ts sets the cap with configurePresenceGuard as sockets join). */
const guards = new WeakMap<Awareness, PresenceGuard>()

export function presenceGuard(awareness: Awareness): PresenceGuard {
  let guard = guards.get(awareness)
  if (!guard) {
    guard = new PresenceGuard(awareness, DEFAULT_MAX_PRESENCE_BYTES)
    guards.set(awareness, guard)
  }
  return guard
}

/** Sets the room's presence cap; ws-route.ts calls it as each socket joins, before any of its frames. */
export function configurePresenceGuard(awareness: Awareness, maxBytes: number): void {
  presenceGuard(awareness).maxBytes = maxBytes
}
