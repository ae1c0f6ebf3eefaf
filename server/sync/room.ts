// One board's live document: a Y.Doc and an awareness instance shared by every connection to the board.
//
// Every input (a client message, a join, a server-side change) goes through one queue, handled in order:
//  1. the room loads the board's stored updates before it applies anything (inputs wait in the queue; only
//     sync step 1s are answered early from a compacted board's stored row, see answerBeforeBuilding);
//  2. everything queued when a drain starts (once per event-loop turn) is one batch, applied to the doc; each
//     client edit is checked as it is applied (write-guard.ts) and undone in the same transaction when it
//     would break the board; whatever the doc emits as 'update' is collected;
//  3. the collected updates are appended to the store (one transaction, committed) and only then relayed to
//     the other connections, followed by the replies the batch produced (so no client ever sees state that
//     a crash could lose);
//  4. when the stored log piles up it is compacted into one row.
// Presence (awareness) is stored nowhere: it skips the queue, unless updates are waiting in it (see receive),
// and goes out at most every presenceIntervalMs, changes in between together (presence-outbox.ts).
// A lone edit in an idle room takes the same route without the queue: applied, checked, stored and relayed in
// its socket's handler (relayNow).
// A failed load or write fails the room: every connection is closed with 1011, nothing more is stored, and
// the registry drops the room, so the next connection reloads from what is safely stored (Hocuspocus
// refuses to store a document whose load failed; so do we).
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { YDOC_META, YDOC_RECORDS_V1, type JsonRecord } from '../../shared/model'
import { CLOSE_INTERNAL_ERROR, CLOSE_POLICY_VIOLATION, CLOSE_PROTOCOL_ERROR, CLOSE_RELOAD, RELOAD_REASON } from '../../shared/protocol'
import { LAYOUT, layoutOf } from '../../shared/record-layout'
import { carryLegacyEntries, convertLayout } from '../layout-carry'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import type { DocumentLog } from '../store/types'
import type { Conn } from './conn'
import type { Fanout, FanoutMessage } from './fanout'
import { PresenceOutbox } from './presence-outbox'
import { presenceGuard } from './presence-guard'
import { WriteGuard, updateNamesProblem } from './write-guard'
import {
  type ClientMessage,
  encodeAwareness,
  encodeBoardEvent,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncStep2Update,
  encodeSyncUpdate,
  isEmptyStateVector,
  isEmptyUpdate,
} from './protocol'

export interface RoomDeps {
  /** The document log: a room loads, appends and compacts its board's updates, nothing else. */
  store: DocumentLog
  metrics: Metrics
  log: Logger
  compactRows: number
  compactBytes: number
  /** Presence goes out at most this often per room (see presence-outbox.ts); 0: every change at once. */
  presenceIntervalMs: number
  /** A client edit that would grow the board's stored document past this many bytes is refused. */
  maxBoardBytes: number
  /** Told when a room is ready and before it frees its doc (version history: server/versions/). */
  observer?: RoomObserver
  /** The other processes serving this board (fanout.ts): told of every stored update and presence change. */
  fanout: Fanout
}

/** Watches rooms from outside: `loaded` once the doc is ready; `closing` (awaited) before close() frees it. */
export interface RoomObserver {
  loaded(room: Room): void
  closing(room: Room): Promise<void>
  /** A layout-1 board is being converted (layout-carry.ts): keep its records as they were, as a version and
   *  as the base later layout-1 edits are compared with. */
  converting?(boardId: string, records: JsonRecord[]): Promise<void>
  /** The records a layout-1 board held when it was converted, or null when none are kept. */
  conversionBase?(boardId: string): Promise<ReadonlyMap<string, JsonRecord> | null>
}

/** The doc's whole state is kept as bytes (see `fullState`) only from this size: below it, encoding is cheap
 *  and keeping a copy would only add to every small room's memory. */
export const FULL_STATE_CACHE_MIN_BYTES = 64 * 1024
const LOAD_ORIGIN = Symbol('load')
/** What another process stored and relayed: delivered to this process's sockets, never stored or published. */
const REMOTE_ORIGIN = Symbol('remote')
/** A connection that sends this many refused edits is closed: an honest client makes one now and then. */
export const MAX_REFUSED_WRITES = 20

/** An update to store and relay, and where it came from (not relayed back there; null: relayed to all). */
type PendingUpdate = { update: Uint8Array; origin: unknown }
type ServerJob = {
  kind: 'server'
  fn: (doc: Y.Doc) => void
  origin: unknown
  resolve: () => void
  reject: (err: unknown) => void
}
/** The longest a loaded board's doc waits to be built while only joins and sync step 1s came. */
const PREBUILD_WAIT_MS = 250

