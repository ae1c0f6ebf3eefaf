// Stored documents may hold anything (records written before the server validated writes): the tree
// derivation and every format built on it must skip and report what they cannot read, never throw or recurse.
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { betPath, betToJiraCsv, betToJson, betToMarkdown, lockBet, readLockedBet } from '../../shared/bet'
import { CSV_COLUMNS, treeToCsv } from '../../shared/formats/csv'
import { treeToOutline } from '../../shared/formats/outline'
import { parseTreeJson, recordsToTreeJson, treeJsonToRecords, treeToJson } from '../../shared/formats/tree-json'
import type { TreeJson } from '../../shared/formats/tree-json'
import { hintsFor } from '../../shared/hints'
import { layoutTree } from '../../shared/layout'
import { makeBaseDocumentRecords } from '../../shared/records'
import { MAX_TREE_DEPTH, brokenShapeParents, deriveTree, walkTree } from '../../shared/tree'
import { githubIssueRequest, jiraIssueRequest, linearIssueRequest } from '../../shared/trackers'
import { rec } from './helpers'

const withProps = (r: ReturnType<typeof rec>, props: Record<string, unknown>) => ({ ...r, props: { ...(r.props as object), ...props } })
const everything = (records: unknown[]) => {
  const tree = deriveTree(records)
  const json = treeToJson(tree, 'Board')
  return { tree, json, outline: treeToOutline(json), csv: treeToCsv(json), layout: layoutTree(tree), hints: hintsFor(tree) }
}

