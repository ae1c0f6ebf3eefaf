// One board's Yjs document (a BoardConnection), bound to a tldraw store. Data flows one way each direction:
//   Yjs (YKeyValue of document records + meta.schema) → store.mergeRemoteChanges → editor
//   editor → store.listen({source: 'user', scope: 'document'}) → one Yjs transaction with LOCAL_ORIGIN
// Remote changes are tagged 'remote' by tldraw and local Yjs transactions carry our origin, so nothing
// echoes. IndexedDB (y-indexeddb) keeps the document across reloads and while offline; the websocket
// provider merges whatever was done offline when it reconnects.

import { atom, computed, createTLStore, defaultBindingUtils, defaultShapeUtils } from '@tldraw/tldraw'
import type { Atom, SerializedSchema, TLAnyShapeUtilConstructor, TLRecord, TLStore } from '@tldraw/tldraw'
import type { IndexeddbPersistence } from 'y-indexeddb'
import type { YKeyValue } from 'y-utility/y-keyvalue'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { makeBaseDocumentRecords } from '../../shared/records'
import { ApiError, getBoard } from '../api'
import type { Role } from '../api'
import { mark } from '../perf'
import { BoardConnection } from './BoardConnection'
import type { BoardEvent } from './BoardConnection'
import { bindPresence } from './presence'

export type { BoardEvent } from './BoardConnection'
export type ConnectionState = 'connecting' | 'live' | 'offline' | 'denied'
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

const LOCAL_ORIGIN = Symbol('outcome-board local store change')

export class BoardSync {
  private readonly connectionSource: BoardConnection
  readonly doc: Y.Doc
  readonly records: YKeyValue<TLRecord>
  readonly meta: Y.Map<unknown>
  readonly board: Y.Map<unknown>
  readonly store: TLStore
  readonly provider: WebsocketProvider
  readonly persistence: IndexeddbPersistence
  readonly connection: Atom<ConnectionState> = atom('connection', 'connecting')
  readonly load: Atom<LoadState> = atom('load', { status: 'loading' } as LoadState)
  readonly readonly: Atom<boolean>
  readonly denialReason = atom<string | null>('denial reason', null)
  /** The HTTP status behind a denial, when the API gave one (401 wrong or rotated token, 403, 404). */
  denialStatus: number | null = null

