import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import { CSV_COLUMNS, escapeCsvText, treeToCsv } from '../../shared/formats/csv'
import { parseTreeJson } from '../../shared/formats/tree-json'
import type { TreeJson } from '../../shared/formats/tree-json'
import { fixture } from './helpers'

const parse = (csv: string) => Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true })
const tree = (input: unknown): TreeJson => {
  const r = parseTreeJson(input)
  if (!r.ok) throw new Error(r.errors.join('\n'))
  return r.value
}

describe('treeToCsv', () => {
  it('has the exact header, even for an empty tree', () => {
    const header = 'id,parent_id,depth,kind,title,notes,metric,baseline,target,current,importance,satisfaction,opportunity_score,impact,confidence,ease,ice_score,status,category,test,result,evidence'
    expect(CSV_COLUMNS.join(',')).toBe(header)
    expect(treeToCsv({ title: '', roots: [] })).toBe(`${header}\r\n`)
  })

  it('writes one row per node in pre-order with parents, depth and scores', () => {
    const t = tree(fixture('team-onboarding.json'))
    // give ids so parent_id can be checked
    let n = 0
    const stack = [...t.roots]
    while (stack.length) {
      const node = stack.shift()!
      node.id = `shape:n${n++}`
      stack.unshift(...node.children)
    }
    const { data, errors } = parse(treeToCsv(t))
    expect(errors).toEqual([])
    expect(data.map((r) => [r.id, r.parent_id, r.depth, r.kind])).toEqual([
      ['shape:n0', '', '0', 'outcome'],
      ['shape:n1', 'shape:n0', '1', 'opportunity'],
      ['shape:n2', 'shape:n1', '2', 'solution'],
      ['shape:n3', 'shape:n2', '3', 'assumption'],
      ['shape:n4', 'shape:n1', '2', 'solution'],
      ['shape:n5', 'shape:n1', '2', 'solution'],
      ['shape:n6', 'shape:n0', '1', 'opportunity'],
    ])
    expect(data[0]).toMatchObject({ metric: 'teams active in week 4', baseline: '22', target: '35', current: '' })
    expect(data[1]).toMatchObject({ importance: '8', satisfaction: '3', opportunity_score: '13', evidence: "Interview 12: 'I post in chat to ask if anyone looked'" })
    expect(data[4]).toMatchObject({ impact: '7', confidence: '4', ease: '5', ice_score: '5.3', status: 'idea' })
    expect(data[3]).toMatchObject({ category: 'desirability', result: 'untested', status: '' })
    // Every row has every column.
    for (const row of data) expect(Object.keys(row)).toEqual([...CSV_COLUMNS])
  })

  it('quotes commas, quotes and newlines so they survive a parse', () => {
    const t = tree({ roots: [{ kind: 'opportunity', title: 'I can\'t, "really", do it', notes: 'line 1\nline 2\r\nline 3', evidence: ['a, b', 'say "hi"'] }] })
    const csv = treeToCsv(t)
    expect(csv).toContain('"I can\'t, ""really"", do it"')
    const row = parse(csv).data[0]
    expect(row.title).toBe('I can\'t, "really", do it')
    expect(row.notes).toBe('line 1\nline 2\r\nline 3')
    expect(row.evidence).toBe('a, b\nsay "hi"')
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','))
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('neutralises formula injection in text cells only', () => {
    const t = tree({
      roots: [
        { kind: 'outcome', title: '=HYPERLINK("http://evil")', notes: '+1 more', metric: '@SUM(A1)', baseline: -5, children: [
          { kind: 'opportunity', title: '-2 clicks', evidence: ['=cmd'], children: [
            { kind: 'solution', title: 'ok title', children: [{ kind: 'assumption', title: '\tTabbed', test: '=1+1' }] },
          ] },
        ] },
      ],
    })
    const [o, p, s, a] = parse(treeToCsv(t)).data
    expect(o.title).toBe('\'=HYPERLINK("http://evil")')
    expect(o.notes).toBe("'+1 more")
    expect(o.metric).toBe("'@SUM(A1)")
    expect(o.baseline).toBe('-5') // a number stays a number
    expect(p.title).toBe("'-2 clicks")
    expect(p.evidence).toBe("'=cmd")
    expect(s.title).toBe('ok title')
    expect(a.title).toBe("'\tTabbed")
    expect(a.test).toBe("'=1+1")
  })

  it('escapeCsvText leaves ordinary text alone', () => {
    expect(escapeCsvText('hello = world')).toBe('hello = world')
    expect(escapeCsvText('')).toBe('')
    expect(escapeCsvText('=x')).toBe("'=x")
  })
})
