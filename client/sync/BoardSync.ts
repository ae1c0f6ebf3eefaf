// One board's Yjs document (a BoardConnection), bound to a tldraw store. Data flows one way each direction:
//   Yjs (layout 2: a map per record, props and meta maps inside, plus meta.schema) → the records a remote
//     transaction touched → store.mergeRemoteChanges → editor
//   editor → store.listen({source: 'user', scope: 'document'}) → only the fields the person changed, in one
//     Yjs transaction with LOCAL_ORIGIN
// Remote changes are tagged 'remote' by tldraw and local Yjs transactions carry our origin, so nothing
// echoes. IndexedDB (y-indexeddb) keeps the document across reloads and while offline; the websocket
// provider merges whatever was done offline when it reconnects, field by field: two people's edits to
// different fields of a card both stay, and of two concurrent edits to one field one wins everywhere (the
// one who lost is told, see field-changes.ts, and can put theirs back).
//
// This class composes the pieces: hydrate.ts (first load), store-binding.ts (both directions), loadable.ts
// (schema, migration, validation), connection-status.ts, client-ids.ts (offline edits), field-conflicts.ts.

import { atom, computed, createTLStore, defaultBindingUtils, defaultShapeUtils } from '@tldraw/tldraw'
import type { Atom, TLAnyShapeUtilConstructor, TLStore } from '@tldraw/tldraw'
import type { IndexeddbPersistence } from 'y-indexeddb'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import type { RecordFields } from '../../shared/record-layout'
import type { SkippedRecord } from '../../shared/tree'
import type { Role } from '../platform/api'
import { mark } from '../platform/perf'
import { BoardConnection } from './BoardConnection'
import type { BoardEvent } from './BoardConnection'
import { OwnClientIds } from './client-ids'
import { ConnectionStatus } from './connection-status'
import type { ConnectionState } from './connection-status'
import { FieldConflicts } from './field-conflicts'
import type { FieldConflict } from './field-conflicts'
import { hydrate } from './hydrate'
import { DocSchema } from './loadable'
import { bindPresence } from './presence'
import { skippedReporter } from './skipped-notice'
import { bindRecords } from './store-binding'
import type { BoundDoc } from './store-binding'

export type { BoardEvent } from './BoardConnection'
export type { ConnectionState } from './connection-status'
export type { FieldConflict } from './field-conflicts'
export type LoadState = { status: 'loading' } | { status: 'ready' } | { status: 'error'; message: string }

export interface BoardSyncOptions {
  boardId: string
  token: string
  /** Known role (null while offline and unknown): viewers never write to the document. */
  role: Role | null
  shapeUtils: readonly TLAnyShapeUtilConstructor[]
  /** The board's document, already opened by the page (see BoardConnection); one is opened if not given.
   *  Whoever opened it destroys it. */
  connection?: BoardConnection
  /** ws(s)://host — defaults to this page's origin. */
  wsOrigin?: string
}

export class BoardSync {
  private readonly connectionSource: BoardConnection
  readonly doc: Y.Doc
  readonly records: Y.Map<RecordFields>
  readonly meta: Y.Map<unknown>
  readonly board: Y.Map<unknown>
  readonly store: TLStore
  readonly provider: WebsocketProvider
  readonly persistence: IndexeddbPersistence
  readonly connection: Atom<ConnectionState> = atom('connection', 'connecting')
  readonly load: Atom<LoadState> = atom('load', { status: 'loading' } as LoadState)
  readonly readonly: Atom<boolean>
  readonly denialReason = atom<string | null>('denial reason', null)
  /** Everything this page could not load from the document (bad records, an unreadable schema, garbage in
   *  the server's `board` map), in the order it was met. */
  readonly skipped = atom<SkippedRecord[]>('skipped records', [])
  /** The board was moved to a newer document layout than this code writes: read-only until a reload. */
  readonly outdated = atom('layout outdated', false)
  /** Field values of ours that concurrent edits replaced, newest last. */
  readonly conflicts = atom<FieldConflict[]>('field conflicts', [])

  private readonly bound: BoundDoc
  private readonly status: ConnectionStatus
  private readonly ownClients: OwnClientIds
  private readonly fieldConflicts: FieldConflicts
  private readonly tellSkipped = skippedReporter(this.skipped)
  private disposers: (() => void)[] = []
  private ownsConnection: boolean
  private destroyed = false
  private hydrated = false

