// The locked bet as this browser sees it, and which bet/export/import surface is open. The bet itself is read
// from the Yjs document (`board.bet`, written only by the server), so every client shows the same thing live;
// everything else here is local UI state in tldraw signals, readable from cards deep inside the canvas.

import { atom, computed, getUserPreferences } from '@tldraw/tldraw'
import { betPathIds as pathIdsOf, type LockedBet } from '../../shared/bet'
import type { Role } from '../platform/api'
import type { TrackerName } from './api'

export interface BetContext {
  boardId: string
  token: string
  role: Role | null
  title: string
  /** The view link the bet export links to (see BoardMeta.viewUrl). */
  viewUrl?: string
  /** Trackers the server has credentials for (GET /api/config); only these are offered. */
  trackers: TrackerName[]
}

export const betContext = atom<BetContext | null>('bet context', null)
export const lockedBet = atom<LockedBet | null>('locked bet', null)

/** Ids of the shapes on the locked bet's path (outcome, opportunities, solution, its assumptions). */
export const betPathIds = computed('bet path ids', () => {
  const bet = lockedBet.get()
  return new Set<string>(bet ? pathIdsOf(bet) : [])
})

/** The solution the lock dialog previews (null when closed). */
export const lockDialogFor = atom<string | null>('lock dialog', null)
export type Drawer = 'bet' | 'decisions' | null
export const openDrawer = atom<Drawer>('bet drawer', null)
export const importOpen = atom('import dialog', false)

export const canEditBoard = (ctx: BetContext | null) => !!ctx && (ctx.role === 'editor' || ctx.role === 'owner')

/** The current display name (tldraw user preferences), sent as `by` so the decision log says who. */
export function displayName() {
  return getUserPreferences().name?.trim().slice(0, 80) ?? ''
}

export function isLockedBet(value: unknown): value is LockedBet {
  const v = value as LockedBet | null
  return !!v && typeof v === 'object' && typeof v.solutionId === 'string' && !!v.path && typeof v.path === 'object'
}
