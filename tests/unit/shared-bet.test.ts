import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import {
  BOARD_LINK_NOTE,
  betIssueBody, betIssueTitle, betPath, betToJiraCsv, betToJson, betToMarkdown, betWarnings, lockBet, orderAssumptions, readLockedBet, snapshotBet, truncate,
} from '../../shared/bet'
import type { AssumptionSnapshot, BetPath, LockedBet } from '../../shared/bet'
import { deriveTree } from '../../shared/tree'
import { onboardingTree, rec } from './helpers'

const BOARD = 'https://board.example/b/abc'

function pathOf(tree: ReturnType<typeof deriveTree>, id: string): BetPath {
  const r = betPath(tree, id)
  if (!r.ok) throw new Error(r.reason)
  return r.path
}

// A richer board: nested opportunities, evidence, tested and untested assumptions of every category.
function richTree() {
  return deriveTree([
    rec('outcome', 'o', '', 'a0', { title: 'More shops take a first order', metric: 'first order within 14 days', baseline: 31, target: 45, current: 33 }),
    rec('opportunity', 'p', 'o', 'a0', { title: 'I don’t know what to finish', importance: 9, satisfaction: 2, evidence: ['Shop 4: "I gave up"', 'Survey: 40% stuck'] }),
    rec('opportunity', 'q', 'p', 'a0', { title: 'I can’t see what blocks selling', importance: 8, satisfaction: 4 }),
    rec('solution', 's', 'q', 'a1', { title: 'Launch checklist', notes: 'Shows the **blocking** settings.', impact: 8, confidence: 6, ease: 5, status: 'chosen' }),
    rec('solution', 'alt1', 'q', 'a0', { title: 'Sensible defaults', impact: 6, confidence: 7, ease: 8 }),
    rec('solution', 'alt2', 'q', 'a2', { title: 'Onboarding call' }),
    rec('assumption', 'x1', 's', 'a0', { title: 'We can detect blockers', category: 'feasibility' }),
    rec('assumption', 'x2', 's', 'a1', { title: 'Owners open the checklist', category: 'desirability', result: 'supported', test: 'fake door' }),
    rec('assumption', 'x3', 's', 'a2', { title: 'Owners want to finish', category: 'desirability', test: 'interviews' }),
    rec('assumption', 'x4', 's', 'a3', { title: 'It fits our pricing', category: 'viability' }),
  ])
}

describe('betPath', () => {
  it('collects outcome, opportunities top-down, solution, assumptions and sibling solutions', () => {
    const p = pathOf(richTree(), 'shape:s')
    expect(p.outcome.id).toBe('shape:o')
    expect(p.opportunities.map((n) => n.id)).toEqual(['shape:p', 'shape:q'])
    expect(p.solution.id).toBe('shape:s')
    expect(p.assumptions.map((n) => n.id)).toEqual(['shape:x1', 'shape:x2', 'shape:x3', 'shape:x4'])
    expect(p.siblings.map((n) => n.id)).toEqual(['shape:alt1', 'shape:alt2'])
  })

  it('refuses unknown ids, non-solutions and solutions not reachable from an outcome', () => {
    const t = deriveTree([
      rec('outcome', 'o'),
      rec('opportunity', 'p', 'o'),
      rec('solution', 's', 'p'),
      rec('assumption', 'a', 's'),
      rec('solution', 'under-outcome', 'o'),
      rec('opportunity', 'loose'),
      rec('solution', 'under-loose', 'loose'),
    ])
    expect(betPath(t, 'shape:s').ok).toBe(true)
    expect(betPath(t, 'shape:nope')).toEqual({ ok: false, reason: 'No node with that id on this board' })
    expect(betPath(t, 'shape:a')).toEqual({ ok: false, reason: 'Only a solution can be the bet; this is an assumption' })
    expect(betPath(t, 'shape:p')).toMatchObject({ ok: false })
    expect(betPath(t, 'shape:under-outcome')).toMatchObject({ ok: false, reason: expect.stringMatching(/not connected to an outcome/) })
    expect(betPath(t, 'shape:under-loose')).toMatchObject({ ok: false, reason: expect.stringMatching(/not connected to an outcome/) })
  })
})

