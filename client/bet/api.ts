// The bet API (server/routes/bets.ts) as the browser calls it. The server decides who may do what (lock:
// editor or owner, unlock: owner, push: editor or owner); the UI only hides what would be refused.

import type { LockedBet } from '../../shared/bet'
import { request } from '../api'

export type TrackerName = 'github' | 'jira' | 'linear'

export interface TrackerPush {
  tracker: TrackerName
  url: string
  key: string
  at: string
}

export interface Decision {
  id: string | number
  action: 'lock' | 'unlock'
  solutionId: string
  title: string
  by: string
  role: string
  at: string
  bet: LockedBet
  pushes: TrackerPush[]
  /** Why it was locked or unlocked, as the person wrote it; null when no reason was given. */
  why?: string | null
}

export const TRACKER_NAME: Record<TrackerName, string> = { github: 'GitHub', jira: 'Jira', linear: 'Linear' }

const base = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`

export const betApi = {
  lock: (boardId: string, token: string, solutionId: string, by: string, why = '') =>
    request<LockedBet>(`${base(boardId)}/bet`, { method: 'POST', body: JSON.stringify({ solutionId, by: by || undefined, why: why.trim() || undefined }) }, token),
  unlock: (boardId: string, token: string, by: string, why = '') =>
    request<{ unlocked: LockedBet }>(`${base(boardId)}/bet`, { method: 'DELETE', body: JSON.stringify({ by: by || undefined, why: why.trim() || undefined }) }, token),
  decisions: (boardId: string, token: string) => request<Decision[]>(`${base(boardId)}/decisions`, {}, token),
  push: (boardId: string, token: string, tracker: TrackerName) =>
    request<{ url: string; key: string }>(`${base(boardId)}/bet/push`, { method: 'POST', body: JSON.stringify({ tracker }) }, token),
}
