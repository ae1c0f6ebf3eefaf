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

import { atom, computed, createTLStore, defaultBindingUtils, defaultShapeUtils } from '@tldraw/tldraw'
import type { Atom, SerializedSchema, TLAnyShapeUtilConstructor, TLRecord, TLStore } from '@tldraw/tldraw'
import type { IndexeddbPersistence } from 'y-indexeddb'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { isNodeKind } from '../../shared/model'
import type { JsonRecord } from '../../shared/model'
import { makeBaseDocumentRecords } from '../../shared/records'
import { LAYOUT, deleteRecord, readRecord, readRecords, writeRecord } from '../../shared/record-layout'
import { jsonEqual } from '../../shared/version-diff'
import type { RecordFields } from '../../shared/record-layout'
import { brokenShapeParents, deriveTree } from '../../shared/tree'
import type { SkippedRecord } from '../../shared/tree'
import { ApiError, getBoard } from '../platform/api'
import type { Role } from '../platform/api'
import { mark } from '../platform/perf'
import { BoardConnection } from './BoardConnection'
import type { BoardEvent } from './BoardConnection'
import { lostFields, touchedRecordIds } from './field-changes'
import type { LostField } from './field-changes'
import { bindPresence } from './presence'
import { showNotice } from '../ui/notice'

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
/** The server closes a socket with this when the client writes an older layout than it serves. */
export const CLOSE_LAYOUT_OUTDATED = 4426
/** Card props whose concurrent replacement is not worth a notice: size, sibling order and the tree edge
 *  follow from layout and moves, which tidy themselves. */
const QUIET_PROPS: ReadonlySet<string> = new Set(['w', 'h', 'order', 'parentNode'])
const isTellableField = (record: Y.Map<unknown>, key: string) =>
  !QUIET_PROPS.has(key) && record.get('typeName') === 'shape' && isNodeKind(record.get('type'))
/** How many earlier client ids of this browser are remembered per board (see `mine`). */
const REMEMBERED_CLIENTS = 16

/** One of our field values that someone else's concurrent edit replaced (shown until put back or dismissed). */
export interface FieldConflict {
  id: number
  recordId: string
  /** The card's kind and its title when the conflict arrived. */
  kind: string
  title: string
  /** The prop: 'title', 'importance'… */
  field: string
  mine: unknown
  theirs: unknown
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
  /** The HTTP status behind a denial, when the API gave one (401 wrong or rotated token, 403, 404). */
  denialStatus: number | null = null
  /** Everything this page could not load from the document (bad records, an unreadable schema, garbage in
   *  the server's `board` map), in the order it was met. */
  readonly skipped = atom<SkippedRecord[]>('skipped records', [])
  /** The board was moved to a newer document layout than this code writes: read-only until a reload. */
  readonly outdated = atom('layout outdated', false)
  /** Field values of ours that concurrent edits replaced, newest last. */
  readonly conflicts = atom<FieldConflict[]>('field conflicts', [])
  private noticeQueued = false
  /** False when the document's schema cannot be migrated from (not a schema, or from a newer app):
   *  its records are then read as if written with ours, and each one that does not validate is skipped. */
  private schemaUsable = true

  private disposers: (() => void)[] = []
  private ownsConnection: boolean
  /** Client ids whose writes are this browser's: this page's, and earlier pages' on this board (offline
   *  edits made before a reload are written with the id of the page that made them). */
  private mine: Set<number>
  private mineSaved = false
  /** Records a remote transaction deleted: an edit of ours still on its way must not bring one back. */
  private remotelyDeleted = new Set<string>()
  private conflictSeq = 0
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
    this.mine = new Set([this.doc.clientID, ...readClientIds(opts.boardId)])
    // The previous build re-applied whole offline edits from here; field-level merging replaced it.
    try {
      localStorage.removeItem(`outcome-board:offline-edits:${opts.boardId}`)
    } catch {
      // no storage: nothing kept there either
    }
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