/** The bytes `meta.layout = 2` is stored as (its key, then the number), written out in full in any stored
 *  state of a layout-2 board: found without decoding the row, it tells that the row needs no conversion. */
const LAYOUT_2_MARKER = (() => {
  const doc = new Y.Doc()
  doc.getMap(YDOC_META).set('layout', LAYOUT)
  const update = Buffer.from(Y.encodeStateAsUpdate(doc))
  doc.destroy()
  const at = update.indexOf(Buffer.from('layout'))
  return update.subarray(at - 1, update.length - 1) // the key's length byte to the value (the last byte is the empty delete set)
})()
const isLayout2Row = (row: Uint8Array): boolean => Buffer.from(row.buffer, row.byteOffset, row.byteLength).indexOf(LAYOUT_2_MARKER) >= 0

/** Jobs that don't start the doc's build: answered from the stored state, or presence (awareness waits in
 *  the queue for the build, at most PREBUILD_WAIT_MS, and is applied in order). */
const mayWaitForBuild = (job: Job): boolean =>
  job.kind === 'join' ||
  (job.kind === 'message' && (job.msg.type === 'sync-step-1' || job.msg.type === 'awareness' || job.msg.type === 'query-awareness'))

/** A frame for one connection, or a function that builds it when it is sent. */
type Reply = [Conn, Uint8Array | (() => Uint8Array)]
type Job = { kind: 'join'; conn: Conn } | { kind: 'message'; conn: Conn; msg: ClientMessage } | ServerJob

export type RoomState = 'loading' | 'ready' | 'failed' | 'closed'

export class Room {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly conns = new Set<Conn>()
  private readonly presence: PresenceOutbox
  state: RoomState = 'loading'
  /** Called once when a load or a write fails; the registry forgets the room. */
  onFailed: ((room: Room) => void) | null = null

  private inbox: Job[] = []
  private draining: Promise<void> | null = null
  private pending: PendingUpdate[] = []
  private readonly loaded: Promise<void>
  private lastSeq = 0
  private rowsSinceCompact = 0
  /** Bytes of the stored rows: the compacted (or loaded) state, and what was appended after it. Their sum is
   *  what the board's size cap is held against. */
  private baseBytes = 0
  private logBytes = 0
  private deniedNotified = new WeakSet<Conn>()
  private readonly guard: WriteGuard
  /** Transactions whose client edit was refused and undone: what they emit goes to every connection. */
  private readonly refused = new WeakSet<Y.Transaction>()
  private refusals = new WeakMap<Conn, number>()
  /** A refused edit found the board near its size cap: compact at the next drain to measure it afresh. */
  private compactSoon = false
  /** A drain is scheduled and has not taken its batch yet (presence queues behind it, see receive). */
  private batchWaiting = false
  /** An edit was relayed at once in this event-loop turn (see relayNow). */
  private relayedNowThisTurn = false
  /** An update holding the doc's whole state as it is now, to answer sync step 1 without re-encoding a big
   *  doc: the stored row after a load that found one row (a compacted board), the state written by the last
   *  compaction, or the last full encode. Dropped at the doc's next change. */
  private fullState: Uint8Array | null = null
  /** While a compacted board's doc is not built yet: its stored state (see answerBeforeBuilding). */
  private prebuildState: Uint8Array | null = null
  private buildNeeded = false
  private startBuild: (() => void) | null = null

