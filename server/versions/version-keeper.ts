// Making versions: after a burst of edits goes quiet, when a room unloads with changes
// not yet in a version, and on demand (named, bet lock/unlock, import, restore). Each version holds the
// board's records (codec.ts), who was connected or edited since the version before, and a summary of what
// changed since it. The room tells us when it has loaded and when it is about to free its doc (RoomObserver);
// everything else is read from the room's doc and awareness, so room.ts knows nothing of versions.
//
// Several processes: the quiet and unload triggers store nothing when the newest version already holds the
// same records (checked in the store's transaction), so two processes closing one span make one version.
import type * as Y from 'yjs'
import type { JsonRecord } from '../../shared/model'
import { diffRecords, summarize, versionsToThin, type ThinPolicy } from '../../shared/version-diff'
import type { VersionEvent, VersionPerson, VersionReason } from '../../shared/versions'
import { readRecords } from '../board-doc'
import type { Logger } from '../log'
import type { Role, Store, StoredVersionInfo } from '../store/types'
import type { Conn } from '../sync/conn'
import type { Room, RoomObserver } from '../sync/room'
import type { Rooms } from '../sync/rooms'
import { decodeRecords, encodeRecords, hashJson, recordsJson } from './codec'

export interface VersionKeeperDeps {
  store: Store
  log: Logger
  /** An automatic version is made once no edit came for this long. */
  quietMs: number
  policy: ThinPolicy
}

export interface MakeOptions {
  name?: string | null
  /** Who asked (an HTTP caller), counted among the version's people. */
  actor?: VersionPerson | null
  /** Store nothing (resolve null) when the newest version holds the same records. */
  unlessSame?: boolean
}

/** A version just made, with the records it holds (restore compares them with the doc). */
export interface MadeVersion {
  info: StoredVersionInfo
  records: JsonRecord[]
}

/** What the keeper tracks for one loaded room, between two versions. */
interface Watch {
  room: Room
  dirty: boolean
  timer: NodeJS.Timeout | null
  /** Who took part in this span, per connection: a connection is noted once, and again only when it
   *  gains a name (its first edit often comes before its presence, which carries the name). */
  people: Map<Conn, VersionPerson>
  off(): void
}

const ANONYMOUS = 'Anonymous' // what the client calls someone who set no name (client/sync/presence.ts)
const NAME_MAX = 80

const personKey = (p: VersionPerson) => `${p.role}\u0000${p.name}`

/** The display name a connection's client published in its presence (tldraw's instance_presence.userName). */
function presenceName(room: Room, conn: Conn): string {
  for (const id of conn.awarenessIds) {
    const state = room.awareness.getStates().get(id) as { presence?: { userName?: unknown } | null } | undefined
    const name = state?.presence?.userName
    if (typeof name === 'string' && name.trim()) return name.trim().slice(0, NAME_MAX)
  }
  return ANONYMOUS
}

export class VersionKeeper implements RoomObserver {
  private rooms: Rooms | null = null
  private readonly watches = new Map<string, Watch>()
  /** Per board: the version being stored, so ids and summaries follow the order versions were taken in. */
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(private readonly deps: VersionKeeperDeps) {}

  /** The registry whose docs on-demand versions read (it is built with this keeper as its observer). */
  useRooms(rooms: Rooms): void {
    this.rooms = rooms
  }