  /** First load of the store from the document (or seeding an empty document from the store). */
  private hydrate() {
    if (this.hydrated || this.destroyed) return
    this.hydrated = true
    const store = this.store
    const skipped: SkippedRecord[] = []
    this.docSchema = this.readSchema(skipped)
    this.checkLayout()

    if (this.records.size === 0) {
      if (!this.readonly.get()) {
        // An empty board: write the document and page records and our schema.
        this.doc.transact(() => {
          for (const record of makeBaseDocumentRecords()) writeRecord(this.records, record)
          this.meta.set('schema', store.schema.serialize())
        }, LOCAL_ORIGIN)
      }
    }

    // Layout-1 entries a local copy may still hold (`tl_records`) are not read: the server converts them.
    const fromDoc = Object.fromEntries(readRecords(this.doc, skipped)) as unknown as Record<string, TLRecord>
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
        for (const record of records) writeRecord(this.records, record as unknown as JsonRecord) // only what migrated
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
    const root = this.records
    this.disposers.push(
      this.store.listen(
        ({ changes }) => {
          if (this.readonly.get()) return
          this.rememberClientId()
          this.doc.transact(() => {
            for (const record of Object.values(changes.added)) writeRecord(root, record as unknown as JsonRecord)
            for (const [from, to] of Object.values(changes.updated)) {
              // Someone deleted it meanwhile (the removal is on its way to the store): it stays deleted.
              if (!root.has(to.id) && this.remotelyDeleted.has(to.id)) continue
              // Only what this person changed: a field someone else changed meanwhile keeps their value.
              writeRecord(root, to as unknown as JsonRecord, from as unknown as JsonRecord)
            }
            for (const record of Object.values(changes.removed)) deleteRecord(root, record.id)
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
      this.checkLayout()
    }
    this.meta.observe(onMeta)
    this.disposers.push(() => this.meta.unobserve(onMeta))

    const root = this.records
    const onRecords = (events: Y.YEvent<any>[], transaction: Y.Transaction) => {
      if (transaction.origin === LOCAL_ORIGIN) return
      const ids = touchedRecordIds(root, events)
      for (const id of ids) if (!root.has(id)) this.remotelyDeleted.add(id)
      // Read before our own writes below, which would hide what this transaction replaced.
      const lost = this.readonly.get() ? [] : lostFields(root, events, transaction, (client) => this.mine.has(client), isTellableField)
      // tldraw hands the person's edits to the listener above once a frame: write those still waiting
      // first (in a transaction of their own), so the records read below hold them and putting a record
      // into the store does not take back a keystroke the document has not seen yet.
      this.store._flushHistory()
      const toRemove: TLRecord['id'][] = []
      const incoming: TLRecord[] = []
      const skipped: SkippedRecord[] = []
      const foreignSchema = this.schemaUsable && this.docSchema && JSON.stringify(this.docSchema) !== this.ourSchemaJson ? this.docSchema : null
      for (const id of ids) {
        if (!root.has(id)) {
          toRemove.push(id as TLRecord['id'])
          continue
        }
        let record = readRecord(this.doc, id) as TLRecord | undefined
        if (!isRecordLike(record, id)) {
          // A bad value replaces a good one: the good one goes, as it would for any other writer's edit.
          if (this.store.has(id as TLRecord['id'])) toRemove.push(id as TLRecord['id'])
          skipped.push({ id, reason: 'not a record' })
          continue
        }
        if (foreignSchema) {
          const result = this.store.schema.migratePersistedRecord(record, foreignSchema)
          if (result.type === 'error') {
            skipped.push({ id, reason: `could not be migrated (${result.reason})` })
            continue
          }
          record = result.value
        }
        incoming.push(record)
      }
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
      if (lost.length) this.noteConflicts(lost)
    }
    root.observeDeep(onRecords)
    this.disposers.push(() => root.unobserveDeep(onRecords))
  }

  /** Tells the person when a concurrent edit replaced a card field they wrote (see field-changes.ts). */
  private noteConflicts(lost: LostField[]) {
    let list = this.conflicts.get()
    for (const { recordId, key, mine, theirs } of lost) {
      const record = readRecord(this.doc, recordId)
      const props = (record?.props ?? {}) as Record<string, unknown>
      // Written over since (an edit of ours from the last frame, written just now): nothing to tell.
      if (!record || !jsonEqual(props[key], theirs)) continue
      const entry: FieldConflict = {
        id: ++this.conflictSeq,
        recordId,
        kind: String(record.type),
        title: typeof props.title === 'string' ? props.title : '',
        field: key,
        mine,
        theirs,
      }
      // One notice per card field: the latest value we lost is the one to offer back.
      list = [...list.filter((c) => !(c.recordId === recordId && c.field === key)), entry]
    }
    this.conflicts.set(list)
  }

  /** Writes our lost value back (an ordinary edit, so everyone gets it) and drops the notice. */
  putBack(conflictId: number): boolean {
    const conflict = this.conflicts.get().find((c) => c.id === conflictId)
    if (!conflict) return false
    this.dismissConflict(conflictId)
    const current = this.store.get(conflict.recordId as TLRecord['id']) as (TLRecord & { props?: Record<string, unknown> }) | undefined
    if (!current?.props || this.readonly.get()) return false
    try {
      this.store.put([{ ...current, props: { ...current.props, [conflict.field]: conflict.mine } } as TLRecord])
      return true
    } catch (error) {
      console.warn('could not put the value back', error)
      return false
    }
  }

  dismissConflict(conflictId: number) {
    this.conflicts.set(this.conflicts.get().filter((c) => c.id !== conflictId))
  }

  /** A document stating a newer layout than ours (the server moved the board on): read-only until reloaded. */
  private checkLayout() {
    const stated = this.meta.get('layout')
    if (typeof stated === 'number' && stated > LAYOUT) this.markOutdated()
  }

  /** Stops writing and syncing; what this browser wrote stays in IndexedDB, and a reload brings the code that
   *  can send it. */
  private markOutdated() {
    if (this.outdated.get()) return
    this.outdated.set(true)
    this.readonly.set(true)
    this.provider.disconnect()
    if (this.connection.get() !== 'denied') this.connection.set('offline')
  }

  /** Keeps this page's client id among this browser's for the board, once it writes. */
  private rememberClientId() {
    if (this.mineSaved) return
    this.mineSaved = true
    const key = clientIdsKey(this.opts.boardId)
    try {
      const ids = [this.doc.clientID, ...readClientIds(this.opts.boardId).filter((id) => id !== this.doc.clientID)]
      localStorage.setItem(key, JSON.stringify(ids.slice(0, REMEMBERED_CLIENTS)))
    } catch {
      // no storage: only this page's edits count as ours
    }
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
      if (this.outdated.get()) return void this.connection.set('offline')
      if (provider.wsconnected && provider.synced) this.connection.set('live')
      else if (!navigator.onLine || provider.wsUnsuccessfulReconnects > 0) this.connection.set('offline')
      else this.connection.set('connecting')
    }
    const onStatus = () => update()
    const onSync = (synced: boolean) => {
      update()
      if (synced) this.checkLayout()
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
    // 4401: token rotated; 4404: the owner deleted the board (410, so the page can say so plainly); 4426: the
    // server serves a newer document layout than this code writes (the board stays on screen, read-only).
    const onClosed = (event: { code: number; reason: string }) => {
      if (event.code === CLOSE_LAYOUT_OUTDATED) return this.markOutdated()
      this.deny(event.reason || 'Access to this board was revoked', event.code === 4401 ? 401 : event.code === 4404 ? 410 : undefined)
    }
    const onOffline = () => {
      provider.disconnect()
      this.connection.get() !== 'denied' && this.connection.set('offline')
    }
    const onOnline = () => {
      if (this.connection.get() === 'denied' || this.outdated.get()) return
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
    if (this.connection.get() === 'denied' || this.outdated.get()) return
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

const clientIdsKey = (boardId: string) => `outcome-board:client-ids:${boardId}`

/** Client ids this browser wrote this board with before (newest first). */
function readClientIds(boardId: string): number[] {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(clientIdsKey(boardId)) ?? '[]')
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : []
  } catch {
    return []
  }
}