  private disposers: (() => void)[] = []
  private offlineEdits: OfflineEdits
  private ownsConnection: boolean
  private docSchema: SerializedSchema | null = null
  private ourSchemaJson: string
  private destroyed = false
  private hydrated = false
  private lastAuthCheck = 0

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
    this.offlineEdits = new OfflineEdits(`outcome-board:offline-edits:${opts.boardId}`)
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
    this.ourSchemaJson = JSON.stringify(this.store.schema.serialize())
    this.watchConnection()
    void this.start()
  }

  /** Server board events (timer, votes, summon…). Unknown types are for later features; listeners filter. */
  onBoardEvent(fn: (event: BoardEvent) => void): () => void {
    const off = this.connectionSource.onBoardEvent(fn)
    this.disposers.push(off)
    return off
  }

  setRole(role: Role) {
    this.opts.role = role
    this.readonly.set(role === 'viewer')
  }

  private async start() {
    const source = this.connectionSource
    await source.localLoaded
    if (this.destroyed) return
    // Online, or offline with a role we know: go live once the local copy is in (a first visit's connection
    // is open already, see BoardConnection).
    if (this.opts.role !== null || navigator.onLine) source.connect()
    if (this.records.yarray.length > 0) {
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

  /** First load of the store from the document (or seeding an empty document from the store). */
  private hydrate() {
    if (this.hydrated || this.destroyed) return
    this.hydrated = true
    const store = this.store
    this.docSchema = (this.meta.get('schema') as SerializedSchema | undefined) ?? null

    if (this.records.yarray.length === 0) {
      if (!this.readonly.get()) {
        // An empty board: write the document and page records and our schema.
        this.doc.transact(() => {
          for (const record of makeBaseDocumentRecords()) this.records.set(record.id, record as unknown as TLRecord)
          this.meta.set('schema', store.schema.serialize())
        }, LOCAL_ORIGIN)
      }
    }

    const fromDoc: Record<string, TLRecord> = {}
    for (const { key, val } of this.records.yarray.toArray()) fromDoc[key] = val
    // A document written by the server might lack the page or document record; tldraw needs both.
    for (const base of makeBaseDocumentRecords()) {
      const hasType = Object.values(fromDoc).some((r) => r?.typeName === base.typeName)
      if (!hasType) fromDoc[base.id] = base as unknown as TLRecord
    }
    const schema = this.docSchema ?? store.schema.serialize()
    const migrated = store.schema.migrateStoreSnapshot({ store: fromDoc, schema } as never)
    if (migrated.type === 'error') {
      this.load.set({
        status: 'error',
        message:
          migrated.reason === 'target-version-too-old'
            ? 'This board was saved by a newer version of the app. Reload the page to update.'
            : `This board could not be loaded (${migrated.reason}).`,
      })
      return
    }
    const records = Object.values(migrated.value as Record<string, TLRecord>)
    store.mergeRemoteChanges(() => {
      try {
        store.loadStoreSnapshot({ store: migrated.value, schema: store.schema.serialize() } as never)
      } catch {
        // One bad record must not hide the board: put them one by one and skip the broken ones.
        for (const record of records) {
          try {
            store.put([record])
          } catch (error) {
            console.warn('skipped an invalid record', record?.id, error)
          }
        }
      }
    })

    // Bring an older document up to our schema (editors only; viewers' writes are dropped anyway).
    if (!this.readonly.get() && this.docSchema && JSON.stringify(this.docSchema) !== this.ourSchemaJson) {
      this.doc.transact(() => {
        for (const record of records) {
          if (JSON.stringify(this.records.get(record.id)) !== JSON.stringify(record)) this.records.set(record.id, record)
        }
        this.meta.set('schema', store.schema.serialize())
      }, LOCAL_ORIGIN)
      this.docSchema = store.schema.serialize()
    }

    this.bindStoreToDoc()
    this.bindDocToStore()
    this.disposers.push(bindPresence(store, this.provider.awareness))
    this.load.set({ status: 'ready' })
    mark('hydrated')
  }

  private bindStoreToDoc() {
    this.disposers.push(
      this.store.listen(
        ({ changes }) => {
          if (this.readonly.get()) return
          if (this.connection.get() !== 'live') this.offlineEdits.note(changes)
          this.doc.transact(() => {
            for (const record of Object.values(changes.added)) this.records.set(record.id, record)
            for (const [, record] of Object.values(changes.updated)) this.records.set(record.id, record)
            for (const record of Object.values(changes.removed)) this.records.delete(record.id)
          }, LOCAL_ORIGIN)
        },
        { source: 'user', scope: 'document' },
      ),
    )
  }

  private bindDocToStore() {
    const onMeta = () => {
      this.docSchema = (this.meta.get('schema') as SerializedSchema | undefined) ?? this.docSchema
    }
    this.meta.observe(onMeta)
    this.disposers.push(() => this.meta.unobserve(onMeta))

    const onChange = (
      changes: Map<string, { action: 'add' | 'update' | 'delete'; oldValue?: TLRecord; newValue?: TLRecord }>,
      transaction: Y.Transaction,
    ) => {
      if (transaction.origin === LOCAL_ORIGIN) return
      const toRemove: TLRecord['id'][] = []
      const toPut: TLRecord[] = []
      const foreignSchema = this.docSchema && JSON.stringify(this.docSchema) !== this.ourSchemaJson ? this.docSchema : null
      changes.forEach((change, id) => {
        if (change.action === 'delete') {
          toRemove.push(id as TLRecord['id'])
          return
        }
        let record = this.records.get(id)
        if (!record) return
        if (foreignSchema) {
          const result = this.store.schema.migratePersistedRecord(record, foreignSchema)
          if (result.type === 'error') return
          record = result.value
        }
        toPut.push(record)
      })
      if (!toRemove.length && !toPut.length) return
      this.store.mergeRemoteChanges(() => {
        const present = toRemove.filter((id) => this.store.has(id))
        if (present.length) this.store.remove(present)
        try {
          if (toPut.length) this.store.put(toPut)
        } catch {
          for (const record of toPut) {
            try {
              this.store.put([record])
            } catch (error) {
              console.warn('skipped an invalid remote record', record?.id, error)
            }
          }
        }
      })
    }
    this.records.on('change', onChange as never)
    this.disposers.push(() => this.records.off('change', onChange as never))
  }

  private watchConnection() {
    const provider = this.provider
    const update = () => {
      if (this.connection.get() === 'denied') return
      if (provider.wsconnected && provider.synced) this.connection.set('live')
      else if (!navigator.onLine || provider.wsUnsuccessfulReconnects > 0) this.connection.set('offline')
      else this.connection.set('connecting')
    }
    const onStatus = () => update()
    const onSync = (synced: boolean) => {
      update()
      // Back online: records are merged whole (YKeyValue keeps one writer's version of a record), so a
      // field someone else changed meanwhile can hide a field we changed offline. Re-apply our offline
      // field edits on top of the merged records; untouched fields keep the other writer's values.
      if (synced && this.hydrated && !this.readonly.get()) this.offlineEdits.reapply(this.store)
    }
    const onClose = (event: CloseEvent | null) => {
      update()
      // The server refuses bad tokens before the upgrade, so the browser only sees a failed socket. Ask the
      // API why (at most every few seconds): 401/403/404 means stop, anything else means keep retrying.
      if (event && navigator.onLine && Date.now() - this.lastAuthCheck > 3000) {
        this.lastAuthCheck = Date.now()
        getBoard(this.opts.boardId, this.opts.token).then(
          (info) => this.setRole(info.role),
          (error) => {
            if (error instanceof ApiError && [401, 403, 404].includes(error.status)) this.deny(error.message, error.status)
          },
        )
      }
    }
    const onClosed = (event: { code: number; reason: string }) =>
      this.deny(event.reason || 'Access to this board was revoked', event.code === 4401 ? 401 : undefined)
    const onOffline = () => {
      provider.disconnect()
      this.connection.get() !== 'denied' && this.connection.set('offline')
    }
    const onOnline = () => {
      if (this.connection.get() === 'denied') return
      provider.connect()
      update()
    }
    provider.on('status', onStatus)
    provider.on('sync', onSync)
    provider.on('connection-close', onClose)
    provider.on('closed', onClosed)
    window.addEventListener('offline', onOffline)
    window.addEventListener('online', onOnline)
    this.disposers.push(() => {
      provider.off('status', onStatus)
      provider.off('sync', onSync)
      provider.off('connection-close', onClose)
      provider.off('closed', onClosed)
      window.removeEventListener('offline', onOffline)
      window.removeEventListener('online', onOnline)
    })
    update() // the page's connection may be open, even synced, already
  }

  private deny(reason: string, status?: number) {
    this.provider.disconnect()
    this.denialStatus = status ?? null
    this.denialReason.set(reason)
    this.connection.set('denied')
  }

  /** For tests and the offline toggle: drop the socket but keep editing locally (IndexedDB keeps it). */
  disconnect() {
    this.provider.disconnect()
    this.connection.set('offline')
  }

  reconnect() {
    if (this.connection.get() === 'denied') return
    this.provider.connect()
  }

  destroy() {
    this.destroyed = true
    for (const dispose of this.disposers.splice(0)) dispose()
    if (this.ownsConnection) this.connectionSource.destroy()
  }
}

type FieldEdits = { top: Record<string, unknown>; props: Record<string, unknown> }

/** Field-level edits made while not connected, kept in localStorage so they survive an offline reload. */
class OfflineEdits {
  constructor(private key: string) {}

  private read(): Record<string, FieldEdits> {
    try {
      return JSON.parse(localStorage.getItem(this.key) ?? '{}') ?? {}
    } catch {
      return {}
    }
  }

  private write(value: Record<string, FieldEdits>) {
    try {
      if (Object.keys(value).length) localStorage.setItem(this.key, JSON.stringify(value))
      else localStorage.removeItem(this.key)
    } catch {
      // storage full: the whole-record merge still applies
    }
  }

  note(changes: { updated: Record<string, [TLRecord, TLRecord]>; removed: Record<string, TLRecord> }) {
    const all = this.read()
    for (const [from, to] of Object.values(changes.updated)) {
      const entry = (all[to.id] ??= { top: {}, props: {} })
      const a = from as unknown as Record<string, unknown>
      const b = to as unknown as Record<string, unknown>
      for (const key of Object.keys(b)) {
        if (key === 'props' && a.props && b.props && typeof b.props === 'object') {
          const pa = a.props as Record<string, unknown>
          const pb = b.props as Record<string, unknown>
          for (const pk of Object.keys(pb)) if (JSON.stringify(pa[pk]) !== JSON.stringify(pb[pk])) entry.props[pk] = pb[pk]
        } else if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) entry.top[key] = b[key]
      }
    }
    for (const id of Object.keys(changes.removed)) delete all[id]
    this.write(all)
  }

  reapply(store: TLStore) {
    const all = this.read()
    const ids = Object.keys(all)
    if (!ids.length) return
    const patched: TLRecord[] = []
    for (const id of ids) {
      const current = store.get(id as TLRecord['id']) as (TLRecord & { props?: Record<string, unknown> }) | undefined
      if (!current) continue
      const { top, props } = all[id]
      const next = { ...current, ...top, ...(current.props ? { props: { ...current.props, ...props } } : {}) } as TLRecord
      if (JSON.stringify(next) !== JSON.stringify(current)) patched.push(next)
    }
    this.write({})
    if (!patched.length) return
    try {
      store.put(patched) // a 'user' change: it flows to the document like any edit
    } catch (error) {
      console.warn('could not re-apply offline edits', error)
    }
  }
}
