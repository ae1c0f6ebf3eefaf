import { describe, expect, it } from 'vitest'
import { TREE_LIMITS, TreeJsonSchema, formatPath, parseTreeJson, recordsToTreeJson, treeJsonToRecords, treeToJson } from '../../shared/formats/tree-json'
import type { TreeJson } from '../../shared/formats/tree-json'
import { jsonErrorOffset } from '../../shared/formats/json-position'
import { deriveTree } from '../../shared/tree'
import { isNodeShapeRecord } from '../../shared/model'
import type { NodeShapeRecord } from '../../shared/model'
import { fixture, rec, withoutIds } from './helpers'

const ok = (input: unknown): TreeJson => {
  const r = parseTreeJson(input)
  if (!r.ok) throw new Error(r.errors.join('\n'))
  return r.value
}
const errorsOf = (input: unknown): string[] => {
  const r = parseTreeJson(input)
  if (r.ok) throw new Error('expected errors')
  return r.errors
}

describe('treeToJson', () => {
  it('writes every field of each kind, with derived scores and detached nodes as roots', () => {
    const t = deriveTree([
      rec('outcome', 'o', '', 'a0', { metric: 'm', baseline: 1, target: 2, current: 1.5, notes: 'n' }),
      rec('opportunity', 'p', 'o', 'a0', { evidence: ['quote'], importance: 8, satisfaction: 3 }),
      rec('solution', 's', 'p', 'a0', { impact: 6, confidence: 5, ease: 7, status: 'chosen' }),
      rec('assumption', 'a', 's', 'a0', { category: 'viability', test: 'fake door', result: 'testing' }),
      rec('solution', 'loose', '', 'a1'),
    ])
    expect(treeToJson(t, 'Board')).toEqual({
      title: 'Board',
      roots: [
        {
          id: 'shape:o', kind: 'outcome', title: 'o', notes: 'n', metric: 'm', baseline: 1, target: 2, current: 1.5,
          children: [
            {
              id: 'shape:p', kind: 'opportunity', title: 'p', notes: '', evidence: ['quote'], importance: 8, satisfaction: 3, score: 13,
              children: [
                {
                  id: 'shape:s', kind: 'solution', title: 's', notes: '', impact: 6, confidence: 5, ease: 7, score: 6, status: 'chosen',
                  children: [{ id: 'shape:a', kind: 'assumption', title: 'a', notes: '', category: 'viability', test: 'fake door', result: 'testing', children: [] }],
                },
              ],
            },
          ],
        },
        { id: 'shape:loose', kind: 'solution', title: 'loose', notes: '', impact: null, confidence: null, ease: null, score: null, status: 'idea', children: [] },
      ],
    })
  })
  it('exports an empty board', () => {
    expect(treeToJson(deriveTree([]), '')).toEqual({ title: '', roots: [] })
  })
})

