// Version history's local UI state, in tldraw signals so the top-bar button, the panel, the compare view and
// the canvas marks read the same thing. Nothing here is shared with other people: the versions live on the
// server, and a restore reaches everyone as an ordinary edit of the document.

import { atom } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import type { Role } from '../platform/api'
import type { RestoreResult, VersionInfo } from './api'
import type { CardDiff } from './diff'

export interface HistoryContext {
  boardId: string
  token: string
  role: Role | null
  offline: boolean
}

export const historyContext = atom<HistoryContext | null>('history context', null)
export const historyOpen = atom('history panel open', false)
/** The version shown read-only in place of the live canvas (null: the live board). */
export const viewing = atom<VersionInfo | null>('viewing version', null)
/** The read-only editor showing `viewing`, once mounted (the differences list zooms it). */
export const compareEditor = atom<Editor | null>('compare editor', null)
/** How the version being viewed differs from now, by card id; and where cards added since sit now. */
export const currentDiffs = atom<Map<string, CardDiff>>('version differences', new Map())
export const addedGhosts = atom<Map<string, { x: number; y: number; w: number; h: number }>>('cards added since', new Map())
/** The last restore made here: the notice offers to undo it (restore the version saved just before). */
export const lastRestore = atom<(RestoreResult & { undone?: boolean }) | null>('last restore', null)

export const canEdit = (ctx: HistoryContext | null) => !!ctx && (ctx.role === 'editor' || ctx.role === 'owner')
export const canRestore = (ctx: HistoryContext | null) => !!ctx && ctx.role === 'owner'

/** Why this person cannot restore, in words (null when they can). */
export function whyNoRestore(ctx: HistoryContext | null): string | null {
  if (!ctx || ctx.role === 'owner') return null
  if (ctx.role === 'editor') return 'Only the board’s owner can restore a version: you opened it with the edit link.'
  if (ctx.role === 'viewer') return 'Only the board’s owner can restore a version: you opened it with the view link.'
  return 'Only the board’s owner can restore a version.'
}

export function openHistory() {
  historyOpen.set(true)
}

export function closeHistory() {
  viewing.set(null)
  historyOpen.set(false)
}

/** Bumped after this browser saves or restores, so the list refreshes at once rather than at the next poll. */
export const listStamp = atom('history list stamp', 0)
export const refreshList = () => listStamp.set(listStamp.get() + 1)
