// The room registry: one Room per board in memory, loaded on first use and unloaded once nothing uses it for
// a grace period. "Uses" = a websocket connection or a hold taken by server code (applyServerChange,
// withDoc). A failed room is dropped at once so the next user reloads it from the store. A deleted board's
// room is unloaded at once and never loaded again by this process.
import type * as Y from 'yjs'
import { CLOSE_ACCESS_REVOKED, CLOSE_BOARD_DELETED, CLOSE_GOING_AWAY } from '../../shared/protocol'
import { HttpError } from '../http'
import type { Role } from '../store/types'
import type { Conn } from './conn'
import type { FanoutMessage } from './fanout'
import { Room, type RoomDeps } from './room'

export interface RoomsDeps extends RoomDeps {
  graceMs: number
}

/** Deleted boards remembered, so a socket or request that passed its check just before the delete cannot
 *  load the room again; after that the store answers 404 for them anyway. */
const DELETED_MEMORY = 10_000

export class Rooms {
  private readonly rooms = new Map<string, Room>()
  /** Rooms being unloaded (flushing); a new instance of the same board loads after it settles. */
  private readonly closing = new Map<string, Promise<void>>()
  private readonly timers = new Map<Room, NodeJS.Timeout>()
  private readonly holds = new Map<Room, number>()
  private readonly deleted = new Set<string>()
  /** Each loaded board's subscription to the other processes' messages (fanout.ts). */
  private readonly subscriptions = new Map<string, () => void>()
  private shuttingDown = false

  constructor(private readonly deps: RoomsDeps) {
    // Back from an outage of the link to the other processes: every loaded room reads what it missed.
    deps.fanout.onResume(() => {
      for (const room of this.rooms.values()) void room.resync().catch((err) => deps.log.warn({ boardId: room.boardId, err }, 'resync failed'))
    })
  }

  get size(): number {
    return this.rooms.size
  }

  /** The loaded room of a board, if any (nothing is loaded). */
  peek(boardId: string): Room | undefined {
    return this.rooms.get(boardId)
  }

  /** Adds a connection to its board's room, loading the room if needed. */
  connect(boardId: string, conn: Conn): Room | null {
    if (this.shuttingDown) {
      conn.close(CLOSE_GOING_AWAY, 'server shutting down')
      return null
    }
    if (this.deleted.has(boardId)) {
      conn.close(CLOSE_BOARD_DELETED, 'board deleted')
      return null
    }
    const room = this.getOrLoad(boardId)
    room.addConn(conn)
    return room
  }

  disconnect(room: Room, conn: Conn): void {
    room.removeConn(conn)
    this.maybeScheduleUnload(room)
  }

  /** Server-side change to a board's doc with the same persist-then-relay path as client updates. */
  async applyServerChange(boardId: string, fn: (doc: Y.Doc) => void, origin: unknown = 'server'): Promise<void> {
    const room = this.hold(boardId)
    try {
      await room.applyServerChange(fn, origin)
    } finally {
      this.release(room)
    }
  }

  /** Reads a board's live doc (loading it if needed). `fn` must not keep the doc. */
  async withDoc<T>(boardId: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const room = this.hold(boardId)
    try {
      await room.whenLoaded()
      if (room.state !== 'ready') throw new Error(`board ${boardId} could not be loaded`)
      return fn(room.currentDoc())
    } finally {
      this.release(room)
    }
  }

  /** Sends a board event to everyone connected to the board, on every process. */
  broadcastEvent(boardId: string, event: unknown): void {
    this.rooms.get(boardId)?.broadcastEvent(event)
    this.deps.fanout.publish(boardId, { kind: 'event', event })
  }

  /** Closes every socket on the board opened with one of `roles`' tokens, on every process (their tokens
   *  were rotated); returns how many this process closed. */
  revoke(boardId: string, roles: readonly Role[]): number {
    this.deps.fanout.publish(boardId, { kind: 'revoke', roles: [...roles] })
    return this.closeRoles(boardId, roles)
  }

  private closeRoles(boardId: string, roles: readonly Role[]): number {
    let n = 0
    for (const conn of [...(this.rooms.get(boardId)?.conns ?? [])]) {
      if (!roles.includes(conn.role)) continue
      conn.close(CLOSE_ACCESS_REVOKED, 'token rotated')
      n++
    }
    return n
  }

  /** What another process tells about a board this process has loaded. */
  private onRemote(boardId: string, message: FanoutMessage): void {
    if (message.kind === 'revoke') {
      this.closeRoles(boardId, message.roles)
      return
    }
    if (message.kind === 'deleted') {
      void this.deleteBoard(boardId, async () => {}, false)
      return
    }
    void this.rooms.get(boardId)?.receiveRemote(message)
  }

