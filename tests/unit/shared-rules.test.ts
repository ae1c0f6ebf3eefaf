import { describe, expect, it } from 'vitest'
import { allowedChildKinds, canBeChildOf } from '../../shared/rules'
import { deriveTree } from '../../shared/tree'
import { rec } from './helpers'
import { checkReparent } from '../../shared/tree'

describe('canBeChildOf / allowedChildKinds', () => {
  it('follows the method: outcome → opportunity → opportunity | solution → assumption', () => {
    expect(canBeChildOf('outcome', null)).toBe(true)
    expect(canBeChildOf('opportunity', 'outcome')).toBe(true)
    expect(canBeChildOf('opportunity', 'opportunity')).toBe(true)
    expect(canBeChildOf('solution', 'opportunity')).toBe(true)
    expect(canBeChildOf('assumption', 'solution')).toBe(true)
    expect(canBeChildOf('solution', 'outcome')).toBe(false)
    expect(canBeChildOf('opportunity', null)).toBe(false)
    expect(canBeChildOf('outcome', 'opportunity')).toBe(false)
    expect(canBeChildOf('assumption', 'opportunity')).toBe(false)
  })
  it('lists allowed children', () => {
    expect(allowedChildKinds('outcome')).toEqual(['opportunity'])
    expect(allowedChildKinds('opportunity')).toEqual(['opportunity', 'solution'])
    expect(allowedChildKinds('solution')).toEqual(['assumption'])
    expect(allowedChildKinds('assumption')).toEqual([])
  })
})

describe('checkReparent', () => {
  const t = deriveTree([
    rec('outcome', 'o'),
    rec('opportunity', 'p', 'o'),
    rec('opportunity', 'q', 'p'),
    rec('solution', 's', 'q'),
    rec('assumption', 'a', 's'),
    rec('opportunity', 'r', 'o', 'a1'),
  ])
  it('allows valid moves', () => {
    expect(checkReparent(t, 'shape:s', 'shape:r')).toEqual({ ok: true })
    expect(checkReparent(t, 'shape:q', 'shape:o')).toEqual({ ok: true })
    expect(checkReparent(t, 'shape:o', null)).toEqual({ ok: true })
  })
  it('explains disallowed kinds', () => {
    expect(checkReparent(t, 'shape:s', 'shape:o')).toEqual({ ok: false, reason: 'A solution can only sit under an opportunity' })
    expect(checkReparent(t, 'shape:a', 'shape:p')).toEqual({ ok: false, reason: 'An assumption can only sit under a solution' })
    expect(checkReparent(t, 'shape:r', 'shape:s')).toEqual({ ok: false, reason: 'An opportunity can only sit under an outcome or another opportunity' })
    expect(checkReparent(t, 'shape:p', null)).toMatchObject({ ok: false })
  })
  it('refuses moving under itself or a descendant', () => {
    expect(checkReparent(t, 'shape:p', 'shape:q')).toEqual({ ok: false, reason: 'A node cannot move under its own descendant' })
    expect(checkReparent(t, 'shape:p', 'shape:p')).toEqual({ ok: false, reason: 'A node cannot move under itself' })
  })
  it('refuses unknown nodes', () => {
    expect(checkReparent(t, 'shape:zzz', 'shape:o')).toMatchObject({ ok: false })
    expect(checkReparent(t, 'shape:q', 'shape:zzz')).toMatchObject({ ok: false })
  })
})
