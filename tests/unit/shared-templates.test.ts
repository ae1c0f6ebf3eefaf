import { describe, expect, it } from 'vitest'
import { parseTreeJson, treeJsonToRecords } from '../../shared/formats/tree-json'
import { hintsFor } from '../../shared/hints'
import { BOARD_TEMPLATES } from '../../shared/templates'
import { deriveTree } from '../../shared/tree'

describe('board templates', () => {
  it('offers empty, starter and example, each tree valid Tree JSON with nothing detached', () => {
    expect(BOARD_TEMPLATES.map((t) => t.id)).toEqual(['empty', 'starter', 'example'])
    for (const template of BOARD_TEMPLATES.filter((t) => t.tree)) {
      const parsed = parseTreeJson(template.tree)
      expect(parsed.ok, template.id).toBe(true)
      if (!parsed.ok) continue
      const tree = deriveTree(treeJsonToRecords(parsed.value))
      expect(tree.detached).toEqual([])
      expect(tree.roots[0].kind).toBe('outcome')
    }
  })

  it('the starter tree compares three solutions, so it models the habit instead of tripping the hint', () => {
    const parsed = parseTreeJson(BOARD_TEMPLATES[1].tree)
    if (!parsed.ok) throw new Error(parsed.errors.join())
    const tree = deriveTree(treeJsonToRecords(parsed.value))
    const codes = [...hintsFor(tree).values()].flat().map((h) => h.code)
    expect(codes).not.toContain('few-solutions')
  })
})