  /** Deletes a board: from now on its room is never loaded again; every socket on it is closed with
   *  CLOSE_BOARD_DELETED; the room finishes the work it has queued and is unloaded; then `remove` (the store's
   *  delete) runs, so nothing the room still held can be written back after it. */
  async deleteBoard(boardId: string, remove: () => Promise<void>, tellOthers = true): Promise<void> {
    if (tellOthers) this.deps.fanout.publish(boardId, { kind: 'deleted' })
    this.deleted.add(boardId)
    if (this.deleted.size > DELETED_MEMORY) this.deleted.delete(this.deleted.values().next().value!)
    const room = this.rooms.get(boardId)
    if (room) {
      const timer = this.timers.get(room)
      if (timer) clearTimeout(timer)
      this.timers.delete(room)
      this.rooms.delete(boardId)
      this.unsubscribe(boardId)
      this.deps.metrics.rooms = this.rooms.size
      this.deps.metrics.roomUnloads++
      for (const conn of [...room.conns]) conn.close(CLOSE_BOARD_DELETED, 'board deleted')
      await room.close().catch((err) => this.deps.log.error({ boardId, err }, 'deleted room did not close cleanly'))
    }
    await this.closing.get(boardId)
    await remove()
    this.deps.log.info({ boardId }, 'board deleted')
  }

  /** Graceful shutdown: close every connection (1001), flush every room, wait for unloads in flight. */
  async closeAll(): Promise<void> {
    this.shuttingDown = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    const rooms = [...this.rooms.values()]
    for (const room of rooms) for (const conn of room.conns) conn.close(CLOSE_GOING_AWAY, 'server shutting down')
    this.rooms.clear()
    for (const boardId of [...this.subscriptions.keys()]) this.unsubscribe(boardId)
    this.deps.metrics.rooms = 0
    await Promise.all([...rooms.map((r) => r.close().catch(() => {})), ...this.closing.values()])
  }

  private getOrLoad(boardId: string): Room {
    let room = this.rooms.get(boardId)
    if (!room) {
      room = new Room(boardId, this.deps, this.closing.get(boardId))
      room.onFailed = (r) => this.discard(r)
      this.rooms.set(boardId, room)
      if (!this.subscriptions.has(boardId)) {
        this.subscriptions.set(boardId, this.deps.fanout.subscribe(boardId, (message) => this.onRemote(boardId, message)))
      }
      this.deps.metrics.roomLoads++
      this.deps.metrics.rooms = this.rooms.size
    }
    const timer = this.timers.get(room)
    if (timer) {
      clearTimeout(timer)
      this.timers.delete(room)
    }
    return room
  }

  private hold(boardId: string): Room {
    if (this.shuttingDown) throw new Error('server shutting down')
    if (this.deleted.has(boardId)) throw new HttpError(404, 'board not found')
    const room = this.getOrLoad(boardId)
    this.holds.set(room, (this.holds.get(room) ?? 0) + 1)
    return room
  }

  private release(room: Room): void {
    const n = (this.holds.get(room) ?? 1) - 1
    if (n > 0) this.holds.set(room, n)
    else this.holds.delete(room)
    this.maybeScheduleUnload(room)
  }

  private maybeScheduleUnload(room: Room): void {
    if (this.shuttingDown || room.conns.size > 0 || this.holds.has(room) || this.timers.has(room)) return
    if (this.rooms.get(room.boardId) !== room) return
    const timer = setTimeout(() => this.unload(room), this.deps.graceMs)
    timer.unref()
    this.timers.set(room, timer)
  }

  private unload(room: Room): void {
    this.timers.delete(room)
    if (room.conns.size > 0 || this.holds.has(room) || this.rooms.get(room.boardId) !== room) return
    this.rooms.delete(room.boardId)
    this.unsubscribe(room.boardId)
    this.deps.metrics.rooms = this.rooms.size
    this.deps.metrics.roomUnloads++
    const closed = room
      .close()
      .catch((err) => this.deps.log.error({ boardId: room.boardId, err }, 'room unload failed'))
      .finally(() => {
        if (this.closing.get(room.boardId) === closed) this.closing.delete(room.boardId)
      })
    this.closing.set(room.boardId, closed)
    this.deps.log.debug({ boardId: room.boardId }, 'room unloaded')
  }

  private discard(room: Room): void {
    const timer = this.timers.get(room)
    if (timer) clearTimeout(timer)
    this.timers.delete(room)
    if (this.rooms.get(room.boardId) === room) {
      this.rooms.delete(room.boardId)
      this.unsubscribe(room.boardId)
    }
    this.deps.metrics.rooms = this.rooms.size
    void room.close().catch(() => {})
  }

  private unsubscribe(boardId: string): void {
    this.subscriptions.get(boardId)?.()
    this.subscriptions.delete(boardId)
  }
}
