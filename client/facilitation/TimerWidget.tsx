// The shared countdown in the top bar. Everyone sees it; the facilitator also gets its controls. Time is
// server time (local clock + the offset seen with the last server message), so a reload or a laptop whose
// clock is off shows the same number as everyone else. At zero: a soft flash and a short chime.

import { useValue } from '@tldraw/tldraw'
import { useEffect, useRef, useState } from 'react'
import { formatCountdown, remainingMs } from '../../shared/timer'
import { chime } from './chime'
import type { FacilitationSession } from './session'

const PRESETS = [3, 5, 10]

/** How long "time's up" stays in everyone's bar after zero (server time, so a reload agrees) before the
 *  timer clears on its own; the facilitator can still reset or restart it sooner. */
export const TIMES_UP_SHOW_MS = 30_000

/** Re-renders every `ms` while `active`. */
function useTick(active: boolean, ms = 250) {
  const [, setTick] = useState(0)
  useEffect(() => {
    if (!active) return
    const t = setInterval(() => setTick((n) => n + 1), ms)
    return () => clearInterval(t)
  }, [active, ms])
}

export function TimerWidget({ session }: { session: FacilitationSession }) {
  const timer = useValue('timer', () => session.timer.get(), [session])
  const offset = useValue('offset', () => session.offset.get(), [session])
  const open = useValue('timer open', () => session.timerOpen.get(), [session])
  const setOpen = (fn: (v: boolean) => boolean) => session.timerOpen.set(fn(session.timerOpen.get()))
  const now = Date.now() + offset
  const expired = timer.status === 'running' && timer.endsAt !== null && now - timer.endsAt > TIMES_UP_SHOW_MS
  useTick(timer.status === 'running' && !expired)
  const left = remainingMs(timer, now)
  const done = timer.status === 'running' && left <= 0
  const facilitator = session.isFacilitator
  // An idle timer takes no room in the bar (nor one whose "time's up" has been shown long enough); the
  // facilitator starts one from the Facilitate menu.
  if ((timer.status === 'idle' || expired) && !(facilitator && open)) return null

  const state = done ? 'done' : timer.status
  const label = timer.status === 'idle' ? 'Timer' : formatCountdown(left)
  const progress = timer.durationMs > 0 ? Math.min(1, left / timer.durationMs) : 0
  const content = (
    <>
      <span className="ob-timer__ring" style={{ ['--p' as string]: timer.status === 'idle' ? 0 : progress }} aria-hidden />
      <span className="ob-timer__time" data-testid="timer-time">
        {label}
      </span>
      {timer.status === 'paused' && <span className="ob-timer__tag">paused</span>}
      {done && <span className="ob-timer__tag ob-timer__tag--done">time’s up</span>}
    </>
  )
  return (
    <div className="ob-timer-wrap">
      {facilitator ? (
        <button
          className={`ob-timer ob-timer--${state}`}
          data-state={state}
          data-testid="timer"
          onClick={() => setOpen((v) => !v)}
          aria-expanded={open}
          title="Workshop timer"
        >
          {content}
        </button>
      ) : (
        <div className={`ob-timer ob-timer--${state}`} data-state={state} data-testid="timer" role="timer" aria-label={done ? `Timer: time’s up` : `Timer ${label}`}>
          {content}
        </div>
      )}
      {facilitator && open && <TimerControls session={session} onClose={() => setOpen(() => false)} />}
    </div>
  )
}

function TimerControls({ session, onClose }: { session: FacilitationSession; onClose: () => void }) {
  const timer = useValue('timer', () => session.timer.get(), [session])
  const [custom, setCustom] = useState('')
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      if (ref.current && !ref.current.parentElement?.contains(e.target as Node)) onClose()
    }
    window.addEventListener('pointerdown', onDown, true)
    return () => window.removeEventListener('pointerdown', onDown, true)
  }, [onClose])
  const start = (minutes: number) => void session.timerAction({ action: 'start', seconds: Math.round(minutes * 60) })
  const minutes = Number(custom.replace(',', '.'))
  return (
    <div ref={ref} className="ob-popover ob-timer-pop" role="dialog" aria-label="Timer controls" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="ob-timer-pop__row">
        {timer.status === 'running' && (
          <button className="ob-btn ob-small" onClick={() => void session.timerAction({ action: 'pause' })} data-action="timer-pause">
            ❚❚ Pause
          </button>
        )}
        {timer.status === 'paused' && (
          <button className="ob-btn ob-btn--primary ob-small" onClick={() => void session.timerAction({ action: 'resume' })} data-action="timer-resume">
            ▶ Resume
          </button>
        )}
        {timer.status !== 'idle' && (
          <>
            <button className="ob-btn ob-small" onClick={() => void session.timerAction({ action: 'add', seconds: 60 })} data-action="timer-add">
              +1 min
            </button>
            <button className="ob-btn ob-btn--ghost ob-small" onClick={() => void session.timerAction({ action: 'reset' })} data-action="timer-reset">
              ↺ Reset
            </button>
          </>
        )}
      </div>
      <div className="ob-timer-pop__label ob-small ob-muted">{timer.status === 'idle' ? 'Start a countdown everyone sees' : 'Start over with'}</div>
      <div className="ob-timer-pop__row">
        {PRESETS.map((m) => (
          <button key={m} className="ob-btn ob-small" onClick={() => start(m)} data-action={`timer-${m}`}>
            {m} min
          </button>
        ))}
      </div>
      <form
        className="ob-timer-pop__row"
        onSubmit={(e) => {
          e.preventDefault()
          if (Number.isFinite(minutes) && minutes > 0) start(Math.min(minutes, 240))
        }}
      >
        <input
          className="ob-timer-pop__input"
          name="minutes"
          inputMode="decimal"
          placeholder="Minutes"
          aria-label="Custom minutes"
          value={custom}
          onChange={(e) => setCustom(e.currentTarget.value)}
        />
        <button className="ob-btn ob-btn--primary ob-small" type="submit" disabled={!(Number.isFinite(minutes) && minutes > 0)} data-action="timer-custom">
          Start
        </button>
      </form>
    </div>
  )
}

/** Watches the countdown cross zero (not a timer that was already at zero when the page loaded). */
export function TimesUpFlash({ session }: { session: FacilitationSession }) {
  const timer = useValue('timer', () => session.timer.get(), [session])
  const [flash, setFlash] = useState(0)
  const wasRunning = useRef(false)
  useEffect(() => {
    const check = () => {
      const left = remainingMs(timer, session.serverNow())
      const running = timer.status === 'running' && left > 0
      if (wasRunning.current && !running && timer.status === 'running') {
        setFlash((n) => n + 1)
        chime()
      }
      wasRunning.current = running
    }
    check()
    if (timer.status !== 'running') return
    const t = setInterval(check, 200)
    return () => clearInterval(t)
  }, [timer, session])
  useEffect(() => {
    if (!flash) return
    const t = setTimeout(() => setFlash(0), 2400)
    return () => clearTimeout(t)
  }, [flash])
  if (!flash) return null
  return <div key={flash} className="ob-timesup" data-testid="times-up" aria-hidden />
}