  constructor(
    readonly boardId: string,
    private readonly deps: RoomDeps,
    /** Settles when an earlier instance of this room has finished flushing; we load after it. */
    after: Promise<unknown> = Promise.resolve(),
  ) {
    this.awareness.setLocalState(null) // the server has no presence of its own
    this.presence = new PresenceOutbox(this.awareness, this.conns, deps.presenceIntervalMs)
    this.guard = new WriteGuard(this.doc)
    this.doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
      if (origin === LOAD_ORIGIN) return
      this.fullState = null
      if (origin === REMOTE_ORIGIN) return this.relay([{ update, origin: null }])
      this.pending.push({ update, origin: this.refused.has(tr) ? null : origin })
    })
    this.awareness.on('update', this.onAwarenessUpdate)
    this.loaded = after.then(
      () => this.load(),
      () => this.load(),
    )
  }

  /** Resolves once the stored state is loaded (or the load failed: check `state`). */
  whenLoaded(): Promise<void> {
    this.needDoc()
    return this.loaded
  }

  /** The doc with every stored edit applied: what server code reads (after whenLoaded). */
  currentDoc(): Y.Doc {
    return this.doc
  }

  addConn(conn: Conn): void {
    this.conns.add(conn)
    this.enqueue({ kind: 'join', conn })
  }

  removeConn(conn: Conn): void {
    if (!this.conns.delete(conn)) return
    if (conn.awarenessIds.size > 0 && this.state === 'ready') {
      // Like the reference server: the client's cursor disappears for everyone else at once.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null)
    }
    presenceGuard(this.awareness).release(conn) // its client ids are free for whoever comes next
  }

  receive(conn: Conn, msg: ClientMessage): void {
    // Presence is not stored and changes nothing that is: once the room is ready it is applied and relayed
    // at once, as the reference server does, rather than queued for a drain (a loop turn and a batch's
    // promises for each of every client's 10 Hz frames). But when document updates are already waiting for
    // their batch to start (they arrived earlier in this loop turn), it goes behind them: a cursor must not
    // delay an edit that came before it. (While a batch waits for its commit, presence still goes at once.)
    // Before the room is ready it waits in the queue, in order.
    if (msg.type === 'awareness' && this.state === 'ready' && !this.batchWaiting) return this.applyAwareness(conn, msg.update)
    if (msg.type === 'sync-update' && this.relayNow(conn, msg.update)) return
    this.enqueue({ kind: 'message', conn, msg })
  }

  /** Runs `fn` in one transaction on the doc, persists what it changed, then relays it to every connection.
   *  Resolves after the relay; rejects when `fn` throws (changes made before the throw are still kept) or the
   *  store fails. */
  applyServerChange(fn: (doc: Y.Doc) => void, origin: unknown = 'server'): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.state === 'failed' || this.state === 'closed') {
        reject(new Error(`room ${this.boardId} is ${this.state}`))
        return
      }
      this.enqueue({ kind: 'server', fn, origin, resolve, reject })
    })
  }

  /** Sends a JSON board event (MESSAGE_BOARD_EVENT) to every open connection. Not stored. */
  broadcastEvent(event: unknown): void {
    const frame = encodeBoardEvent(event)
    for (const conn of this.conns) conn.send(frame)
  }

  /** Finishes queued work (persisting it), compacts if useful, and frees the doc. */
  async close(): Promise<void> {
    this.needDoc()
    await this.loaded
    while (this.draining) await this.draining
    if (this.state === 'ready' && this.rowsSinceCompact > 1) await this.compact()
    if (this.state === 'ready' && this.deps.observer) {
      await this.deps.observer.closing(this).catch((err) => this.deps.log.error({ boardId: this.boardId, err }, 'room observer failed'))
      while (this.draining) await this.draining // anything queued meanwhile is stored too
    }
    if (this.state !== 'failed') this.state = 'closed'
    for (const job of this.inbox) if (job.kind === 'server') job.reject(new Error('room closed'))
    this.inbox = []
    this.awareness.off('update', this.onAwarenessUpdate)
    this.presence.close()
    this.awareness.destroy()
    this.guard.destroy()
    this.fullState = null
    this.doc.destroy()
  }

  private async load(): Promise<void> {
    try {
      const stored = await this.deps.store.loadUpdates(this.boardId)
      if (stored.updates.length === 1 && stored.updates[0].byteLength >= FULL_STATE_CACHE_MIN_BYTES && isLayout2Row(stored.updates[0])) {
        await this.answerBeforeBuilding(stored.updates[0])
      }
      this.doc.transact(() => {
        for (const update of stored.updates) this.applyStored(update)
      }, LOAD_ORIGIN)
      if (stored.updates.length === 1) this.keepFullState(stored.updates[0])
      this.lastSeq = stored.lastSeq
      this.rowsSinceCompact = stored.updates.length
      this.baseBytes = stored.bytes
      this.logBytes = 0
      await this.convertLayout()
      this.state = 'ready'
      this.deps.observer?.loaded(this)
      this.deps.log.debug({ boardId: this.boardId, rows: stored.updates.length, bytes: stored.bytes }, 'room loaded')
    } catch (err) {
      this.fail('load', err)
    }
  }

  /** A layout-1 board becomes layout 2 before any client gets it: its records are kept as a version, then
   *  the conversion is stored. Layout-1 entries left by a client whose edit was applied but not yet carried
   *  (the process stopped in between) are carried now. */
  private async convertLayout(): Promise<void> {
    if (layoutOf(this.doc) === 1) {
      const converted = convertLayout(this.doc, LOAD_ORIGIN)
      if (!converted) return
      this.fullState = null
      await this.deps.observer?.converting?.(this.boardId, converted.records).catch((err) =>
        this.deps.log.error({ boardId: this.boardId, err }, 'could not keep the board as it was before its conversion'),
      )
      await this.persist([converted.update])
      this.publish([{ update: converted.update, origin: null }])
      this.deps.log.info({ boardId: this.boardId, records: converted.records.length }, 'board converted to layout 2')
    } else if (this.doc.getArray(YDOC_RECORDS_V1).length > 0) {
      const sv = Y.encodeStateVector(this.doc)
      const base = await this.conversionBase()
      this.doc.transact(() => carryLegacyEntries(this.doc, base, (records, key) => this.guard.recordsProblem(records, key)), LOAD_ORIGIN)
      this.fullState = null
      await this.persist([Y.encodeStateAsUpdate(this.doc, sv)])
    }
  }

  private conversionBase(): Promise<ReadonlyMap<string, JsonRecord> | null> {
    const get = this.deps.observer?.conversionBase
    return get ? get(this.boardId).catch(() => null) : Promise.resolve(null)
  }

  /** Carries the layout-1 entries a client's accepted edit brought (see layout-carry.ts). */
  private carryLegacy(): void {
    void this.conversionBase()
      .then((base) => this.applyServerChange((doc) => carryLegacyEntries(doc, base, (records, key) => this.guard.recordsProblem(records, key)), 'carry'))
      .catch((err) => this.deps.log.warn({ boardId: this.boardId, err: (err as Error).message }, 'could not carry layout-1 edits'))
  }

  /** A stored update that fails to integrate (stored by an older server that relayed updates as they came)
   *  failed the same way in the live doc, so the load goes on without it, as the room did. */
  private applyStored(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.doc, update, LOAD_ORIGIN)
    } catch (err) {
      this.deps.log.warn({ boardId: this.boardId, err: (err as Error).message }, 'a stored update does not apply; skipped')
    }
  }

  /** Building a big board's doc from its stored state takes a while (1.7 MB: 100–170 ms), and the first
   *  client's sync step 1 usually arrives meanwhile and would wait for it, then for an encode of the whole
   *  doc. When the board is stored as one row (compacted), that row is exactly the doc's state, so sync step 1
   *  can be answered from it before the doc exists, and a fresh client's empty sync step 2 needs no doc
   *  either: the client gets the board and applies it without the build competing for the CPU. The join's
   *  own sync step 1 waits for the build: its state vector, read from the row, would decode all of it (as
   *  long as the build itself) in front of the step 2 the client waits
   *  for; only a client with edits of its own needs that step 1, and it can wait for the build. Everything
   *  else waits in the queue as usual; a job that needs the doc (a write above all), a read of the doc by
   *  server code, or close() starts the build at once, and it starts anyway after PREBUILD_WAIT_MS. */
  private async answerBeforeBuilding(state: Uint8Array): Promise<void> {
    this.prebuildState = state
    // Joins and sync step 1s that came while the rows were being read.
    const waiting = this.inbox.splice(0)
    for (const job of waiting) if (!this.answerPrebuild(job)) this.inbox.push(job)
    if (!this.inbox.every(mayWaitForBuild)) this.needDoc()
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.needDoc(), PREBUILD_WAIT_MS)
      timer.unref()
      this.startBuild = () => {
        clearTimeout(timer)
        resolve()
      }
      if (this.buildNeeded) this.startBuild()
    })
    this.prebuildState = null
  }

  /** Answers a sync step 1 from the stored state before the doc is built; false if it can't (a join, with its
   *  own step 1 and the room's presence, waits for the build). */
  private answerPrebuild(job: Job): boolean {
    const state = this.prebuildState
    if (!state || job.kind !== 'message') return false
    const { conn } = job
    // A fresh client's sync step 2 carries nothing; applying it would change nothing, so it needs no doc.
    if ((job.msg.type === 'sync-step-2' || job.msg.type === 'sync-update') && isEmptyUpdate(job.msg.update)) return true
    if (job.msg.type !== 'sync-step-1') return false
    const { stateVector } = job.msg
    if (!conn.isOpen) return true
    conn.send(encodeSyncStep2Update(isEmptyStateVector(stateVector) ? state : Y.diffUpdate(state, stateVector)))
    this.deps.metrics.syncFromState++
    return true
  }

  private needDoc(): void {
    this.buildNeeded = true
    this.startBuild?.()
  }

  private enqueue(job: Job): void {
    if (this.state === 'failed' || this.state === 'closed') {
      if (job.kind === 'server') job.reject(new Error(`room ${this.boardId} is ${this.state}`))
      return
    }
    if (this.prebuildState && !this.buildNeeded) {
      if (this.answerPrebuild(job)) return
      if (!mayWaitForBuild(job)) this.needDoc()
    }
    this.inbox.push(job)
    this.kick()
  }

  private kick(): void {
    if (this.draining) return
    // The drain starts on the next check phase (setImmediate), after every I/O callback of this loop turn:
    // frames that arrived together from many sockets are handled as one batch (one transaction, one relay
    // pass) instead of one transaction per frame with each relay waiting for the commits before it.
    // `draining` is set now, so close() waits for work that is queued but not started.
    // Nothing in drain() is expected to throw; if something does, this room fails (its clients reconnect and
    // reload what is stored) instead of an unhandled rejection taking the whole process down.
    this.batchWaiting = true
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch((err) => this.fail('internal', err))
      .finally(() => {
        this.draining = null
        if (this.inbox.length > 0 && this.state === 'ready') this.kick()
      })
  }

  private async drain(): Promise<void> {
    this.batchWaiting = false
    await this.loaded
    // Updates left pending by relayNow (the store could not commit at once) are stored by a batch too.
    while ((this.inbox.length > 0 || this.pending.length > 0) && this.state === 'ready') {
      const batch = this.inbox.splice(0)
      const done: ServerJob[] = []
      try {
        await this.runBatch(batch, done)
      } catch (err) {
        for (const job of done) job.reject(err) // a no-op for those already resolved
        throw err
      }
    }
    if (this.state === 'ready' && (this.compactionDue() || this.compactSoon)) await this.compact()
    if (this.state !== 'ready') {
      for (const job of this.inbox.splice(0)) if (job.kind === 'server') job.reject(new Error(`room ${this.state}`))
    }
  }

  /** Applies one batch, persists what it changed (one transaction), relays it, then sends the replies the
   *  batch produced. Relays go first: a sync step 2 for a joining client (the whole board, costly to encode
   *  on a big one) is built after them from the doc as it is then, so it also holds every update of the
   *  batch, and other clients' updates never wait for it. */
  private async runBatch(batch: Job[], done: ServerJob[]): Promise<void> {
    const replies: Reply[] = []
    // Presence queued behind this batch's updates is applied (and relayed) after they are.
    const presence: Job[] = []
    for (const job of batch) {
      if (job.kind === 'message' && job.msg.type === 'awareness') presence.push(job)
      else this.run(job, replies, done)
    }

    const updates = this.pending.splice(0)
    if (updates.length > 0) {
      try {
        await this.persist(updates.map((u) => u.update))
      } catch (err) {
        for (const job of done) job.reject(err)
        this.fail('write', err)
        return
      }
    }
    // The updates go out first and on their own: presence and replies handled after them (a cursor that came
    // in the same loop turn, above all) must not hold them in the sockets' buffers.
    this.relay(updates)
    this.publish(updates)
    this.sendCorked(presence.length + replies.length > 1, () => {
      for (const job of presence) this.run(job, replies, done)
      for (const [conn, reply] of replies) {
        if (!conn.isOpen) continue
        conn.send(typeof reply === 'function' ? reply() : reply)
      }
    })
    for (const job of done) job.resolve()
  }

  private compactionDue(): boolean {
    // Past the row count, or once what was appended outweighs the last compacted state: a big board is then
    // rewritten after as many bytes of edits as it holds, not after every batch.
    return this.rowsSinceCompact > this.deps.compactRows || this.logBytes > Math.max(this.deps.compactBytes, this.baseBytes)
  }

  /** Sends each update to every connection but the one it came from (to all when its origin is null: a
   *  refused edit's undo must reach its sender too). */
  private relay(updates: PendingUpdate[]): void {
    this.sendCorked(updates.length > 1, () => {
      for (const { update, origin } of updates) {
        const frame = encodeSyncUpdate(update)
        for (const conn of this.conns) if (conn !== origin) conn.send(frame)
      }
    })
  }

  /** A lone edit in an idle room (nothing queued or running, no other edit relayed at once in this loop
   *  turn) takes the queue's route in the socket's own handler when the store can commit before it returns:
   *  applied and checked, stored, relayed, with no event-loop turn between its arrival and its relay, as in
   *  the reference server. Edits that follow in the same loop turn are queued, so a burst is still stored in
   *  one transaction. False when the edit must go through the queue. */
  private relayNow(conn: Conn, update: Uint8Array): boolean {
    if (this.state !== 'ready' || this.draining || this.relayedNowThisTurn || !this.deps.store.appendUpdatesNow) return false
    if (conn.role === 'viewer' || isEmptyUpdate(update)) return false
    this.applyClientUpdate(conn, update)
    const updates = this.pending.splice(0)
    if (updates.length === 0) return true
    try {
      if (!this.persistNow(updates.map((u) => u.update))) {
        // The store holds writes for a moment: the queue stores and relays them once it can.
        this.pending.unshift(...updates)
        this.kick()
        return true
      }
    } catch (err) {
      this.fail('write', err)
      return true
    }
    this.relayedNowThisTurn = true
    setImmediate(() => {
      this.relayedNowThisTurn = false
    })
    this.relay(updates)
    this.publish(updates)
    if (this.compactionDue()) this.kick()
    return true
  }

  /** Stored updates go to the other processes serving this board, after this process's own sockets. */
  private publish(updates: PendingUpdate[]): void {
    if (!this.deps.fanout.remote) return
    for (const { update } of updates) this.deps.fanout.publish(this.boardId, { kind: 'update', update, seq: this.lastSeq })
  }

  /** Applies a client's edit in one transaction with its check (write-guard.ts): an edit that would break
   *  the board, grow it past its size cap, or does not decode is undone in that same transaction, so nothing
   *  of it is stored or relayed; its sender gets the undo with everyone else and is told why. A malformed
   *  update also closes its socket, and so does one refusal too many. */
  private applyClientUpdate(conn: Conn, update: Uint8Array): void {
    let named: string | null
    try {
      named = updateNamesProblem(update)
    } catch (err) {
      return this.badPayload(conn, err)
    }
    if (named) {
      // Nothing of it is applied: no client of ours writes there, so its sender is closed, not brought back.
      this.deps.metrics.refusedWrites++
      this.deps.log.warn({ boardId: this.boardId, conn: conn.id, reason: named }, 'edit refused')
      return conn.close(CLOSE_POLICY_VIOLATION, named.slice(0, 120))
    }
    let problem: string | null = null
    let malformed: unknown = null
    let legacy = false
    this.doc.transact((tr) => {
      try {
        Y.applyUpdate(this.doc, update, conn)
      } catch (err) {
        malformed = err
      }
      problem = malformed ? 'the update does not decode' : (this.guard.check(tr) ?? this.sizeProblem(tr, update))
      legacy = !problem && this.guard.takeLegacy()
      if (problem) {
        this.guard.revert(tr)
        this.refused.add(tr)
      }
    }, conn)
    if (malformed) return this.badPayload(conn, malformed)
    if (problem) return this.refuseWrite(conn, problem)
    if (!legacy) return
    this.carryLegacy()
    if ((conn.layout ?? 0) < LAYOUT) {
      // Code from before layout 2 reads none of the board: its edits are carried, and it is told to reload.
      this.deps.log.info({ boardId: this.boardId, conn: conn.id }, 'client on older code told to reload')
      conn.close(CLOSE_RELOAD, RELOAD_REASON)
    }
  }

  /** The size cap: an edit that adds content to a board whose stored rows already hold the cap is refused.
   *  The rows overstate the doc by at most its last compaction's worth of edits, so a board near the cap is
   *  compacted to measure it afresh. */
  private sizeProblem(tr: Y.Transaction, update: Uint8Array): string | null {
    if (this.baseBytes + this.logBytes + update.byteLength <= this.deps.maxBoardBytes) return null
    if (!tr.changed.size) return null
    if (this.logBytes > 0) this.compactSoon = true
    return `the board is full (${Math.round(this.deps.maxBoardBytes / 1024 / 1024)} MiB): delete something first`
  }

  private refuseWrite(conn: Conn, reason: string): void {
    this.deps.metrics.refusedWrites++
    const count = (this.refusals.get(conn) ?? 0) + 1
    this.refusals.set(conn, count)
    this.deps.log.warn({ boardId: this.boardId, conn: conn.id, reason }, 'edit refused')
    if (conn.isOpen) conn.send(encodeBoardEvent({ type: 'edit-refused', reason }))
    if (count >= MAX_REFUSED_WRITES) conn.close(CLOSE_POLICY_VIOLATION, 'too many refused edits')
    if (this.compactSoon) this.kick()
  }

  /** Runs `send`; when `cork`, with every socket corked, so the frames it writes to one connection go out
   *  together when it is done (one system call per socket instead of one per frame). */
  private sendCorked(cork: boolean, send: () => void): void {
    const corked = cork ? [...this.conns] : []
    for (const conn of corked) conn.cork?.()
    try {
      send()
    } finally {
      for (const conn of corked) conn.uncork?.()
    }
  }

  private run(job: Job, replies: Reply[], done: ServerJob[]): void {
    if (job.kind === 'server') {
      try {
        this.doc.transact(() => job.fn(this.doc), job.origin)
        done.push(job)
      } catch (err) {
        job.reject(err)
      }
      return
    }
    const { conn } = job
    if (job.kind === 'join') {
      if (!conn.isOpen) return
      replies.push([conn, encodeSyncStep1(this.doc)])
      const clients = [...this.awareness.getStates().keys()]
      if (clients.length > 0) replies.push([conn, encodeAwareness(this.awareness, clients)])
      return
    }
    const { msg } = job
    try {
      switch (msg.type) {
        case 'sync-step-1': {
          // Built when sent (after this batch's updates are applied and relayed), not now.
          const { stateVector } = msg
          if (conn.isOpen) replies.push([conn, () => this.syncStep2(stateVector)])
          return
        }
        case 'sync-step-2':
        case 'sync-update':
          if (conn.role === 'viewer') return this.dropViewerWrite(conn, msg.update)
          return this.applyClientUpdate(conn, msg.update)
        case 'awareness':
          return this.applyAwareness(conn, msg.update)
        case 'query-awareness': {
          const clients = [...this.awareness.getStates().keys()]
          if (conn.isOpen) replies.push([conn, encodeAwareness(this.awareness, clients)])
          return
        }
        case 'auth':
          return
      }
    } catch (err) {
      this.badPayload(conn, err)
    }
  }

  private applyAwareness(conn: Conn, update: Uint8Array): void {
    // A closed connection's late awareness would outlive it; its states were already removed.
    if (!this.conns.has(conn)) return
    try {
      // Only its own client ids, each state within the cap: the rest is neither applied nor relayed
      // (presence-guard.ts).
      const checked = presenceGuard(this.awareness).check(conn, update)
      if (checked.tell) {
        this.deps.log.warn({ boardId: this.boardId, conn: conn.id, why: checked.tell }, 'presence refused')
        conn.send(encodePermissionDenied(checked.tell))
      }
      if (checked.update) awarenessProtocol.applyAwarenessUpdate(this.awareness, checked.update, conn)
    } catch (err) {
      this.badPayload(conn, err)
    }
  }

  private badPayload(conn: Conn, err: unknown): void {
    this.deps.metrics.protocolErrors++
    this.deps.log.warn({ boardId: this.boardId, conn: conn.id, err: (err as Error).message }, 'bad message payload')
    conn.close(CLOSE_PROTOCOL_ERROR, 'malformed message')
  }

  /** The answer to a sync step 1: what a client with `stateVector` is missing. From `fullState` when there
   *  is one (Y.diffUpdate against a non-empty state vector), else encoded from the doc. */
  private syncStep2(stateVector: Uint8Array): Uint8Array {
    const empty = isEmptyStateVector(stateVector)
    if (!this.fullState) {
      if (!empty) return encodeSyncStep2(this.doc, stateVector)
      const state = Y.encodeStateAsUpdate(this.doc)
      this.keepFullState(state)
      return encodeSyncStep2Update(state)
    }
    this.deps.metrics.syncFromState++
    return encodeSyncStep2Update(empty ? this.fullState : Y.diffUpdate(this.fullState, stateVector))
  }

  private keepFullState(state: Uint8Array): void {
    this.fullState = state.byteLength >= FULL_STATE_CACHE_MIN_BYTES ? state : null
  }

  private dropViewerWrite(conn: Conn, update: Uint8Array): void {
    if (isEmptyUpdate(update)) return // a fresh viewer's sync step 2 carries nothing
    this.deps.metrics.droppedWrites++
    if (!this.deniedNotified.has(conn)) {
      // Tell the client once (y-protocols auth message); it stays connected and keeps receiving.
      this.deniedNotified.add(conn)
      conn.send(encodePermissionDenied('read-only: this link can view the board but not change it'))
    }
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const from = this.conns.has(origin as Conn) ? (origin as Conn) : null
    if (from) {
      for (const id of added) from.awarenessIds.add(id)
      for (const id of removed) from.awarenessIds.delete(id)
    }
    const changed = added.concat(updated, removed)
    this.presence.add(changed, from)
    if (origin !== REMOTE_ORIGIN && this.deps.fanout.remote) {
      this.deps.fanout.publish(this.boardId, { kind: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed) })
    }
  }

  /** A message from another process serving this board (see fanout.ts). */
  async receiveRemote(message: FanoutMessage): Promise<void> {
    if (message.kind === 'event') return this.broadcastEvent(message.event)
    if (message.kind !== 'update' && message.kind !== 'awareness') return
    this.needDoc()
    await this.loaded
    if (this.state !== 'ready') return
    try {
      if (message.kind === 'update') this.doc.transact(() => Y.applyUpdate(this.doc, message.update), REMOTE_ORIGIN)
      else awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, REMOTE_ORIGIN)
    } catch (err) {
      this.deps.log.warn({ boardId: this.boardId, err: (err as Error).message }, 'a message from another process does not apply')
    }
  }

  /** Reads every stored row again and applies what this doc lacks: after the link to the other processes was
   *  down, whatever they stored meanwhile reaches this process's sockets. */
  async resync(): Promise<void> {
    this.needDoc()
    await this.loaded
    if (this.state !== 'ready') return
    const stored = await this.deps.store.loadUpdates(this.boardId)
    this.applyStoredRows(stored.updates)
  }

  /** Applies stored rows as another process's updates: what is new goes to this process's sockets. */
  private applyStoredRows(rows: Uint8Array[]): void {
    this.doc.transact(() => {
      for (const update of rows) {
        try {
          Y.applyUpdate(this.doc, update)
        } catch {
          // stored by an older server; the load skipped it too
        }
      }
    }, REMOTE_ORIGIN)
  }

  private async persist(updates: Uint8Array[]): Promise<void> {
    const started = performance.now()
    this.persisted(updates, await this.deps.store.appendUpdates(this.boardId, updates), started)
  }

  /** persist(), done before it returns; false when the store cannot do that right now. Throws as it does. */
  private persistNow(updates: Uint8Array[]): boolean {
    const started = performance.now()
    const seq = this.deps.store.appendUpdatesNow?.(this.boardId, updates) ?? null
    if (seq === null) return false
    this.persisted(updates, seq, started)
    return true
  }

  private persisted(updates: Uint8Array[], seq: number, started: number): void {
    this.lastSeq = seq
    this.deps.metrics.observeStoreWrite((performance.now() - started) / 1000)
    this.rowsSinceCompact += updates.length
    for (const u of updates) this.logBytes += u.byteLength
  }

  /** Replaces the stored log by the doc's state. Runs only between batches, when doc = stored rows. */
  private async compact(): Promise<void> {
    this.compactSoon = false
    try {
      // Other processes append to a shared store too: fold exactly the rows read here (applied to the doc
      // first), so a row this process has not seen yet is never deleted.
      const shared = this.deps.store.shared ? await this.deps.store.loadUpdates(this.boardId) : null
      if (shared) this.applyStoredRows(shared.updates)
      const state = Y.encodeStateAsUpdate(this.doc)
      await this.deps.store.compact(this.boardId, state, shared ? shared.lastSeq : this.lastSeq, shared?.seqs)
      this.deps.metrics.compactions++
      // Compaction runs between batches, so the doc has not changed since it was encoded, unless another
      // process's update came in meanwhile.
      if (!shared) this.keepFullState(state)
      this.rowsSinceCompact = 1
      this.baseBytes = state.byteLength
      this.logBytes = 0
    } catch (err) {
      // The transaction rolled back: the old rows are intact. Surface it; the next batch tries again.
      this.deps.metrics.storeErrors++
      this.deps.log.error({ boardId: this.boardId, err }, 'compaction failed')
    }
  }

  private fail(phase: 'load' | 'write' | 'internal', err: unknown): void {
    if (this.state === 'failed' || this.state === 'closed') return
    this.state = 'failed'
    this.presence.close()
    if (phase !== 'internal') this.deps.metrics.storeErrors++
    this.deps.log.error({ boardId: this.boardId, phase, err }, `room ${phase} failed; closing its connections`)
    const reason = phase === 'load' ? 'board failed to load' : phase === 'write' ? 'storage error' : 'internal error'
    for (const conn of this.conns) conn.close(CLOSE_INTERNAL_ERROR, reason)
    for (const job of this.inbox.splice(0)) if (job.kind === 'server') job.reject(err)
    this.onFailed?.(this)
  }
}
