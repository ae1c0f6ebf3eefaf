import { describe, expect, it } from 'vitest'
import { IDLE_TIMER, applyTimerAction, formatCountdown, remainingMs } from '../../shared/timer'

describe('workshop timer', () => {
  it('counts down on server time, pauses, resumes, adds time and resets', () => {
    let t = applyTimerAction(IDLE_TIMER, { action: 'start', seconds: 60 }, 1_000)
    expect(t).toEqual({ status: 'running', durationMs: 60_000, endsAt: 61_000, remainingMs: 60_000 })
    expect(remainingMs(t, 31_000)).toBe(30_000)
    expect(remainingMs(t, 99_000)).toBe(0)
    t = applyTimerAction(t, { action: 'pause' }, 41_000)
    expect(t).toMatchObject({ status: 'paused', endsAt: null, remainingMs: 20_000 })
    expect(remainingMs(t, 500_000)).toBe(20_000) // paused time does not run
    t = applyTimerAction(t, { action: 'add', seconds: 30 }, 50_000)
    expect(remainingMs(t, 50_000)).toBe(50_000)
    t = applyTimerAction(t, { action: 'resume' }, 100_000)
    expect(t.endsAt).toBe(150_000)
    t = applyTimerAction(t, { action: 'add', seconds: -10 }, 110_000)
    expect(remainingMs(t, 110_000)).toBe(30_000)
    t = applyTimerAction(t, { action: 'reset' }, 120_000)
    expect(t).toMatchObject({ status: 'idle', endsAt: null })
    expect(remainingMs(t, 0)).toBe(t.durationMs)
  })

  it('ignores pause when not running and resume when not paused, and never goes below zero', () => {
    expect(applyTimerAction(IDLE_TIMER, { action: 'pause' }, 5)).toBe(IDLE_TIMER)
    const running = applyTimerAction(IDLE_TIMER, { action: 'start', seconds: 5 }, 0)
    expect(applyTimerAction(running, { action: 'resume' }, 1)).toBe(running)
    const less = applyTimerAction(running, { action: 'add', seconds: -60 }, 1_000)
    expect(remainingMs(less, 1_000)).toBe(0)
  })

  it('formats minutes and hours', () => {
    expect(formatCountdown(65_000)).toBe('1:05')
    expect(formatCountdown(3_723_000)).toBe('1:02:03')
    expect(formatCountdown(400)).toBe('0:01') // rounds up: 0:00 only at zero
    expect(formatCountdown(0)).toBe('0:00')
  })
})
