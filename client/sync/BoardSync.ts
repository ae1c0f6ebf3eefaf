// One board's Yjs document (a BoardConnection), bound to a tldraw store. Data flows one way each direction:
//   Yjs (YKeyValue of document records + meta.schema) → store.mergeRemoteChanges → editor
//   editor → store.listen({source: 'user', scope: 'document'}) → one Yjs transaction with LOCAL_ORIGIN
// Remote changes are tagged 'remote' by tldraw and local Yjs transactions carry our origin, so nothing
// echoes. IndexedDB (y-indexeddb) keeps the document across reloads and while offline; the websocket
// provider merges whatever was done offline when it reconnects.

import { atom, computed, createTLStore, defaultBindingUtils, defaultShapeUtils } from '@tldraw/tldraw'
import type { Atom, SerializedSchema, TLAnyShapeUtilConstructor, TLRecord, TLStore } from '@tldraw/tldraw'
import type { IndexeddbPersistence } from 'y-indexeddb'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { makeBaseDocumentRecords } from '../../shared/records'
import { brokenShapeParents, deriveTree } from '../../shared/tree'
import type { SkippedRecord } from '../../shared/tree'
import { showNotice } from '../board/state'
import { ApiError, getBoard } from '../api'
import type { Role } from '../api'
import { mark } from '../perf'
import { BoardConnection } from './BoardConnection'
import type { BoardEvent } from './BoardConnection'
import type { KeyValue } from './key-value'
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
  readonly records: KeyValue<TLRecord>
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
  /** Everything this page could not load from the document (bad records, an unreadable schema, garbage in
   *  the server's `board` map), in the order it was met. */
  readonly skipped = atom<SkippedRecord[]>('skipped records', [])
  private noticeQueued = false
  /** False when the document's schema cannot be migrated from (not a schema, or from a newer app):
   *  its records are then read as if written with ours, and each one that does not validate is skipped. */
  private schemaUsable = true

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
    const skipped: SkippedRecord[] = []
    this.docSchema = this.readSchema(skipped)

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
    for (const entry of this.records.yarray.toArray() as unknown[]) {
      const key = entry && typeof entry === 'object' ? (entry as { key?: unknown }).key : undefined
      if (typeof key !== 'string') skipped.push({ id: '', reason: 'not a record' })
    }
    for (const [key, { val }] of this.records.map) {
      if (isRecordLike(val, key)) fromDoc[key] = val
      else skipped.push({ id: key, reason: 'not a record' })
    }
    // A document written by the server might lack the page or document record; tldraw needs both.
    for (const base of makeBaseDocumentRecords()) {
      const hasType = Object.values(fromDoc).some((r) => r?.typeName === base.typeName)
      if (!hasType) fromDoc[base.id] = base as unknown as TLRecord
    }
    const migrated = this.migrateAll(fromDoc, skipped)
    const records = this.loadable(Object.values(migrated), skipped)
    store.mergeRemoteChanges(() => {
      try {
        store.loadStoreSnapshot({ store: Object.fromEntries(records.map((r) => [r.id, r])), schema: store.schema.serialize() } as never)
      } catch {
        // One bad record must not hide the board: put them one by one and skip the broken ones.
        for (const record of records) {
          try {
            store.put([record])
          } catch (error) {
            skipped.push({ id: record.id, reason: reasonOf(error) })
          }
        }
      }
    })
    // Cards tldraw holds but the tree cannot (deeper than MAX_TREE_DEPTH) are said once here too.
    const reported = new Set(skipped.map((r) => r.id))
    for (const cut of deriveTree(store.allRecords()).skipped) if (!reported.has(cut.id)) skipped.push(cut)
    this.reportSkipped(skipped)

    // Bring an older document up to our schema (editors only; viewers' writes are dropped anyway).
    if (!this.readonly.get() && this.schemaUsable && this.docSchema && JSON.stringify(this.docSchema) !== this.ourSchemaJson) {
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
      const skipped: SkippedRecord[] = []
      this.docSchema = this.readSchema(skipped) ?? this.docSchema
      this.reportSkipped(skipped)
    }
    this.meta.observe(onMeta)
    this.disposers.push(() => this.meta.unobserve(onMeta))

    const onChange = (
      changes: Map<string, { action: 'add' | 'update' | 'delete'; oldValue?: TLRecord; newValue?: TLRecord }>,
      transaction: Y.Transaction,
    ) => {
      if (transaction.origin === LOCAL_ORIGIN) return
      const toRemove: TLRecord['id'][] = []
      const incoming: TLRecord[] = []
      const skipped: SkippedRecord[] = []
      const foreignSchema = this.schemaUsable && this.docSchema && JSON.stringify(this.docSchema) !== this.ourSchemaJson ? this.docSchema : null
      changes.forEach((change, id) => {
        if (change.action === 'delete') {
          toRemove.push(id as TLRecord['id'])
          return
        }
        let record: TLRecord | undefined = this.records.get(id)
        if (!isRecordLike(record, id)) {
          // A bad value replaces a good one: the good one goes, as it would for any other writer's edit.
          if (this.store.has(id as TLRecord['id'])) toRemove.push(id as TLRecord['id'])
          skipped.push({ id, reason: 'not a record' })
          return
        }
        if (foreignSchema) {
          const result = this.store.schema.migratePersistedRecord(record, foreignSchema)
          if (result.type === 'error') {
            skipped.push({ id, reason: `could not be migrated (${result.reason})` })
            return
          }
          record = result.value
        }
        incoming.push(record)
      })
      const toPut = this.loadable(incoming, skipped, true)
      if (toRemove.length || toPut.length) {
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
                skipped.push({ id: record.id, reason: reasonOf(error) })
              }
            }
          }
        })
      }
      this.reportSkipped(skipped)
    }
    this.records.on('change', onChange as never)
    this.disposers.push(() => this.records.off('change', onChange as never))
  }

  /** The document's schema if it is one we can migrate from; else null, reported, and records are read
   *  as if written with our schema (per-record validation still skips what does not fit). */
  private readSchema(skipped: SkippedRecord[]): SerializedSchema | null {
    const raw = this.meta.get('schema')
    if (raw === undefined || raw === null) return null
    let usable = false
    try {
      usable = isSchemaLike(raw) && this.store.schema.getMigrationsSince(raw as SerializedSchema).ok
    } catch {
      usable = false
    }
    this.schemaUsable = usable
    if (usable) return raw as SerializedSchema
    skipped.push({
      id: 'meta.schema',
      reason: isSchemaLike(raw) ? 'saved by a newer or unknown version of the app' : 'the board’s schema is unreadable',
    })
    return null
  }

  /** Migrates the document's records to our schema: all at once, or one by one if that fails. */
  private migrateAll(fromDoc: Record<string, TLRecord>, skipped: SkippedRecord[]): Record<string, TLRecord> {
    const schema = this.docSchema
    if (!schema || !this.schemaUsable || JSON.stringify(schema) === this.ourSchemaJson) return fromDoc
    try {
      const all = this.store.schema.migrateStoreSnapshot({ store: fromDoc, schema } as never)
      if (all.type === 'success') return all.value as Record<string, TLRecord>
    } catch {
      // fall through to one record at a time
    }
    const out: Record<string, TLRecord> = {}
    for (const [id, record] of Object.entries(fromDoc)) {
      try {
        const result = this.store.schema.migratePersistedRecord(record, schema)
        if (result.type === 'success') out[id] = result.value as TLRecord
        else skipped.push({ id, reason: `could not be migrated (${result.reason})` })
      } catch (error) {
        skipped.push({ id, reason: reasonOf(error) })
      }
    }
    return out
  }

  /**
   * The records tldraw can hold: each passes the store's validation, and every shape's parent chain ends at
   * a page (tldraw walks it without a bound: a loop hangs the tab). With `live`, the chain may run through
   * records already in the store. The rest go to `skipped`.
   */
  private loadable(records: TLRecord[], skipped: SkippedRecord[], live = false): TLRecord[] {
    const valid: TLRecord[] = []
    for (const record of records) {
      try {
        this.store.schema.validateRecord(this.store, record, 'initialize', null)
        valid.push(record)
      } catch (error) {
        skipped.push({ id: record.id, reason: reasonOf(error) })
      }
    }
    // Most remote changes touch shapes straight on a page: nothing to walk then.
    const walk = !live || valid.some((r) => r.typeName === 'shape' && !String((r as { parentId?: unknown }).parentId).startsWith('page:'))
    let broken = new Map<string, string>()
    if (walk) {
      const byId = new Map<string, unknown>()
      if (live) for (const r of this.store.allRecords()) byId.set(r.id, r)
      for (const r of valid) byId.set(r.id, r)
      const pageIds = new Set<string>()
      for (const r of byId.values()) if ((r as TLRecord).typeName === 'page') pageIds.add((r as TLRecord).id)
      broken = brokenShapeParents(byId.values(), { pageIds })
    }
    const out: TLRecord[] = []
    const ids = new Set<string>()
    for (const record of valid) {
      const reason = broken.get(record.id)
      if (reason) skipped.push({ id: record.id, reason })
      else {
        out.push(record)
        ids.add(record.id)
      }
    }
    // A binding (an arrow's end) to a skipped shape would point at nothing.
    return out.filter((r) => {
      if (r.typeName !== 'binding') return true
      const b = r as unknown as { fromId: string; toId: string }
      const ok = [b.fromId, b.toId].every((id) => ids.has(id) || (live && this.store.has(id as TLRecord['id']) && !broken.has(id)))
      if (!ok) skipped.push({ id: r.id, reason: 'it binds a shape that was skipped' })
      return ok
    })
  }

  /** Notes records (or `board` entries) that could not be loaded; one notice says how many and why. */
  reportSkipped(items: readonly SkippedRecord[]) {
    if (!items.length) return
    this.skipped.set([...this.skipped.get(), ...items])
    console.warn('outcome board: skipped what could not be loaded', items)
    if (this.noticeQueued) return
    this.noticeQueued = true
    queueMicrotask(() => {
      this.noticeQueued = false
      const all = this.skipped.get()
      const reasons = [...new Set(all.map((s) => s.reason))]
      const why = reasons.slice(0, 2).join('; ') + (reasons.length > 2 ? '; …' : '')
      showNotice(`${all.length} ${all.length === 1 ? 'record' : 'records'} on this board could not be loaded and ${all.length === 1 ? 'was' : 'were'} skipped (${why}).`, 'warn', 20_000)
    })
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
      // A 44xx close says why itself (see onClosed); asking the API too could replace that reason.
      const told = !!event && event.code >= 4400 && event.code < 4500
      if (event && !told && navigator.onLine && Date.now() - this.lastAuthCheck > 3000) {
        this.lastAuthCheck = Date.now()
        getBoard(this.opts.boardId, this.opts.token).then(
          (info) => this.setRole(info.role),
          (error) => {
            if (error instanceof ApiError && [401, 403, 404].includes(error.status)) this.deny(error.message, error.status)
          },
        )
      }
    }
    // 4401: token rotated; 4404: the owner deleted the board (410, so the page can say so plainly).
    const onClosed = (event: { code: number; reason: string }) =>
      this.deny(event.reason || 'Access to this board was revoked', event.code === 4401 ? 401 : event.code === 4404 ? 410 : undefined)
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

/** A value that can be offered to tldraw as a record at all: an object with its key as id and a type name. */
function isRecordLike(value: unknown, key: string): value is TLRecord {
  const r = value as { id?: unknown; typeName?: unknown } | null
  return !!r && typeof r === 'object' && !Array.isArray(r) && r.id === key && typeof r.typeName === 'string'
}

function isSchemaLike(value: unknown): boolean {
  const v = value as { schemaVersion?: unknown; sequences?: unknown; recordVersions?: unknown } | null
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false
  if (v.schemaVersion === 2) {
    return !!v.sequences && typeof v.sequences === 'object' && Object.values(v.sequences).every((n) => typeof n === 'number' && Number.isInteger(n))
  }
  return v.schemaVersion === 1 && !!v.recordVersions && typeof v.recordVersions === 'object'
}

/** The first line of a validation error, short enough for a notice. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0].slice(0, 160) || 'invalid record'
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
