// The facilitation API (server/routes/facilitation.ts) as the browser calls it. Owner-only calls are refused
// by the server for anyone else (403); the UI hides them too, but the server is the one that decides.

import type { BallotView, PublicRound, RoundRequest, SessionView, SummonBounds } from '../../shared/voting'
import type { TimerAction, TimerState } from '../../shared/timer'
import { request } from '../platform/api'

const base = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`
const post = (body?: unknown): RequestInit => ({ method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) })

export const facilitationApi = {
  // Who votes is the server's HttpOnly voter cookie, which the browser sends with these same-origin calls.
  session: (boardId: string, token: string) => request<SessionView>(`${base(boardId)}/session`, {}, token),
  timer: (boardId: string, token: string, action: TimerAction) =>
    request<{ timer: TimerState; serverNow: number }>(`${base(boardId)}/timer`, post(action), token),
  startRound: (boardId: string, token: string, body: RoundRequest) => request<PublicRound>(`${base(boardId)}/rounds`, post(body), token),
  vote: (boardId: string, token: string, nodeId: string, delta: 1 | -1) =>
    request<BallotView>(`${base(boardId)}/rounds/current/votes`, post({ nodeId, delta }), token),
  reveal: (boardId: string, token: string) => request<PublicRound>(`${base(boardId)}/rounds/current/reveal`, post(), token),
  cancel: (boardId: string, token: string) => request<PublicRound>(`${base(boardId)}/rounds/current`, { method: 'DELETE' }, token),
  summon: (boardId: string, token: string, bounds: SummonBounds, by: string) =>
    request<{ ok: true }>(`${base(boardId)}/summon`, post({ bounds, by }), token),
}