describe('parseTreeJson', () => {
  it('accepts the team-onboarding fixture and fills defaults', () => {
    const v = ok(fixture('team-onboarding.json'))
    expect(v.title).toBe('Team onboarding')
    const o = v.roots[0]
    expect(o).toMatchObject({ kind: 'outcome', metric: 'teams active in week 4', baseline: 22, target: 35, current: null, notes: '' })
    const p = o.children[0]
    expect(p).toMatchObject({ kind: 'opportunity', importance: 8, satisfaction: 3, score: 13 })
    expect(p.children.map((s) => s.kind === 'solution' && s.score)).toEqual([6, 5.3, 6.3])
    expect(p.children[0].children[0]).toMatchObject({ kind: 'assumption', category: 'desirability', result: 'untested', test: '' })
  })

  it('accepts an already-parsed value, ignores a claimed score and unknown fields', () => {
    const v = ok({ title: 'T', roots: [{ kind: 'outcome', title: 'O', color: 'red', children: [{ kind: 'opportunity', title: 'P', importance: 5, satisfaction: 5, score: 99 }] }] })
    expect(v.roots[0]).not.toHaveProperty('color')
    expect((v.roots[0].children[0] as { score: number }).score).toBe(5)
    expect(v.roots[0].children[0].children).toEqual([])
  })

  it('keeps valid ids only', () => {
    const v = ok({ roots: [{ id: 'shape:keep_me', kind: 'outcome', title: 'a' }, { id: 'nope; drop', kind: 'outcome', title: 'b' }] })
    expect(v.roots[0].id).toBe('shape:keep_me')
    expect(v.roots[1]).not.toHaveProperty('id')
    expect(v.title).toBe('')
  })

  it('allows loose nodes at the root (they become detached)', () => {
    expect(ok({ roots: [{ kind: 'solution', title: 's' }] }).roots[0].kind).toBe('solution')
  })

  it('reports unknown kinds and disallowed nesting with the JSON path', () => {
    const errors = errorsOf({
      title: 't',
      roots: [{ kind: 'outcome', title: 'o', children: [{ kind: 'opportunity', title: 'p' }, { kind: 'solution', title: 's' }, { kind: 'feature', title: 'f' }] }],
    })
    expect(errors).toContain('roots[0].children[1].kind: a solution cannot sit under an outcome (a solution can only sit under an opportunity)')
    expect(errors.some((e) => e.startsWith('roots[0].children[2].kind: unknown kind "feature"'))).toBe(true)
  })

  it('reports bad fields with their path', () => {
    const errors = errorsOf({
      roots: [
        {
          kind: 'outcome', title: 'o', baseline: 'ten',
          children: [{ kind: 'opportunity', title: 'p', importance: 11, satisfaction: -1, evidence: 'not a list', children: [{ kind: 'solution', title: 7, status: 'maybe' }] }],
        },
      ],
    })
    expect(errors.some((e) => e.startsWith('roots[0].baseline:'))).toBe(true)
    expect(errors).toContain('roots[0].children[0].importance: must be between 0 and 10')
    expect(errors).toContain('roots[0].children[0].satisfaction: must be between 0 and 10')
    expect(errors.some((e) => e.startsWith('roots[0].children[0].evidence:'))).toBe(true)
    expect(errors.some((e) => e.startsWith('roots[0].children[0].children[0].title:'))).toBe(true)
    expect(errors.some((e) => e.startsWith('roots[0].children[0].children[0].status:'))).toBe(true)
  })

  it('requires a title on each node and roots at the top', () => {
    expect(errorsOf({ roots: [{ kind: 'outcome' }] })).toEqual(['roots[0].title: is required'])
    expect(errorsOf({ title: 'x' })).toEqual(['roots: is required'])
    expect(errorsOf([])[0]).toMatch(/expected object/i)
    expect(errorsOf({ roots: [null] })).toEqual(['roots[0]: must be an object with kind, title and children'])
    expect(errorsOf({ roots: [{ kind: 'outcome', title: 'o', children: {} }] })).toEqual(['roots[0].children: must be an array'])
  })

  it('rejects non-finite metrics (NaN cannot come from JSON, but can from a value)', () => {
    expect(errorsOf({ roots: [{ kind: 'outcome', title: 'o', target: Infinity }] })[0]).toMatch(/^roots\[0\]\.target:/)
  })

  it('enforces the text caps', () => {
    const long = (n: number) => 'x'.repeat(n)
    expect(errorsOf({ title: long(301), roots: [] })[0]).toMatch(/^title: must be at most 300/)
    expect(errorsOf({ roots: [{ kind: 'outcome', title: long(301) }] })[0]).toMatch(/^roots\[0\]\.title:/)
    expect(errorsOf({ roots: [{ kind: 'outcome', title: 'o', notes: long(10_001) }] })[0]).toMatch(/^roots\[0\]\.notes:/)
    ok({ roots: [{ kind: 'outcome', title: long(300), notes: long(10_000) }] })
    const opp = (evidence: string[]) => ({ roots: [{ kind: 'opportunity', title: 'p', evidence }] })
    ok(opp(Array(50).fill(long(2000))))
    expect(errorsOf(opp(Array(51).fill('e')))[0]).toMatch(/^roots\[0\]\.evidence: must have at most 50/)
    expect(errorsOf(opp(['ok', long(2001)]))[0]).toMatch(/^roots\[0\]\.evidence\[1\]:/)
  })

  it('caps the node count', () => {
    const many = (n: number) => ({ roots: [{ kind: 'outcome', title: 'o', children: Array.from({ length: n - 1 }, (_, i) => ({ kind: 'opportunity', title: `p${i}` })) }] })
    expect(ok(many(TREE_LIMITS.nodes)).roots[0].children).toHaveLength(TREE_LIMITS.nodes - 1)
    expect(errorsOf(many(TREE_LIMITS.nodes + 1))).toEqual([`roots: too many nodes (at most ${TREE_LIMITS.nodes})`])
  })

  it('caps the depth, even for absurdly deep input, without overflowing the stack', () => {
    const chain = (depth: number) => {
      let node: Record<string, unknown> = { kind: 'opportunity', title: 'leaf' }
      for (let i = 1; i < depth - 0; i++) node = { kind: 'opportunity', title: `n${i}`, children: [node] }
      return { roots: [node] }
    }
    ok(chain(100)) // MAX_TREE_DEPTH: the deepest tree a board shows imports again
    const errors = errorsOf(chain(101))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/nested too deeply \(at most 100 levels\)$/)
    expect(errors[0].startsWith('roots[0]' + '.children[0]'.repeat(100))).toBe(true)
    // 100,000 levels as text: JSON.parse copes, our walk must too.
    const deep = '{"roots":[' + '{"kind":"opportunity","title":"x","children":['.repeat(100_000) + ']}'.repeat(100_000) + ']}'
    expect(errorsOf(deep)[0]).toMatch(/nested too deeply/)
  })

  it('caps the number of reported errors', () => {
    const errors = errorsOf({ roots: Array.from({ length: 100 }, () => ({ kind: 'bogus', title: 'x' })) })
    expect(errors).toHaveLength(TREE_LIMITS.errors)
  })

  it('reports bad JSON with line and column', () => {
    expect(errorsOf('{"title": "x",\n  "roots": [}')[0]).toMatch(/^invalid JSON at line 2, column 13/)
    expect(errorsOf('{"title": "x",\n  "roots": [\n')[0]).toMatch(/^invalid JSON at line 3, column 1/)
    expect(errorsOf('')[0]).toMatch(/^invalid JSON/)
  })

  it('exposes the schema for other edges', () => {
    expect(TreeJsonSchema.safeParse({ roots: [] }).success).toBe(true)
    expect(TreeJsonSchema.safeParse({ roots: [{ kind: 'x', title: 'y' }] }).success).toBe(false)
  })
})