  constructor(private opts: BoardSyncOptions) {
    this.ownsConnection = !opts.connection
    const source = opts.connection ?? new BoardConnection({ boardId: opts.boardId, token: opts.token, wsOrigin: opts.wsOrigin })
    this.connectionSource = source
    this.doc = source.doc
    this.records = source.records
    this.meta = source.meta
    this.board = source.board
    this.provider = source.provider
    this.persistence = source.persistence
    this.readonly = atom('readonly', opts.role === 'viewer')
    this.ownClients = new OwnClientIds(opts.boardId, this.doc)
    const connection = this.connection
    const readonlyAtom = this.readonly
    this.store = createTLStore({
      shapeUtils: [...defaultShapeUtils, ...opts.shapeUtils],
      bindingUtils: defaultBindingUtils,
      collaboration: {
        status: computed('collaboration status', () => (connection.get() === 'live' ? 'online' : 'offline')),
        mode: computed('collaboration mode', () => (readonlyAtom.get() ? 'readonly' : 'readwrite')),
      },
    })
    const { doc, records, meta, store, readonly } = this
    this.bound = { doc, records, meta, store, readonly, schema: new DocSchema(meta, store) }
    this.fieldConflicts = new FieldConflicts(doc, records, store, readonly, this.conflicts, (client) => this.ownClients.has(client))
    this.status = new ConnectionStatus(
      this.provider,
      meta,
      { connection, outdated: this.outdated, readonly, denialReason: this.denialReason },
      { boardId: opts.boardId, token: opts.token, onRole: (role) => this.setRole(role) },
    )
    this.disposers.push(this.status.watch())
    void this.start()
  }

  /** The HTTP status behind a denial, when the API gave one (401 wrong or rotated token, 403, 404). */
  get denialStatus(): number | null {
    return this.status.denialStatus
  }

  /** Server board events (timer, votes, summon…). Unknown types are for later features; listeners filter. */
  onBoardEvent(fn: (event: BoardEvent) => void): () => void {
    const off = this.connectionSource.onBoardEvent(fn)
    this.disposers.push(off)
    return off
  }

  setRole(role: Role) {
    this.opts.role = role
    this.readonly.set(role === 'viewer' || this.outdated.get())
  }

  private async start() {
    const source = this.connectionSource
    await source.localLoaded
    if (this.destroyed) return
    // Online, or offline with a role we know: go live once the local copy is in (a first visit's connection
    // is open already, see BoardConnection).
    if (this.opts.role !== null || navigator.onLine) source.connect()
    if (this.records.size > 0) {
      this.hydrate() // show the last known state at once; the server's changes merge in as they arrive
    } else {
      const onSync = (synced: boolean) => {
        if (!synced || this.hydrated) return
        this.provider.off('sync', onSync)
        this.hydrate()
      }
      this.provider.on('sync', onSync)
      this.disposers.push(() => this.provider.off('sync', onSync))
      if (this.provider.synced) onSync(true)
    }
  }

  /** First load of the store from the document, then the binding both ways and presence. */
  private hydrate() {
    if (this.hydrated || this.destroyed) return
    this.hydrated = true
    const report = (items: readonly SkippedRecord[]) => this.reportSkipped(items)
    const checkLayout = () => this.status.checkLayout()
    hydrate(this.bound, report, checkLayout)
    this.disposers.push(
      bindRecords(this.bound, { beforeWrite: () => this.ownClients.remember(), report, onMeta: checkLayout, conflicts: this.fieldConflicts }),
      bindPresence(this.store, this.provider.awareness),
    )
    this.load.set({ status: 'ready' })
    mark('hydrated')
  }

  /** Writes our lost value back (an ordinary edit, so everyone gets it) and drops the notice. */
  putBack(conflictId: number): boolean {
    return this.fieldConflicts.putBack(conflictId)
  }

  dismissConflict(conflictId: number) {
    this.fieldConflicts.dismiss(conflictId)
  }

  /** Notes records (or `board` entries) that could not be loaded; one notice says how many and why. */
  reportSkipped(items: readonly SkippedRecord[]) {
    this.tellSkipped(items)
  }

  /** For tests and the offline toggle: drop the socket but keep editing locally (IndexedDB keeps it). */
  disconnect() {
    this.status.disconnect()
  }

  reconnect() {
    this.status.reconnect()
  }

  destroy() {
    this.destroyed = true
    for (const dispose of this.disposers.splice(0)) dispose()
    if (this.ownsConnection) this.connectionSource.destroy()
  }
}