describe('betWarnings', () => {
  it('says nothing for a well-prepared bet', () => {
    const t = deriveTree([
      rec('outcome', 'o'),
      rec('opportunity', 'p', 'o', 'a0', { evidence: ['quote'] }),
      rec('solution', 's', 'p', 'a0'),
      rec('solution', 's2', 'p', 'a1'),
      rec('solution', 's3', 'p', 'a2'),
      rec('assumption', 'a', 's', 'a0', { result: 'refuted' }),
    ])
    expect(betWarnings(pathOf(t, 'shape:s'))).toEqual([])
  })

  it('flags few solutions, no assumptions and missing evidence', () => {
    const t = deriveTree([rec('outcome', 'o'), rec('opportunity', 'p', 'o', 'a0', { title: 'Need' }), rec('solution', 's', 'p')])
    const w = betWarnings(pathOf(t, 'shape:s'))
    expect(w.map((x) => x.code)).toEqual(['few-solutions-compared', 'no-assumptions', 'opportunity-without-evidence'])
    expect(w[0].message).toMatch(/Only 1 solution compared/)
    expect(w[2].message).toContain('"Need"')
  })

  it('flags assumptions that are all untested, on path and on snapshot alike', () => {
    const { tree, idOf } = onboardingTree()
    const p = pathOf(tree, idOf('Activity digest per board'))
    const codes = betWarnings(p).map((x) => x.code)
    expect(codes).toEqual(['no-tested-assumption'])
    expect(betWarnings(snapshotBet(p)).map((x) => x.code)).toEqual(codes)
  })
})

describe('snapshotBet / lockBet', () => {
  it('is plain JSON with scores, and independent of the live tree', () => {
    const t = richTree()
    const snap = snapshotBet(pathOf(t, 'shape:s'))
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap)
    expect(snap.outcome).toEqual({ id: 'shape:o', title: 'More shops take a first order', notes: '', metric: 'first order within 14 days', baseline: 31, target: 45, current: 33 })
    expect(snap.opportunities.map((o) => o.score)).toEqual([16, 12])
    expect(snap.solution).toMatchObject({ title: 'Launch checklist', score: 6.3, status: 'chosen' })
    expect(snap.siblings.map((s) => [s.title, s.score])).toEqual([['Sensible defaults', 7], ['Onboarding call', null]])
    expect(snap.iceMethod).toBe('average')
    expect(snap.warnings.map((w) => w.code)).toEqual(['opportunity-without-evidence'])
    ;(t.byId.get('shape:p')!.props as { evidence: string[] }).evidence.push('later edit')
    expect(snap.opportunities[0].evidence).toHaveLength(2)
  })

  it('locks with who and when', () => {
    const bet = lockBet(pathOf(richTree(), 'shape:s'), 'Ana', '2025-03-04T10:00:00.000Z')
    expect(bet).toMatchObject({ solutionId: 'shape:s', title: 'Launch checklist', lockedBy: 'Ana', lockedAt: '2025-03-04T10:00:00.000Z' })
    expect(lockBet(pathOf(richTree(), 'shape:s'), 'Ana').lockedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })
})

describe('orderAssumptions', () => {
  it('puts untested first, then by category order, then as listed', () => {
    const a = (title: string, category: AssumptionSnapshot['category'], result: AssumptionSnapshot['result']): AssumptionSnapshot => ({ id: title, title, notes: '', category, test: '', result })
    const ordered = orderAssumptions([
      a('tested-desire', 'desirability', 'supported'),
      a('ethics', 'ethical', 'untested'),
      a('feas', 'feasibility', 'untested'),
      a('desire1', 'desirability', 'untested'),
      a('usab', 'usability', 'testing'),
      a('desire2', 'desirability', 'untested'),
      a('via', 'viability', 'untested'),
    ])
    expect(ordered.map((x) => x.title)).toEqual(['desire1', 'desire2', 'via', 'feas', 'ethics', 'tested-desire', 'usab'])
  })
})