describe('jsonErrorOffset / formatPath', () => {
  it('finds the first syntax error', () => {
    expect(jsonErrorOffset('{"a": [1, 2, ]}')).toBe(13)
    expect(jsonErrorOffset('{"a" 1}')).toBe(5)
    expect(jsonErrorOffset('{"a": tru}')).toBe(6)
    expect(jsonErrorOffset('[1] 2')).toBe(4)
    expect(jsonErrorOffset('"abc')).toBe(4)
    expect(jsonErrorOffset('"a\u0001"')).toBe(2)
    expect(jsonErrorOffset('')).toBe(0)
    expect(jsonErrorOffset('{"a": [1, {"b": null}], "c": "\\u00e9", "d": -1.5e3}')).toBe(-1)
  })
  it('formats paths', () => {
    expect(formatPath(['roots', 0, 'children', 1, 'kind'])).toBe('roots[0].children[1].kind')
    expect(formatPath([])).toBe('')
  })
})

describe('treeJsonToRecords', () => {
  it('builds laid-out node records with order, parents and fresh ids', () => {
    const value = ok(fixture('team-onboarding.json'))
    const records = treeJsonToRecords(value) as NodeShapeRecord[]
    expect(records).toHaveLength(7)
    expect(records.every(isNodeShapeRecord)).toBe(true)
    expect(new Set(records.map((r) => r.id)).size).toBe(7)
    const [outcome, opp, s1, a1, s2, s3, opp2] = records
    expect(outcome.props.parentNode).toBe('')
    expect(opp.props.parentNode).toBe(outcome.id)
    expect([s1, s2, s3].map((s) => s.props.parentNode)).toEqual([opp.id, opp.id, opp.id])
    expect(a1.props.parentNode).toBe(s1.id)
    expect(opp2.props.parentNode).toBe(outcome.id)
    expect(s1.props.order < s2.props.order && s2.props.order < s3.props.order).toBe(true)
    expect(opp.props.order < opp2.props.order).toBe(true)
    // Laid out: children below parents, siblings left to right.
    expect(opp.y).toBeGreaterThan(outcome.y)
    expect(s1.x).toBeLessThan(s2.x)
    // tldraw z-indexes are distinct and ordered.
    const indexes = records.map((r) => r.index)
    expect([...indexes].sort()).toEqual(indexes)
    expect(new Set(indexes).size).toBe(7)
    expect(deriveTree(records).detached).toEqual([])
  })

  it('keeps given ids, replacing duplicates', () => {
    const records = treeJsonToRecords(ok({ roots: [{ id: 'shape:a', kind: 'outcome', title: 'x', children: [{ id: 'shape:a', kind: 'opportunity', title: 'y' }] }] }))
    expect(records[0].id).toBe('shape:a')
    expect(records[1].id).not.toBe('shape:a')
    expect((records[1] as NodeShapeRecord).props.parentNode).toBe('shape:a')
  })

  it('anchors the layout when asked', () => {
    const records = treeJsonToRecords(ok({ roots: [{ kind: 'outcome', title: 'x', children: [{ kind: 'opportunity', title: 'y' }] }] }), { anchor: { x: 500, y: 40 } })
    expect([records[0].x, records[0].y]).toEqual([500, 40])
  })

  it('round-trips: export → import → export gives the same JSON apart from ids', () => {
    const first = recordsToTreeJson(treeJsonToRecords(ok(fixture('team-onboarding.json'))), 'Team onboarding')
    // Without ids: fresh ones are minted, everything else is identical.
    const second = recordsToTreeJson(treeJsonToRecords(ok(JSON.stringify(withoutIds(first)))), 'Team onboarding')
    expect(second).not.toEqual(first)
    expect(withoutIds(second)).toEqual(withoutIds(first))
    // With ids given back, they survive too.
    const third = recordsToTreeJson(treeJsonToRecords(ok(JSON.stringify(first))), 'Team onboarding')
    expect(third).toEqual(first)
    // And the fixture's own data is all there.
    expect(withoutIds(first)).toMatchObject(withoutIds(JSON.parse(fixture('team-onboarding.json'))))
  })
})
