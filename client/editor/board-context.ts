// The board on screen as every panel sees it: its id, this link's token and role, its title, and the trackers
// the server can push to. Set by the board composition when the board mounts; null while none is mounted.

import { atom, getUserPreferences } from '@tldraw/tldraw'
import type { Role } from '../../shared/api'
import type { TrackerName } from '../../shared/trackers'

export interface BoardContext {
  boardId: string
  token: string
  role: Role | null
  title: string
  /** The view link the bet export links to (see BoardMeta.viewUrl). */
  viewUrl?: string
  /** Trackers the server has credentials for (GET /api/config); only these are offered. */
  trackers: TrackerName[]
}

export const boardContext = atom<BoardContext | null>('board context', null)

export const canEditBoard = (ctx: BoardContext | null) => !!ctx && (ctx.role === 'editor' || ctx.role === 'owner')

/** The current display name (tldraw user preferences), sent as `by` so logs and versions say who. */
export function displayName() {
  return getUserPreferences().name?.trim().slice(0, 80) ?? ''
}
