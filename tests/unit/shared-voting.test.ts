import { describe, expect, it } from 'vitest'
import { checkBallot, mayVote, rankResults, roundCandidates, votesLeft, type RoundSettings } from '../../shared/voting'
import { onboardingTree } from './helpers'

const settings = (over: Partial<RoundSettings> = {}): RoundSettings => ({ target: 'solution', scopeId: null, votesPerPerson: 3, allowMultiple: true, ...over })

describe('dot voting rules', () => {
  it('finds candidates of the target kind, optionally under one node', () => {
    const { tree, idOf } = onboardingTree()
    expect(roundCandidates(tree, 'solution', null).map((n) => n.props.title)).toEqual([
      'Activity digest per board',
      'Seen-by markers on changed items',
      'Mention a teammate on any card',
    ])
    expect(roundCandidates(tree, 'opportunity', null)).toHaveLength(2)
    const opp = idOf("I can't tell whether my teammates have seen my changes")
    expect(roundCandidates(tree, 'solution', opp)).toHaveLength(3)
    expect(roundCandidates(tree, 'opportunity', opp)).toHaveLength(0)
  })

  it('checks budgets, single votes per node, candidates and take-backs', () => {
    const c = ['a', 'b', 'c']
    expect(checkBallot(settings(), c, { a: 3 })).toEqual({ ok: true })
    expect(checkBallot(settings(), c, { a: 3, b: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/all 3/) })
    expect(checkBallot(settings({ allowMultiple: false }), c, { a: 2 })).toMatchObject({ ok: false })
    expect(checkBallot(settings(), c, { z: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/not part/) })
    expect(checkBallot(settings(), c, { a: -1 })).toMatchObject({ ok: false })
    expect(checkBallot(settings(), c, { z: 0 })).toEqual({ ok: true })
    expect(votesLeft(settings(), { a: 1, b: 1 })).toBe(1)
  })

  it('ranks results with shared ranks for ties, keeping tree order', () => {
    const nodes = [
      { id: 'a', title: 'A' },
      { id: 'b', title: 'B' },
      { id: 'c', title: 'C' },
      { id: 'd', title: 'D' },
    ]
    expect(rankResults(nodes, { b: 4, c: 1, d: 4 }).map((r) => `${r.title}${r.votes}#${r.rank}`)).toEqual(['B4#1', 'D4#1', 'C1#3', 'A0#4'])
  })
})

describe('mayVote', () => {
  it('lets everyone vote unless the facilitator kept viewers out', () => {
    for (const role of ['owner', 'editor', 'viewer'] as const) expect(mayVote(settings(), role)).toBe(true)
    expect(mayVote(settings({ viewersCanVote: true }), 'viewer')).toBe(true)
    expect(mayVote(settings({ viewersCanVote: false }), 'viewer')).toBe(false)
    expect(mayVote(settings({ viewersCanVote: false }), 'editor')).toBe(true)
    expect(mayVote(settings({ viewersCanVote: false }), 'owner')).toBe(true)
  })
})