describe('deriveTree on a stored document holding bad records', () => {
  it('ignores null and non-object entries without throwing', () => {
    const { tree } = everything([null, 5, 'x', [], { typeName: 'shape' }, ...makeBaseDocumentRecords(), rec('outcome', 'o')])
    expect([...tree.byId.keys()]).toEqual(['shape:o'])
  })

  it('skips node records whose props have wrong types or are missing, and says why', () => {
    const { props: _drop, ...noProps } = rec('opportunity', 'none', 'o')
    const missingTitle = rec('opportunity', 'untitled', 'o')
    delete (missingTitle.props as Record<string, unknown>).title
    const { tree, json, csv } = everything([
      rec('outcome', 'o'),
      rec('opportunity', 'good', 'o'),
      withProps(rec('opportunity', 'ev', 'o'), { evidence: 5 }),
      withProps(rec('opportunity', 'num', 'o'), { title: 42 }),
      withProps(rec('solution', 'st', 'good'), { status: 'nonsense' }),
      withProps(rec('solution', 'extra', 'good'), { hack: 1 }),
      withProps(rec('outcome', 'inf'), { baseline: Infinity }),
      noProps,
      missingTitle,
    ])
    expect(walkTree(tree).map((n) => n.id)).toEqual(['shape:o', 'shape:good'])
    expect(tree.skipped).toEqual([
      { id: 'shape:ev', reason: 'prop evidence must be a list of text' },
      { id: 'shape:extra', reason: 'unknown prop hack' },
      { id: 'shape:inf', reason: 'prop baseline must be a number or null' },
      { id: 'shape:none', reason: 'props missing' },
      { id: 'shape:num', reason: 'prop title must be text' },
      { id: 'shape:st', reason: expect.stringMatching(/^prop status must be one of idea/) },
      { id: 'shape:untitled', reason: 'prop title missing' },
    ])
    expect(json.skipped).toEqual(tree.skipped)
    expect(csv.split('\r\n')).toHaveLength(4) // header, two rows, final newline
  })

  it('breaks tree parentNode cycles (self, mutual, longer) and keeps the cards as detached roots', () => {
    const { tree, json } = everything([
      rec('outcome', 'o'),
      rec('opportunity', 'self', 'self'),
      rec('opportunity', 'a', 'b'),
      rec('opportunity', 'b', 'a'),
      rec('opportunity', 'c1', 'c3'),
      rec('opportunity', 'c2', 'c1'),
      rec('opportunity', 'c3', 'c2'),
    ])
    expect(tree.detached.map((n) => n.id).sort()).toEqual(['shape:a', 'shape:b', 'shape:c1', 'shape:c2', 'shape:c3', 'shape:self'])
    expect(json.roots).toHaveLength(7)
    expect(tree.skipped).toEqual([])
  })

  it('skips shapes whose tldraw parentId loops (self-parent, two shapes parenting each other) and what hangs below', () => {
    const self = { ...rec('opportunity', 'self', 'o'), parentId: 'shape:self' }
    const a = { ...rec('opportunity', 'a', 'o'), parentId: 'shape:b' }
    const b = { ...rec('opportunity', 'b', 'o'), parentId: 'shape:a' }
    const below = { ...rec('opportunity', 'below', 'o'), parentId: 'shape:a' }
    const { tree } = everything([...makeBaseDocumentRecords(), rec('outcome', 'o'), self, a, b, below])
    expect([...tree.byId.keys()]).toEqual(['shape:o'])
    expect(tree.skipped.map((s) => s.id)).toEqual(['shape:a', 'shape:b', 'shape:below', 'shape:self'])
    expect(tree.skipped.find((s) => s.id === 'shape:a')!.reason).toBe('its tldraw parents form a loop')
    expect(tree.skipped.find((s) => s.id === 'shape:below')!.reason).toMatch(/^its tldraw parent (is inside a loop of parents|was skipped)$/)
  })

  it('brokenShapeParents with pages also reports shapes whose parent does not exist', () => {
    const lost = { ...rec('outcome', 'lost'), parentId: 'shape:gone' }
    const grouped = [{ id: 'shape:g', typeName: 'shape', type: 'group', parentId: 'page:page' }, { ...rec('outcome', 'in'), parentId: 'shape:g' }]
    const broken = brokenShapeParents([rec('outcome', 'o'), lost, ...grouped], { pageIds: new Set(['page:page']) })
    expect([...broken]).toEqual([['shape:lost', 'its tldraw parent does not exist']])
  })

  it(`cuts a 2,000-deep opportunity chain at ${MAX_TREE_DEPTH} levels; every format and walk survives`, () => {
    const records = [rec('outcome', 'o')]
    for (let i = 0; i < 2000; i++) records.push(rec('opportunity', `n${i}`, i ? `n${i - 1}` : 'o'))
    const { tree, json, outline, csv, layout, hints } = everything(records)
    expect(tree.byId.size).toBe(MAX_TREE_DEPTH)
    expect(tree.skipped).toHaveLength(2001 - MAX_TREE_DEPTH)
    expect(new Set(tree.skipped.map((s) => s.reason))).toEqual(new Set([`deeper than ${MAX_TREE_DEPTH} levels`]))
    expect(json.skipped).toHaveLength(2001 - MAX_TREE_DEPTH)
    expect(outline.trimEnd().split('\n')).toHaveLength(1 + MAX_TREE_DEPTH)
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + MAX_TREE_DEPTH)
    expect(layout.size).toBe(MAX_TREE_DEPTH)
    expect(hints.size).toBeGreaterThan(0)
    // The export imports again: the same tree, with `skipped` ignored on the way in.
    const parsed = parseTreeJson(JSON.stringify(json))
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.value).not.toHaveProperty('skipped')
    const again = recordsToTreeJson(treeJsonToRecords(parsed.value), 'Board')
    expect(again.roots).toEqual(json.roots)
  })
})

describe('CSV injection', () => {
  const evil = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', "=cmd|' /C calc'!A0"]
  const dangerous = /^[=+\-@\t\r]/

  /** Every cell of every row that is not a plain number must not start like a formula. */
  function expectNeutral(csv: string) {
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true })
    let cells = 0
    for (const row of parsed.data) {
      for (const cell of row) {
        cells++
        if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell)) continue
        expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(dangerous)
      }
    }
    return cells
  }

  it('neutralises every column of the tree CSV, ids and enum columns included', () => {
    for (const bad of evil) {
      // A stored document can hold anything in any field: feed the format forged values directly.
      const tree = {
        title: bad,
        roots: [
          { id: bad, kind: 'outcome', title: bad, notes: bad, metric: bad, baseline: -5, target: null, current: null, children: [
            { id: bad, kind: 'opportunity', title: bad, notes: bad, evidence: [bad, bad], importance: 5, satisfaction: -1, score: null, children: [
              { id: bad, kind: 'solution', title: bad, notes: bad, impact: 1, confidence: 1, ease: 1, score: 1, status: bad, children: [
                { id: bad, kind: 'assumption', title: bad, notes: bad, category: bad, test: bad, result: bad, children: [] },
              ] },
            ] },
          ] },
        ],
      } as unknown as TreeJson
      const csv = treeToCsv(tree)
      expect(expectNeutral(csv)).toBe(CSV_COLUMNS.length * 5)
      const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data
      for (const column of ['id', 'parent_id', 'status', 'category', 'result', 'title']) {
        expect(rows.some((r) => r[column] === `'${bad}`), column).toBe(true)
      }
      expect(rows[0].baseline).toBe('-5') // a number stays a number
    }
  })

  it('neutralises every column of the bet Jira CSV', () => {
    const { tree, ids } = betBoard(evil[0])
    const path = betPath(tree, ids.s)
    if (!path.ok) throw new Error(path.reason)
    const bet = lockBet(path.path, '=by', '2026-01-01T00:00:00.000Z')
    for (const bad of evil) {
      const csv = betToJiraCsv({ ...bet, title: bad }, { boardUrl: 'http://x/b/1' })
      expect(expectNeutral(csv)).toBe(8)
    }
  })
})

