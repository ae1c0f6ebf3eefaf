// Restoring a version as an ordinary edit on top of the present: the present is saved as a version first
// ('before-restore'), then records the version does not hold are deleted and those that differ are written,
// in one server change that every client receives like any other edit (offline clients merge with it); then
// the present is saved again ('after-restore'). With `ids`, only those records come back, plus the tldraw
// parents, tree parents and bound shapes they need that the present lacks.
import type * as Y from 'yjs'
import { readLockedBet } from '../../shared/bet'
import type { JsonRecord } from '../../shared/model'
import { jsonEqual } from '../../shared/version-diff'
import type { RestoreResult, VersionPerson } from '../../shared/versions'
import { betPathIds, deleteRecords, markBet, readBet, readRecords, writeRecords } from '../board-doc'
import { HttpError } from '../http'
import type { Rooms } from '../sync/rooms'
import type { VersionKeeper } from './version-keeper'

export interface RestorePlan {
  write: JsonRecord[]
  remove: string[]
}

/** Links a record needs to be shown: its tldraw parent, its tree parent, a binding's two shapes. */
function needs(record: JsonRecord): string[] {
  const out: string[] = []
  if (typeof record.parentId === 'string') out.push(record.parentId)
  const props = record.props as { parentNode?: unknown } | undefined
  if (props && typeof props.parentNode === 'string' && props.parentNode) out.push(props.parentNode)
  if (record.typeName === 'binding') for (const k of ['fromId', 'toId']) if (typeof record[k] === 'string') out.push(record[k] as string)
  return out
}

/** The writes and deletes that make `present` equal to `target` (all of it, or just `ids` and what they
 *  need). A shape keeps its present `isLocked`: that follows the bet locked now (marked again afterwards). */
export function planRestore(present: ReadonlyMap<string, JsonRecord>, target: ReadonlyMap<string, JsonRecord>, ids?: readonly string[]): RestorePlan {
  let wanted: Set<string>
  let remove: string[] = []
  if (ids) {
    wanted = new Set(ids)
    const queue = [...ids]
    while (queue.length) {
      const record = target.get(queue.pop()!)
      if (!record) continue
      for (const id of needs(record)) {
        if (wanted.has(id) || present.has(id) || !target.has(id)) continue
        wanted.add(id)
        queue.push(id)
      }
    }
  } else {
    wanted = new Set(target.keys())
    remove = [...present.keys()].filter((id) => !target.has(id)).sort()
  }
  const write: JsonRecord[] = []
  for (const id of [...wanted].sort()) {
    let record = target.get(id)!
    const now = present.get(id)
    if (now && typeof now.isLocked === 'boolean' && typeof record.isLocked === 'boolean') record = { ...record, isLocked: now.isLocked }
    if (!now || !jsonEqual(now, record)) write.push(record)
  }
  return { write, remove }
}

/** Tries to restore the version saved just before; an edit that came between touched what the restore
 *  would change, so the present is saved again first. After this many tries it restores anyway. */
const TRIES = 3

export async function restoreVersion(
  deps: { rooms: Rooms; versions: VersionKeeper },
  boardId: string,
  versionId: number,
  target: ReadonlyMap<string, JsonRecord>,
  ids: readonly string[] | undefined,
  actor: VersionPerson,
): Promise<Omit<RestoreResult, 'restored'>> {
  if (ids) {
    const unknown = ids.filter((id) => !target.has(id))
    if (unknown.length) throw new HttpError(422, `not in version ${versionId}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`)
  }
  for (let attempt = 1; ; attempt++) {
    const saved = await deps.versions.make(boardId, 'before-restore', { actor })
    const savedRecords = new Map(saved!.records.map((r) => [r.id, r]))
    let plan: RestorePlan | null = null
    await deps.rooms.applyServerChange(
      boardId,
      (doc) => {
        const present = readRecords(doc)
        const next = planRestore(present, target, ids)
        const touched = [...next.remove, ...next.write.map((r) => r.id)]
        if (attempt < TRIES && touched.some((id) => !jsonEqual(present.get(id), savedRecords.get(id)))) return
        plan = next
        deleteRecords(doc, next.remove)
        writeRecords(doc, next.write)
        const { bet } = readLockedBet(readBet(doc))
        if (bet) markBet(doc, bet, betPathIds(bet))
      },
      'restore',
    )
    if (!plan) continue
    const done = plan as RestorePlan
    const after = await deps.versions.make(boardId, 'after-restore', { actor })
    return { saved: saved!.info, after: after!.info, written: done.write.length, deleted: done.remove.length }
  }
}