describe('bet exports', () => {
  const bet: LockedBet = lockBet(pathOf(richTree(), 'shape:s'), 'Ana', '2025-03-04T10:00:00.000Z')

  it('markdown has every section in order', () => {
    const md = betToMarkdown(bet, { boardUrl: BOARD })
    expect(md.startsWith('# Launch checklist\n\n## Outcome\n')).toBe(true)
    const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    expect(sections).toEqual(['Outcome', 'Why', 'What', 'Assumptions to test first', 'Alternatives compared', 'Open questions', 'Decision'])
    expect(md).toContain('Metric: first order within 14 days; baseline 31 → target 45; current 33')
    expect(md).toContain('### I don’t know what to finish\n\nImportance 9, satisfaction 2, opportunity score 16.0')
    expect(md).toContain('### I can’t see what blocks selling (target opportunity)')
    expect(md).toContain('> Shop 4: "I gave up"')
    expect(md).toContain('Shows the **blocking** settings.')
    expect(md).toContain('- ICE 6.3 (impact 8, confidence 6, ease 5; averaged)')
    expect(md).toContain('- Sensible defaults — ICE 7.0 (impact 6, confidence 7, ease 8; averaged)')
    expect(md).toContain('- Onboarding call — ICE not scored (impact –, confidence –, ease –; averaged)')
    expect(md).toContain('Locked on 2025-03-04 by Ana.')
    expect(md).toContain(`[Open the board (read-only)](${BOARD})`)
    expect(md).toContain(BOARD_LINK_NOTE)
    const assumptions = md.split('## Assumptions to test first\n\n')[1].split('\n\n')[0].split('\n')
    expect(assumptions).toEqual([
      '- Owners want to finish (desirability, untested) — test: interviews',
      '- It fits our pricing (viability, untested)',
      '- We can detect blockers (feasibility, untested)',
      '- Owners open the checklist (desirability, supported) — test: fake door',
    ])
  })

  it('says so when there are no assumptions or alternatives', () => {
    const t = deriveTree([rec('outcome', 'o'), rec('opportunity', 'p', 'o'), rec('solution', 's', 'p')])
    const md = betToMarkdown(lockBet(pathOf(t, 'shape:s'), 'Bo', '2025-01-01T00:00:00Z'), { boardUrl: BOARD })
    expect(md).toContain('No assumptions listed yet.')
    expect(md).toContain('No other solutions were compared for this opportunity.')
    expect(md).toContain('Metric: not set')
  })

  it('issue title and body: the body is the markdown without its heading', () => {
    expect(betIssueTitle(bet)).toBe('Launch checklist')
    expect(betIssueTitle({ ...bet, title: '  two\nlines ' })).toBe('two lines')
    expect(betIssueTitle({ ...bet, title: '' })).toBe('Untitled bet')
    expect(betToMarkdown(bet, { boardUrl: BOARD })).toBe(`# Launch checklist\n\n${betIssueBody(bet, { boardUrl: BOARD })}`)
  })

  it('json carries the snapshot with who, when and the board link', () => {
    const j = betToJson(bet, { boardUrl: BOARD })
    expect(j).toMatchObject({ solutionId: 'shape:s', title: 'Launch checklist', lockedBy: 'Ana', lockedAt: '2025-03-04T10:00:00.000Z', boardUrl: BOARD, iceMethod: 'average' })
    expect(j.siblings).toHaveLength(2)
    expect(j).not.toHaveProperty('tracker')
    expect(betToJson({ ...bet, tracker: { tracker: 'github', url: 'u', key: '#1' } }, { boardUrl: BOARD }).tracker).toEqual({ tracker: 'github', url: 'u', key: '#1' })
  })

  it('Jira CSV has the exact header and one correctly quoted row', () => {
    const csv = betToJiraCsv(bet, { boardUrl: BOARD })
    expect(csv.startsWith('Summary,Description,Issue Type,Labels\r\n')).toBe(true)
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true })
    expect(parsed.errors).toEqual([])
    expect(parsed.data).toHaveLength(2)
    const [summary, description, type, labels] = parsed.data[1]
    expect(summary).toBe('Launch checklist')
    expect(description).toBe(betIssueBody(bet, { boardUrl: BOARD }))
    expect([type, labels]).toEqual(['Story', 'outcome-board'])
  })

  it('carries the lock’s why: quoted under Decision in markdown (and so in the Jira CSV), a field in JSON', () => {
    const withWhy: LockedBet = { ...bet, why: 'Cheapest test of the riskiest opportunity.\n\nSupport asked for it twice.' }
    const md = betToMarkdown(withWhy, { boardUrl: BOARD })
    expect(md).toContain('Locked on 2025-03-04 by Ana.\n\nWhy this bet:\n\n> Cheapest test of the riskiest opportunity.\n>\n> Support asked for it twice.\n\n[Open the board')
    expect(betToJson(withWhy, { boardUrl: BOARD }).why).toBe(withWhy.why)
    const description = Papa.parse<string[]>(betToJiraCsv(withWhy, { boardUrl: BOARD })).data[1][1]
    expect(description).toContain('> Cheapest test of the riskiest opportunity.')
    // No why: no line, no field.
    expect(betToMarkdown(bet, { boardUrl: BOARD })).not.toContain('Why this bet')
    expect(betToJson(bet, { boardUrl: BOARD })).not.toHaveProperty('why')
    expect(readLockedBet(JSON.parse(JSON.stringify(withWhy))).bet?.why).toBe(withWhy.why)
    expect(readLockedBet({ ...bet, why: 5 }).skipped).toEqual([{ id: 'shape:s', reason: 'bet why could not be read' }])
  })

  it('Jira CSV truncates the summary and guards formulas', () => {
    const csv = betToJiraCsv({ ...bet, title: '=' + 'x'.repeat(400) }, { boardUrl: BOARD })
    const summary = Papa.parse<string[]>(csv).data[1][0]
    expect(summary.startsWith("'=")).toBe(true)
    expect(Array.from(summary).length).toBe(255) // apostrophe included
  })
})

describe('truncate', () => {
  it('cuts by code points and marks the cut', () => {
    expect(truncate('short', 10)).toBe('short')
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…')
  })
})