function betBoard(title = 'T') {
  const records = [
    rec('outcome', 'o', '', 'a0', { title }),
    rec('opportunity', 'p', 'o', 'a0', { title }),
    rec('solution', 's', 'p', 'a0', { title }),
    rec('solution', 's2', 'p', 'a1', { title }),
    rec('assumption', 'x', 's', 'a0', { title }),
  ]
  return { tree: deriveTree(records), ids: { s: 'shape:s' } }
}

describe('readLockedBet', () => {
  const opts = { boardUrl: 'http://x/b/1' }
  const good = () => {
    const { tree, ids } = betBoard()
    const path = betPath(tree, ids.s)
    if (!path.ok) throw new Error(path.reason)
    return JSON.parse(JSON.stringify(lockBet(path.path, 'me', '2026-01-01T00:00:00.000Z')))
  }

  it('reads a sound bet unchanged, with nothing skipped', () => {
    const bet = good()
    expect(readLockedBet(bet)).toEqual({ bet, skipped: [] })
    expect(readLockedBet(null)).toEqual({ bet: null, skipped: [] })
  })

  it('leaves out unreadable cards and fields, reports them, and every export and tracker payload still works', () => {
    const bet = good()
    bet.path.opportunities[0].evidence = 5 // stored before props were validated
    bet.path.opportunities.push(null)
    bet.path.assumptions = [null, { id: 'shape:y', title: 7, notes: '', category: 'desirability', test: '', result: 'untested' }]
    bet.path.siblings = 'nope'
    bet.path.warnings = [null, { code: 'no-assumptions', message: 'm' }]
    const { bet: read, skipped } = readLockedBet(bet)
    expect(read).not.toBeNull()
    expect(skipped).toEqual([
      { id: 'shape:p', reason: 'opportunities[0] evidence could not be read' },
      { id: 'opportunities[1]', reason: 'opportunities[1] is not a readable card' },
      { id: 'assumptions[0]', reason: 'assumptions[0] is not a readable card' },
      { id: 'shape:y', reason: 'assumptions[1] title could not be read' },
      { id: 'siblings', reason: 'siblings list could not be read' },
    ])
    expect(read!.path.opportunities).toHaveLength(1)
    expect(read!.path.opportunities[0].evidence).toEqual([])
    expect(read!.path.assumptions.map((a) => a.title)).toEqual([''])
    expect(read!.path.warnings).toEqual([{ code: 'no-assumptions', message: 'm' }])
    expect(betToMarkdown(read!, opts)).toContain('## Why')
    expect(betToJson(read!, opts).solutionId).toBe('shape:s')
    expect(betToJiraCsv(read!, opts)).toContain('Summary')
    expect(githubIssueRequest({ repo: 'a/b', token: 't' }, read!, opts).body.body).toContain('## What')
    expect(jiraIssueRequest({ baseUrl: 'http://j', email: 'e', apiToken: 't', project: 'P' }, read!, opts).body.fields.summary).toBe('T')
    expect(linearIssueRequest({ apiKey: 'k', teamId: 't' }, read!, opts).body.variables.input.title).toBe('T')
  })

  it('refuses what is not a bet at all (forged or garbled board.bet) without throwing', () => {
    for (const forged of ['★ BET forged', 5, [], { solutionId: 'x' }, { solutionId: 'x', path: { outcome: null, solution: {} } }, { path: {} }]) {
      const { bet, skipped } = readLockedBet(forged)
      expect(bet).toBeNull()
      expect(skipped.length).toBeGreaterThan(0)
    }
  })
})
