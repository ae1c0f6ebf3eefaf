import { describe, expect, it } from 'vitest'
import { ICE_METHOD, iceScore, nodeScore, opportunityScore, sortSiblingsByScore } from '../../shared/scoring'
import { defaultNodeProps } from '../../shared/records'
import type { NodeKind } from '../../shared/model'

describe('opportunityScore', () => {
  it('is importance + max(importance − satisfaction, 0)', () => {
    expect(opportunityScore(8, 3)).toBe(13)
    expect(opportunityScore(6, 5)).toBe(7)
    expect(opportunityScore(4, 9)).toBe(4) // over-served: no bonus, never below importance
    expect(opportunityScore(0, 0)).toBe(0)
    expect(opportunityScore(10, 0)).toBe(20)
    expect(opportunityScore(7.3, 2.1)).toBe(12.5)
  })
  it('is null when an input is missing or not a number', () => {
    expect(opportunityScore(null, 3)).toBeNull()
    expect(opportunityScore(8, null)).toBeNull()
    expect(opportunityScore(undefined, undefined)).toBeNull()
    expect(opportunityScore(NaN, 3)).toBeNull()
  })
})

describe('iceScore', () => {
  it('averages the three, rounded to one decimal', () => {
    expect(ICE_METHOD).toBe('average')
    expect(iceScore(6, 5, 7)).toBe(6)
    expect(iceScore(7, 4, 5)).toBe(5.3)
    expect(iceScore(5, 6, 8)).toBe(6.3)
    expect(iceScore(10, 10, 10)).toBe(10)
  })
  it('is null when any input is missing', () => {
    expect(iceScore(null, 5, 7)).toBeNull()
    expect(iceScore(6, null, 7)).toBeNull()
    expect(iceScore(6, 5, null)).toBeNull()
  })
})

const node = (kind: NodeKind, props: Record<string, unknown>, id = '') => ({ id, kind, props: { ...defaultNodeProps(kind), ...props } })

describe('nodeScore', () => {
  it('uses the kind’s score', () => {
    expect(nodeScore(node('opportunity', { importance: 8, satisfaction: 3 }))).toBe(13)
    expect(nodeScore(node('solution', { impact: 7, confidence: 4, ease: 5 }))).toBe(5.3)
    expect(nodeScore(node('outcome', {}))).toBeNull()
    expect(nodeScore(node('assumption', {}))).toBeNull()
  })
})

describe('sortSiblingsByScore', () => {
  it('sorts descending, nulls last, stable for ties, without mutating', () => {
    const input = [
      node('solution', {}, 'none1'),
      node('solution', { impact: 5, confidence: 5, ease: 5 }, 'five-a'),
      node('solution', { impact: 9, confidence: 9, ease: 9 }, 'nine'),
      node('solution', {}, 'none2'),
      node('solution', { impact: 5, confidence: 5, ease: 5 }, 'five-b'),
    ]
    const copy = [...input]
    expect(sortSiblingsByScore(input).map((n) => n.id)).toEqual(['nine', 'five-a', 'five-b', 'none1', 'none2'])
    expect(input).toEqual(copy)
    expect(sortSiblingsByScore([])).toEqual([])
  })
})
