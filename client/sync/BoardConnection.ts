// A board's Yjs document and its two sources: this browser's copy (IndexedDB) and the server (websocket).
// It needs nothing of tldraw, so the board page opens it the moment it knows the board's id, while the
// editor's code (tldraw, most of the app's bytes) is still loading; BoardSync then binds it to a tldraw store.
//
// When to connect: a browser that has opened this board before has a copy in IndexedDB, and connects once
// the copy is loaded, so the server is asked only for what the copy lacks and the copy's contents are not
// sent up again as one big update. A first visit has no copy to wait for, and connects at once.

import * as decoding from 'lib0/decoding'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { YDOC_BOARD, YDOC_META } from '../../shared/model'
import { LAYOUT, recordsRoot } from '../../shared/record-layout'
import type { RecordFields } from '../../shared/record-layout'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import { findRecent } from '../platform/local'
import { mark } from '../platform/perf'

export interface BoardEvent {
  type: string
  [key: string]: unknown
}

export interface BoardConnectionOptions {
  boardId: string
  token: string
  /** ws(s)://host — defaults to this page's origin. */
  wsOrigin?: string
  /** Connect without waiting for the local copy; default: only when this browser has not opened the board. */
  connectAtOnce?: boolean
}

export class BoardConnection {
  readonly doc = new Y.Doc()
  /** The records (layout 2): record id → Y.Map of its fields. A local copy may also hold layout-1 entries
   *  (`tl_records`, from the build before): they are never read here; the server converts what it receives. */
  readonly records: Y.Map<RecordFields>
  readonly meta: Y.Map<unknown>
  readonly board: Y.Map<unknown>
  readonly provider: WebsocketProvider
  readonly persistence: IndexeddbPersistence
  /** Settles once the local copy is in the document (or IndexedDB turned out to be unavailable). */
  readonly localLoaded: Promise<void>
  private destroyed = false

  private eventListeners = new Set<(event: BoardEvent) => void>()

  constructor(readonly opts: BoardConnectionOptions) {
    this.records = recordsRoot(this.doc)
    this.meta = this.doc.getMap(YDOC_META)
    this.board = this.doc.getMap(YDOC_BOARD)
    this.persistence = new IndexeddbPersistence(`outcome-board/${opts.boardId}`, this.doc)
    const wsOrigin = opts.wsOrigin ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`
    this.provider = new WebsocketProvider(`${wsOrigin}/ws`, opts.boardId, this.doc, {
      // The layout this code writes: the server closes (4426) a socket that declares an older one than it serves.
      params: { token: opts.token, layout: String(LAYOUT) },
      connect: false,
      disableBc: true,
    })
    this.provider.messageHandlers[MESSAGE_BOARD_EVENT] = (_encoder, decoder) => {
      const text = decoding.readVarString(decoder)
      let event: BoardEvent | null = null
      try {
        event = JSON.parse(text)
      } catch {
        return // not ours to understand
      }
      if (event && typeof event.type === 'string') for (const fn of this.eventListeners) fn(event)
    }
    const onStatus = ({ status }: { status: string }) => {
      if (status !== 'connected') return
      mark('ws-open')
      this.provider.off('status', onStatus)
    }
    this.provider.on('status', onStatus)
    this.provider.once('sync', () => mark('synced'))
    this.localLoaded = this.persistence.whenSynced.then(
      () => mark('local-loaded'),
      () => {}, // IndexedDB unavailable (private mode): carry on with the network only
    )
    const connectAtOnce = opts.connectAtOnce ?? !findRecent(opts.boardId)
    if (connectAtOnce && navigator.onLine) this.connect()
  }

  /** Server board events (timer, votes, summon…). Unknown types are for later features; listeners filter. */
  onBoardEvent(fn: (event: BoardEvent) => void): () => void {
    this.eventListeners.add(fn)
    return () => this.eventListeners.delete(fn)
  }

  /** Opens the websocket unless it is open or opening (the provider reconnects by itself after that). */
  connect() {
    if (!this.destroyed) this.provider.connect()
  }

  destroy() {
    if (this.destroyed) return
    this.destroyed = true
    this.eventListeners.clear()
    this.provider.destroy()
    void this.persistence.destroy()
    this.doc.destroy()
  }
}
