import { describe, expect, it } from 'vitest'
import { inlineToAdf, markdownToAdf } from '../../shared/adf'
import type { AdfNode } from '../../shared/adf'
import { betIssueBody, betPath, lockBet } from '../../shared/bet'
import { onboardingTree } from './helpers'

/** Structural rules Jira enforces on ADF that we rely on. */
function expectValidAdf(node: AdfNode, parent = 'doc') {
  if (node.type === 'text') {
    expect(typeof node.text).toBe('string')
    expect(node.text!.length, 'empty text node').toBeGreaterThan(0)
    expect(['paragraph', 'heading']).toContain(parent)
    return
  }
  const blockChildren: Record<string, string[]> = {
    doc: ['paragraph', 'heading', 'bulletList', 'orderedList', 'blockquote', 'rule'],
    bulletList: ['listItem'],
    orderedList: ['listItem'],
    listItem: ['paragraph', 'bulletList', 'orderedList'],
    blockquote: ['paragraph'],
    paragraph: ['text', 'hardBreak'],
    heading: ['text', 'hardBreak'],
  }
  if (node.type === 'rule' || node.type === 'hardBreak') {
    expect(node.content).toBeUndefined()
    return
  }
  expect(Object.keys(blockChildren)).toContain(node.type)
  expect(node.content?.length ?? 0, `${node.type} must not be empty`).toBeGreaterThan(0)
  for (const child of node.content!) {
    expect(blockChildren[node.type], `${child.type} inside ${node.type}`).toContain(child.type)
    expectValidAdf(child, node.type)
  }
  if (node.type === 'heading') expect(node.attrs!.level).toBeGreaterThanOrEqual(1)
}

describe('inlineToAdf', () => {
  it('turns links, bold and code into marks', () => {
    expect(inlineToAdf('See [the board](https://x.test/b) now, **really** `fast`')).toEqual([
      { type: 'text', text: 'See ' },
      { type: 'text', text: 'the board', marks: [{ type: 'link', attrs: { href: 'https://x.test/b' } }] },
      { type: 'text', text: ' now, ' },
      { type: 'text', text: 'really', marks: [{ type: 'strong' }] },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'fast', marks: [{ type: 'code' }] },
    ])
  })
  it('keeps unsafe links as plain text and never emits empty text', () => {
    expect(inlineToAdf('[x](javascript:alert(1))')).toEqual([{ type: 'text', text: '[x](javascript:alert(1))' }])
    expect(inlineToAdf('')).toEqual([])
    expect(inlineToAdf('**a**').every((n) => n.text)).toBe(true)
  })
})

describe('markdownToAdf', () => {
  it('makes a doc with headings, paragraphs, lists, quotes and rules', () => {
    const doc = markdownToAdf('# Title\n\nFirst line\nsecond line\n\n- one\n- [two](http://t.test)\n\n1. a\n2. b\n\n> quoted\n> more\n\n---\n## Sub')
    expect(doc).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'First line' }, { type: 'hardBreak' }, { type: 'text', text: 'second line' }] },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] },
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'two', marks: [{ type: 'link', attrs: { href: 'http://t.test' } }] }] }] },
          ],
        },
        {
          type: 'orderedList',
          attrs: { order: 1 },
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }] },
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'b' }] }] },
          ],
        },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'quoted' }, { type: 'hardBreak' }, { type: 'text', text: 'more' }] }] },
        { type: 'rule' },
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Sub' }] },
      ],
    })
  })

  it('drops empty blocks instead of emitting empty text nodes', () => {
    const doc = markdownToAdf('#   \n\n-   \n\n>\n\n   \n\r\n')
    expect(doc).toEqual({ type: 'doc', version: 1, content: [] })
  })

  it('produces valid ADF for a real bet body', () => {
    const { tree, idOf } = onboardingTree()
    const path = betPath(tree, idOf('Seen-by markers on changed items'))
    if (!path.ok) throw new Error(path.reason)
    const doc = markdownToAdf(betIssueBody(lockBet(path.path, 'Ana', '2025-01-01T00:00:00Z'), { boardUrl: 'http://127.0.0.1:8787/b/x' }))
    expect(doc.type).toBe('doc')
    expect(doc.version).toBe(1)
    expectValidAdf(doc as AdfNode)
    const headings = doc.content.filter((n) => n.type === 'heading' && n.attrs!.level === 2).map((n) => n.content![0].text)
    expect(headings).toEqual(['Outcome', 'Why', 'What', 'Assumptions to test first', 'Alternatives compared', 'Open questions', 'Decision'])
    const link = JSON.stringify(doc).includes('"href":"http://127.0.0.1:8787/b/x"')
    expect(link).toBe(true)
  })
})
