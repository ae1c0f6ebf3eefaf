import { describe, expect, it } from 'vitest'
import { parseOutline, treeToOutline } from '../../shared/formats/outline'
import type { TreeJson } from '../../shared/formats/tree-json'
import { parseTreeJson } from '../../shared/formats/tree-json'
import { fixture } from './helpers'

const ok = (text: string): TreeJson => {
  const r = parseOutline(text)
  if (!r.ok) throw new Error(r.errors.join('\n'))
  return r.value
}
const errorsOf = (text: string): string[] => {
  const r = parseOutline(text)
  if (r.ok) throw new Error('expected errors')
  return r.errors
}
type Shape = { kind: string; title: string; children: Shape[] }
const shape = (nodes: TreeJson['roots']): Shape[] => nodes.map((n) => ({ kind: n.kind, title: n.title, children: shape(n.children) }))

describe('parseOutline', () => {
  it('reads the checkout-retention fixture', () => {
    const v = ok(fixture('checkout-retention.md'))
    expect(v.title).toBe('Checkout retention discovery')
    expect(v.roots).toHaveLength(1)
    const o = v.roots[0]
    expect(o.kind).toBe('outcome')
    expect(o.children.map((c) => c.title)).toEqual([
      "I don't know which settings I must finish before I can sell",
      'I worry my prices look wrong to buyers',
      'Payment setup asks for documents I don\u2019t have at hand'.replace('\u2019', "'"),
    ])
    expect(o.children[0].children.map((c) => c.kind)).toEqual(['solution', 'solution', 'solution'])
    expect(o.children[0].children[0].children.map((c) => c.kind)).toEqual(['assumption', 'assumption'])
    expect(o.children[1].children[0]).toMatchObject({ kind: 'opportunity', title: "I can't see what a buyer sees at checkout" })
    // Kind fields get their defaults, as in Tree JSON.
    expect(o).toMatchObject({ metric: '', baseline: null, notes: '' })
  })

  it('accepts any bullet, any consistent indent width, tabs, CRLF, blank lines, case-insensitive prefixes', () => {
    const expected = [{ kind: 'outcome', title: 'O', children: [{ kind: 'opportunity', title: 'P', children: [{ kind: 'solution', title: 'S', children: [] }] }, { kind: 'opportunity', title: 'Q', children: [] }] }]
    expect(shape(ok('- Outcome: O\n    * Opportunity: P\n        + Solution: S\n    - Opportunity: Q\n').roots)).toEqual(expected)
    expect(shape(ok('- Outcome: O\n\t- Opportunity: P\n\t\t- Solution: S\n\t- Opportunity: Q').roots)).toEqual(expected)
    expect(shape(ok('\r\n- OUTCOME:O\r\n\r\n   - opportunity :  P  \r\n      - Solution: S\r\n   - Opportunity: Q\r\n').roots)).toEqual(expected)
  })

  it('has no title when there is no heading, and is empty for empty input', () => {
    expect(ok('- Outcome: O').title).toBe('')
    expect(ok('')).toEqual({ title: '', roots: [] })
    expect(ok('# Just a title\n')).toEqual({ title: 'Just a title', roots: [] })
  })

  it('reads a word before a colon that is not a kind as part of the title', () => {
    expect(shape(ok('# T\n- Outcome: O\n  - Feature: F').roots)).toEqual([{ kind: 'outcome', title: 'O', children: [{ kind: 'opportunity', title: 'Feature: F', children: [] }] }])
  })

  it('reports bad nesting', () => {
    expect(errorsOf('- Outcome: O\n  - Solution: S')).toEqual(['line 2: a Solution cannot sit under an Outcome (a solution can only sit under an opportunity)'])
    expect(errorsOf('- Outcome: O\n  - Opportunity: P\n    - Assumption: A')[0]).toMatch(/^line 3: an Assumption cannot sit under an Opportunity/)
  })

  it('reports indentation jumps and mismatches', () => {
    expect(errorsOf('- Outcome: O\n    - Opportunity: P\n  - Opportunity: Q')[0]).toMatch(/^line 3: indentation of 2 spaces does not match/)
    expect(errorsOf('- Outcome: O\n  - Opportunity: P\n      - Solution: S')[0]).toMatch(/^line 3: indented too far/)
    expect(errorsOf('  - Outcome: O')[0]).toMatch(/^line 1: indented too far/)
  })

  it('reports empty titles, stray text and long titles', () => {
    expect(errorsOf('- Outcome:   ')).toEqual(['line 1: the Outcome has no title'])
    expect(errorsOf('- Outcome: O\nsome prose')[0]).toMatch(/^line 2: expected a list item/)
    expect(errorsOf(`- Outcome: ${'x'.repeat(301)}`)[0]).toMatch(/^line 1: the title is longer than 300/)
  })

  it('reports several problems at once, each with its line', () => {
    const errors = errorsOf('- Outcome: O\n  - Solution: S\n  - Assumption: I\n  - Opportunity:')
    expect(errors.map((e) => e.split(':')[0])).toEqual(['line 2', 'line 3', 'line 4'])
  })

  it('caps items and lines', () => {
    const items = (n: number) => ['- Outcome: O', ...Array.from({ length: n - 1 }, (_, i) => `  - Opportunity: P${i}`)].join('\n')
    expect(ok(items(5000)).roots[0].children).toHaveLength(4999)
    expect(errorsOf(items(5001))).toEqual(['line 5001: too many items (at most 5000)'])
    expect(errorsOf('\n'.repeat(20_001))[0]).toMatch(/too many lines/)
  })

  it('caps depth', () => {
    const lines = ['- Outcome: O', ...Array.from({ length: 110 }, (_, i) => `${'  '.repeat(i + 1)}- Opportunity: P${i}`)]
    expect(errorsOf(lines.join('\n'))[0]).toMatch(/^line 101: nested too deeply \(at most 100 levels\)/)
  })
})

