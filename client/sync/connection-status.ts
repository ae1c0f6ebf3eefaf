// The board's connection as the person sees it (connecting, live, offline, denied), from the websocket, the
// browser's online state and the API's word on access; and the stop once the board moved to a newer layout.

import type { Atom } from '@tldraw/tldraw'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { CLOSE_ACCESS_REVOKED, CLOSE_BOARD_DELETED, CLOSE_RELOAD } from '../../shared/protocol'
import { LAYOUT } from '../../shared/record-layout'
import { ApiError, getBoard } from '../platform/api'
import type { Role } from '../platform/api'

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'denied'

export interface ConnectionAtoms {
  connection: Atom<ConnectionState>
  /** The board was moved to a newer document layout than this code writes: read-only until a reload. */
  outdated: Atom<boolean>
  readonly: Atom<boolean>
  denialReason: Atom<string | null>
}

/** Who asks the API about access when a socket fails, and what to do when it answers with a role. */
export interface AccessCheck {
  boardId: string
  token: string
  onRole: (role: Role) => void
}

export class ConnectionStatus {
  /** The HTTP status behind a denial, when the API gave one (401 wrong or rotated token, 403, 404). */
  denialStatus: number | null = null
  private lastAuthCheck = 0

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly meta: Y.Map<unknown>,
    private readonly atoms: ConnectionAtoms,
    private readonly access: AccessCheck,
  ) {}

  /** Follows the socket and the browser's online state until the returned function is called. */
  watch(): () => void {
    const { provider } = this
    const { connection, outdated } = this.atoms
    const update = () => {
      if (connection.get() === 'denied') return
      if (outdated.get()) return void connection.set('offline')
      if (provider.wsconnected && provider.synced) connection.set('live')
      else if (!navigator.onLine || provider.wsUnsuccessfulReconnects > 0) connection.set('offline')
      else connection.set('connecting')
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
        getBoard(this.access.boardId, this.access.token).then(
          (info) => this.access.onRole(info.role),
          (error) => {
            if (error instanceof ApiError && [401, 403, 404].includes(error.status)) this.deny(error.message, error.status)
          },
        )
      }
    }
    // Token rotated; the owner deleted the board (410, so the page can say so plainly); or the server serves a
    // newer document layout than this code writes (the board stays on screen, read-only).
    const onClosed = (event: { code: number; reason: string }) => {
      if (event.code === CLOSE_RELOAD) return this.markOutdated()
      const status = event.code === CLOSE_ACCESS_REVOKED ? 401 : event.code === CLOSE_BOARD_DELETED ? 410 : undefined
      this.deny(event.reason || 'Access to this board was revoked', status)
    }
    const onOffline = () => {
      provider.disconnect()
      connection.get() !== 'denied' && connection.set('offline')
    }
    const onOnline = () => {
      if (connection.get() === 'denied' || outdated.get()) return
      provider.connect()
      update()
    }
    const stops = [
      listen(provider, 'status', onStatus),
      listen(provider, 'sync', onSync),
      listen(provider, 'connection-close', onClose),
      listen(provider, 'closed', onClosed),
      listenWindow('offline', onOffline),
      listenWindow('online', onOnline),
    ]
    update() // the page's connection may be open, even synced, already
    return () => {
      for (const stop of stops) stop()
    }
  }

  /** A document stating a newer layout than ours (the server moved the board on): read-only until reloaded. */
  checkLayout() {
    const stated = this.meta.get('layout')
    if (typeof stated === 'number' && stated > LAYOUT) this.markOutdated()
  }

  /** Stops writing and syncing; what this browser wrote stays in IndexedDB, and a reload brings the code that
   *  can send it. */
  markOutdated() {
    const { connection, outdated, readonly } = this.atoms
    if (outdated.get()) return
    outdated.set(true)
    readonly.set(true)
    this.provider.disconnect()
    if (connection.get() !== 'denied') connection.set('offline')
  }

  /** Drops the socket but keeps editing locally (IndexedDB keeps it). */
  disconnect() {
    this.provider.disconnect()
    this.atoms.connection.set('offline')
  }

  reconnect() {
    if (this.atoms.connection.get() === 'denied' || this.atoms.outdated.get()) return
    this.provider.connect()
  }

  private deny(reason: string, status?: number) {
    this.provider.disconnect()
    this.denialStatus = status ?? null
    this.atoms.denialReason.set(reason)
    this.atoms.connection.set('denied')
  }
}

function listen<N extends Parameters<WebsocketProvider['on']>[0]>(provider: WebsocketProvider, name: N, fn: ReturnType<typeof provider.on<N>>): () => void {
  provider.on(name, fn)
  return () => provider.off(name, fn)
}

function listenWindow(name: 'online' | 'offline', fn: () => void): () => void {
  window.addEventListener(name, fn)
  return () => window.removeEventListener(name, fn)
}
