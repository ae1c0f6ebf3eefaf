import { describe, expect, it } from 'vitest'
import { hintsFor, looksLikeSolution } from '../../shared/hints'
import { deriveTree } from '../../shared/tree'
import { rec } from './helpers'

const codes = (tree: ReturnType<typeof deriveTree>, id: string) => (hintsFor(tree).get(`shape:${id}`) ?? []).map((h) => h.code)

describe('looksLikeSolution', () => {
  it('flags solution phrasing', () => {
    for (const t of [
      'Add a progress bar to onboarding',
      'Build an activity feed',
      'create templates',
      'Let users invite by link',
      'Allow CSV import',
      'Integrate with Slack',
      'Show a checklist after sign-up',
      'Send weekly digest',
      'Use AI to suggest tags',
      '  Redesign the settings',
      'A dashboard for team activity',
      'An onboarding wizard',
      'The new reporting page',
    ]) expect(looksLikeSolution(t), t).toBe(true)
  })
  it('leaves customer-voice needs alone', () => {
    for (const t of [
      "I can't tell whether my teammates have seen my changes",
      'I can’t find the export button',
      "I'm not sure which plan fits",
      'I worry my prices look wrong to buyers',
      'My team forgets to update the board',
      'Setting up a board for my team takes too long',
      'Payment setup asks for documents I don’t have at hand',
      'The settings page is confusing',
      'Users lose track of changes',
      '',
    ]) expect(looksLikeSolution(t), t).toBe(false)
  })
})