  loaded(room: Room): void {
    const watch: Watch = { room, dirty: false, timer: null, people: new Map(), off: () => {} }
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      watch.dirty = true
      if (room.conns.has(origin as Conn)) this.note(watch, origin as Conn)
      if (watch.timer) watch.timer.refresh()
      else {
        watch.timer = setTimeout(() => this.quiet(watch), this.deps.quietMs)
        watch.timer.unref()
      }
    }
    const onPresence = ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      if ((added.length || updated.length) && room.conns.has(origin as Conn)) this.note(watch, origin as Conn)
    }
    room.doc.on('update', onUpdate)
    room.awareness.on('update', onPresence)
    watch.off = () => {
      room.doc.off('update', onUpdate)
      room.awareness.off('update', onPresence)
      if (watch.timer) clearTimeout(watch.timer)
      watch.timer = null
    }
    this.watches.set(room.boardId, watch)
  }

  /** The room is about to free its doc: changes since the last version become one now. */
  async closing(room: Room): Promise<void> {
    const watch = this.watches.get(room.boardId)
    if (!watch || watch.room !== room) return
    watch.off()
    this.watches.delete(room.boardId)
    if (!watch.dirty) return
    const taken = this.take(watch, room.doc, null)
    await this.store(room.boardId, taken, 'auto', null, true).catch((err) =>
      this.deps.log.error({ boardId: room.boardId, err }, 'version on unload failed'),
    )
  }

  /** Makes a version of the board's present (loading its room if needed). Resolves null only with
   *  `unlessSame` when nothing changed since the newest version. */
  async make(boardId: string, reason: VersionReason, opts: MakeOptions = {}): Promise<MadeVersion | null> {
    if (!this.rooms) throw new Error('version keeper has no rooms')
    const taken = await this.rooms.withDoc(boardId, (doc) => {
      const watch = this.watches.get(boardId)
      return this.take(watch && watch.room.doc === doc ? watch : null, doc, opts.actor ?? null)
    })
    return this.store(boardId, taken, reason, opts.name ?? null, !!opts.unlessSame)
  }

  /** Keeps a layout-1 board's records as a version before the room converts it (see room.ts). */
  async converting(boardId: string, records: JsonRecord[]): Promise<void> {
    await this.store(boardId, { records, people: [], watch: null }, 'before-layout', null, false)
  }

  /** The records of the board's newest conversion version, or null when it has none. */
  async conversionBase(boardId: string): Promise<ReadonlyMap<string, JsonRecord> | null> {
    const kept = (await this.deps.store.listVersions(boardId)).find((v) => v.reason === 'before-layout')
    if (!kept) return null
    return new Map((await this.recordsOf(boardId, kept.id)).map((r) => [r.id, r]))
  }

  /** Reads the board's records and who took part since the last version, and starts the next span. */
  private take(watch: Watch | null, doc: Y.Doc, actor: VersionPerson | null): { records: JsonRecord[]; people: VersionPerson[]; watch: Watch | null } {
    const records = [...readRecords(doc).values()]
    const people = new Map<string, VersionPerson>()
    if (watch) {
      for (const conn of watch.room.conns) this.note(watch, conn)
      for (const p of watch.people.values()) people.set(personKey(p), p)
      watch.people.clear()
      watch.dirty = false
    }
    if (actor) people.set(personKey(actor), actor)
    const list = [...people.values()].sort((a, b) => a.name.localeCompare(b.name) || a.role.localeCompare(b.role))
    return { records, people: list, watch }
  }

  private note(watch: Watch, conn: Conn): void {
    const known = watch.people.get(conn)
    if (known && known.name !== ANONYMOUS) return
    const name = presenceName(watch.room, conn)
    if (!known || name !== ANONYMOUS) watch.people.set(conn, { name, role: conn.role as Role })
  }

  private quiet(watch: Watch): void {
    watch.timer = null
    if (!watch.dirty || this.watches.get(watch.room.boardId) !== watch) return
    this.make(watch.room.boardId, 'auto', { unlessSame: true }).catch((err) =>
      this.deps.log.warn({ boardId: watch.room.boardId, err: (err as Error).message }, 'automatic version failed'),
    )
  }

  private store(
    boardId: string,
    taken: { records: JsonRecord[]; people: VersionPerson[]; watch: Watch | null },
    reason: VersionReason,
    name: string | null,
    unlessSame: boolean,
  ): Promise<MadeVersion | null> {
    const run = async (): Promise<MadeVersion | null> => {
      const json = recordsJson(taken.records)
      const hash = hashJson(json)
      const [latest] = await this.deps.store.listVersions(boardId, 1)
      if (unlessSame && latest?.hash === hash) return null
      const before = latest ? await this.recordsOf(boardId, latest.id) : []
      const summary = summarize(diffRecords(before, taken.records))
      const info = await this.deps.store.addVersion(
        boardId,
        { at: new Date().toISOString(), name, reason, people: taken.people, summary, hash, records: await encodeRecords(json) },
        { unlessSameAsLatest: unlessSame },
      )
      if (!info) return null
      this.deps.log.info({ boardId, version: info.id, reason, bytes: info.bytes }, 'version made')
      const { hash: _hash, bytes: _bytes, ...version } = info
      const event: VersionEvent = { type: 'version', version }
      this.rooms?.broadcastEvent(boardId, event)
      if (reason === 'auto') await this.thin(boardId)
      return { info, records: taken.records }
    }
    const prev = this.chains.get(boardId) ?? Promise.resolve()
    const result = prev.then(run, run)
    const settled = result.then(
      () => undefined,
      () => {
        if (taken.watch) taken.watch.dirty = true // not in any version yet: try again at the next trigger
      },
    )
    this.chains.set(boardId, settled)
    void settled.then(() => {
      if (this.chains.get(boardId) === settled) this.chains.delete(boardId)
    })
    return result
  }

  /** A stored version's records (empty when it cannot be read: the summary then counts everything added). */
  async recordsOf(boardId: string, id: number): Promise<JsonRecord[]> {
    const got = await this.deps.store.getVersion(boardId, id)
    if (!got) return []
    try {
      return await decodeRecords(got.records)
    } catch (err) {
      this.deps.log.error({ boardId, version: id, err }, 'a stored version does not decode')
      return []
    }
  }

  private async thin(boardId: string): Promise<void> {
    const drop = versionsToThin(await this.deps.store.listVersions(boardId), Date.now(), this.deps.policy)
    if (drop.length) {
      await this.deps.store.deleteVersions(boardId, drop)
      this.deps.log.info({ boardId, dropped: drop.length }, 'automatic versions thinned')
    }
  }
}
