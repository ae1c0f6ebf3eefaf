// The workshop countdown, as pure state transitions on server time. The server applies actions and
// broadcasts the state with its clock; each client shows `remainingMs(state, serverNow)`, where serverNow is
// its own clock corrected by the offset it saw, so a reload or a skewed laptop clock shows the same time.

export type TimerStatus = 'idle' | 'running' | 'paused'

export interface TimerState {
  status: TimerStatus
  /** The length the countdown was last started or reset with. */
  durationMs: number
  /** Server epoch ms at which a running timer reaches zero. */
  endsAt: number | null
  /** What was left when paused (or the full duration when idle). */
  remainingMs: number
}

export type TimerAction =
  | { action: 'start'; seconds: number }
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'add'; seconds: number }
  | { action: 'reset' }

export const TIMER_MAX_SECONDS = 4 * 60 * 60

export const IDLE_TIMER: TimerState = { status: 'idle', durationMs: 0, endsAt: null, remainingMs: 0 }

export function remainingMs(state: TimerState, now: number): number {
  if (state.status === 'running' && state.endsAt !== null) return Math.max(0, state.endsAt - now)
  return Math.max(0, state.remainingMs)
}

const cap = (ms: number) => Math.min(Math.max(0, Math.round(ms)), TIMER_MAX_SECONDS * 1000)

/** The state after `action` at server time `now`. Pausing a finished timer leaves it at zero. */
export function applyTimerAction(state: TimerState, action: TimerAction, now: number): TimerState {
  switch (action.action) {
    case 'start': {
      const durationMs = cap(action.seconds * 1000)
      return { status: 'running', durationMs, endsAt: now + durationMs, remainingMs: durationMs }
    }
    case 'pause':
      if (state.status !== 'running') return state
      return { ...state, status: 'paused', endsAt: null, remainingMs: remainingMs(state, now) }
    case 'resume':
      if (state.status !== 'paused') return state
      return { ...state, status: 'running', endsAt: now + state.remainingMs }
    case 'add': {
      const add = action.seconds * 1000
      const left = cap(remainingMs(state, now) + add)
      const durationMs = cap(Math.max(state.durationMs, 0) + add)
      if (state.status === 'running') return { ...state, durationMs, endsAt: now + left, remainingMs: left }
      return { ...state, status: state.status === 'idle' ? 'paused' : state.status, durationMs, remainingMs: left }
    }
    case 'reset':
      return { status: 'idle', durationMs: state.durationMs, endsAt: null, remainingMs: state.durationMs }
  }
}

/** "4:05" or "1:02:03". */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}