describe('parseOutline without kind prefixes', () => {
  const plain = ['# Plain', '- Grow weekly active teams', '  - I cannot tell what changed', '    - Weekly digest', '      - Teams read email', '    - "What\'s new" panel', '  - Setup takes too long'].join('\n')

  it('infers outcome → opportunity → solution → assumption from depth, and counts the inferred items', () => {
    const r = parseOutline(plain)
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.inferred).toBe(6)
    expect(r.value.title).toBe('Plain')
    expect(shape(r.value.roots)).toEqual([
      {
        kind: 'outcome',
        title: 'Grow weekly active teams',
        children: [
          {
            kind: 'opportunity',
            title: 'I cannot tell what changed',
            children: [
              { kind: 'solution', title: 'Weekly digest', children: [{ kind: 'assumption', title: 'Teams read email', children: [] }] },
              { kind: 'solution', title: '"What\'s new" panel', children: [] },
            ],
          },
          { kind: 'opportunity', title: 'Setup takes too long', children: [] },
        ],
      },
    ])
    // Defaults as for prefixed items.
    expect(r.value.roots[0]).toMatchObject({ metric: '', baseline: null, notes: '' })
  })

  it('counts nothing as inferred when every item has its prefix', () => {
    const r = parseOutline(fixture('checkout-retention.md'))
    expect(r.ok && r.inferred).toBe(0)
  })

  it('keeps a prefixed item’s kind in a mixed outline; its unprefixed children follow it', () => {
    const r = parseOutline(['- Outcome: O', '  - P', '    - Opportunity: Sub', '      - S', '        - A', '    - S2', '- Solution: Loose', '  - A2'].join('\n'))
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.inferred).toBe(5)
    expect(shape(r.value.roots)).toEqual([
      {
        kind: 'outcome',
        title: 'O',
        children: [
          {
            kind: 'opportunity',
            title: 'P',
            children: [
              { kind: 'opportunity', title: 'Sub', children: [{ kind: 'solution', title: 'S', children: [{ kind: 'assumption', title: 'A', children: [] }] }] },
              { kind: 'solution', title: 'S2', children: [] },
            ],
          },
        ],
      },
      { kind: 'solution', title: 'Loose', children: [{ kind: 'assumption', title: 'A2', children: [] }] },
    ])
  })

  it('refuses an unprefixed item under an assumption (a fifth level), naming its line and the fix', () => {
    const errors = errorsOf(['- O', '  - P', '    - S', '      - A', '        - Deeper', '        - Deeper too'].join('\n'))
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^line 5: nothing can sit under an Assumption, so this item's kind cannot be inferred/)
    expect(errors[0]).toContain('Outcome → Opportunity → Solution → Assumption')
    expect(errors[0]).toContain('"Opportunity:"')
    expect(errors[1]).toMatch(/^line 6: /)
    expect(errorsOf('- Outcome: O\n  - Opportunity: P\n    - Solution: S\n      - Assumption: A\n        - x')[0]).toMatch(/^line 5: nothing can sit under an Assumption/)
  })

  it('still checks a prefixed item’s place under an inferred parent', () => {
    expect(errorsOf('- O\n  - Solution: S')).toEqual(['line 2: a Solution cannot sit under an Outcome (a solution can only sit under an opportunity)'])
  })

  it('reads the children of a refused item for their own problems', () => {
    const errors = errorsOf('- O\n  - Assumption: A\n    - Solution: S\n    - x')
    expect(errors.map((e) => e.split(':')[0])).toEqual(['line 2', 'line 3', 'line 4'])
  })

  it('gives an unprefixed item the empty-title and length checks', () => {
    expect(errorsOf(`- ${'x'.repeat(301)}`)[0]).toMatch(/^line 1: the title is longer than 300/)
  })
})

describe('treeToOutline', () => {
  it('writes the fixture back exactly', () => {
    const text = fixture('checkout-retention.md')
    expect(treeToOutline(ok(text))).toBe(text.endsWith('\n') ? text : text + '\n')
  })

  it('round-trips the fixture to the same tree', () => {
    const first = ok(fixture('checkout-retention.md'))
    expect(ok(treeToOutline(first))).toEqual(first)
  })

  it('round-trips the Tree JSON fixture’s structure and titles', () => {
    const r = parseTreeJson(fixture('team-onboarding.json'))
    if (!r.ok) throw new Error('fixture')
    const back = ok(treeToOutline(r.value))
    expect(back.title).toBe('Team onboarding')
    expect(shape(back.roots)).toEqual(shape(r.value.roots))
  })

  it('keeps multi-line and empty titles parseable', () => {
    const tree: TreeJson = { title: 'Two\nlines', roots: [{ kind: 'outcome', title: 'a\nb', notes: '', metric: '', baseline: null, target: null, current: null, children: [{ kind: 'opportunity', title: '', notes: '', evidence: [], importance: null, satisfaction: null, score: null, children: [] }] }] }
    const text = treeToOutline(tree)
    expect(text).toBe('# Two lines\n- Outcome: a b\n  - Opportunity: Untitled\n')
    expect(ok(text).roots[0].children[0].title).toBe('Untitled')
  })

  it('writes an empty tree as an empty outline', () => {
    expect(treeToOutline({ title: '', roots: [] })).toBe('\n')
    expect(ok(treeToOutline({ title: '', roots: [] }))).toEqual({ title: '', roots: [] })
  })
})