describe('hintsFor', () => {
  it('is empty for an empty tree', () => {
    expect(hintsFor(deriveTree([])).size).toBe(0)
  })

  it('gives a healthy tree no hints except where due', () => {
    const t = deriveTree([
      rec('outcome', 'o', '', 'a0', { metric: 'weekly active teams' }),
      rec('opportunity', 'p', 'o', 'a0', { title: "I can't see who changed what" }),
      rec('solution', 's1', 'p', 'a0'),
      rec('solution', 's2', 'p', 'a1'),
      rec('solution', 's3', 'p', 'a2'),
      rec('assumption', 'a1', 's1', 'a0', { result: 'supported' }),
      rec('assumption', 'a2', 's2', 'a0', { result: 'testing' }),
      rec('assumption', 'a3', 's3', 'a0', { result: 'refuted' }),
    ])
    expect(hintsFor(t).size).toBe(0)
  })

  it('flags an outcome without a metric', () => {
    const t = deriveTree([rec('outcome', 'o')])
    expect(codes(t, 'o')).toEqual(['outcome-missing-metric'])
  })

  it('flags an opportunity phrased as a solution, and not one in customer voice', () => {
    const t = deriveTree([
      rec('outcome', 'o', '', 'a0', { metric: 'm' }),
      rec('opportunity', 'bad', 'o', 'a0', { title: 'Add a progress bar' }),
      rec('opportunity', 'good', 'o', 'a1', { title: "I can't tell where I am in setup" }),
    ])
    expect(codes(t, 'bad')).toContain('opportunity-looks-like-solution')
    expect(codes(t, 'good')).not.toContain('opportunity-looks-like-solution')
    expect(hintsFor(t).get('shape:bad')![0].severity).toBe('info')
  })

  it('asks for three solutions when there are one or two, not zero or three', () => {
    const recs = [rec('outcome', 'o', '', 'a0', { metric: 'm' })]
    for (const [p, n] of [['p0', 0], ['p1', 1], ['p2', 2], ['p3', 3]] as const) {
      recs.push(rec('opportunity', p, 'o', 'a0', { title: 'I need things' }))
      for (let i = 0; i < n; i++) recs.push(rec('solution', `${p}s${i}`, p, `a${i}`))
    }
    const t = deriveTree(recs)
    expect(codes(t, 'p0')).not.toContain('few-solutions')
    expect(codes(t, 'p1')).toContain('few-solutions')
    expect(codes(t, 'p2')).toContain('few-solutions')
    expect(codes(t, 'p3')).not.toContain('few-solutions')
    expect(hintsFor(t).get('shape:p2')!.find((h) => h.code === 'few-solutions')!.message).toMatch(/at least three solutions/i)
  })

  it('says a target opportunity has no solution yet, until one is added', () => {
    const recs = [
      rec('outcome', 'o', '', 'a0', { metric: 'm' }),
      rec('opportunity', 'bare', 'o', 'a0', { title: 'I lose track of changes' }),
      rec('opportunity', 'parent', 'o', 'a1', { title: 'Setup is hard' }),
      rec('opportunity', 'leaf', 'parent', 'a0', { title: 'I don’t know which plan fits' }),
      rec('opportunity', 'solved', 'o', 'a2', { title: 'I can’t invite my team' }),
      rec('solution', 'sol', 'solved', 'a0'),
    ]
    const t = deriveTree(recs)
    expect(codes(t, 'bare')).toEqual(['no-solutions'])
    const hint = hintsFor(t).get('shape:bare')![0]
    expect(hint.severity).toBe('info')
    expect(hint.message).toMatch(/no solution yet/i)
    // Broken down into sub-opportunities: the leaf carries the hint, not its parent.
    expect(codes(t, 'parent')).not.toContain('no-solutions')
    expect(codes(t, 'leaf')).toContain('no-solutions')
    expect(codes(t, 'solved')).not.toContain('no-solutions')
    // Adding a solution takes it away (and asks for more, as before).
    const after = deriveTree([...recs, rec('solution', 'first', 'bare', 'a0')])
    expect(codes(after, 'bare')).toEqual(['few-solutions'])
    // Only opportunities: outcomes, solutions and assumptions never get it.
    for (const id of ['o', 'sol']) expect(codes(t, id)).not.toContain('no-solutions')
  })

  it('notes an opportunity with a single sub-opportunity', () => {
    const t = deriveTree([
      rec('outcome', 'o', '', 'a0', { metric: 'm' }),
      rec('opportunity', 'p', 'o', 'a0', { title: 'I need X' }),
      rec('opportunity', 'q', 'p', 'a0', { title: 'I need X soon' }),
    ])
    expect(codes(t, 'p')).toContain('single-child-opportunity')
    expect(codes(t, 'q')).not.toContain('single-child-opportunity')
  })

  it('flags solutions without assumptions or with none tested', () => {
    const t = deriveTree([
      rec('outcome', 'o', '', 'a0', { metric: 'm' }),
      rec('opportunity', 'p', 'o', 'a0', { title: 'I need X' }),
      rec('solution', 'none', 'p', 'a0'),
      rec('solution', 'untested', 'p', 'a1'),
      rec('assumption', 'u1', 'untested', 'a0'),
      rec('assumption', 'u2', 'untested', 'a1'),
      rec('solution', 'tested', 'p', 'a2'),
      rec('assumption', 't1', 'tested', 'a0'),
      rec('assumption', 't2', 'tested', 'a1', { result: 'supported' }),
    ])
    expect(codes(t, 'none')).toEqual(['untested-assumptions'])
    expect(codes(t, 'untested')).toEqual(['untested-assumptions'])
    expect(codes(t, 'tested')).toEqual([])
  })

  it('warns about misplaced and detached nodes', () => {
    const t = deriveTree([
      rec('outcome', 'o', '', 'a0', { metric: 'm' }),
      rec('solution', 's', 'o'),
      rec('assumption', 'a', 'o'),
      rec('opportunity', 'orphan', '', 'a0', { title: 'I need X' }),
      rec('opportunity', 'c1', 'c2', 'a0', { title: 'I need X' }),
      rec('opportunity', 'c2', 'c1', 'a0', { title: 'I need Y' }),
    ])
    expect(codes(t, 's')).toContain('solution-under-outcome')
    expect(hintsFor(t).get('shape:s')!.find((h) => h.code === 'solution-under-outcome')!.severity).toBe('warn')
    expect(codes(t, 'a')).toContain('disallowed-parent')
    expect(codes(t, 'orphan')).toContain('missing-parent')
    expect(codes(t, 'c1')).toContain('cycle')
    expect(codes(t, 'c2')).toContain('cycle')
  })
})
