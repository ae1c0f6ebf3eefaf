// The bet API (server/routes/bets.ts) as the browser calls it. The server decides who may do what (lock:
// editor or owner, unlock: owner, push: editor or owner); the UI only hides what would be refused.

import type { Decision, LockedBet } from '../../shared/bet'
import type { TrackerName, TrackerPush } from '../../shared/trackers'
import { request } from '../platform/api'

export type { Decision, TrackerName, TrackerPush }

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
