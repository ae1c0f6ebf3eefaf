// "Sort by score": reorder one node's children, highest score first (shared/scoring.ts), by rewriting their
// fractional `order` keys — the tree edge data — then re-laying out. Unscored children keep their relative
// order at the end, so a half-scored set of siblings is not shuffled.

import type { Editor, TLShapePartial } from '@tldraw/tldraw'
import { generateKeyBetween } from 'fractional-indexing'
import { nodeScore, sortSiblingsByScore } from '../../shared/scoring'
import { showNotice } from '../ui/notice'
import { relayout } from '../editor/actions'
import { boardState } from '../editor/state'

/** Children that have a score to sort by (opportunities and solutions). */
export function sortableChildren(editor: Editor, parentId: string) {
  const node = boardState(editor).tree.get().byId.get(parentId)
  return (node?.children ?? []).filter((c) => c.kind === 'opportunity' || c.kind === 'solution')
}

/** Returns true when the order changed. */
export function sortChildrenByScore(editor: Editor, parentId: string): boolean {
  if (editor.getIsReadonly()) {
    showNotice('This is a read-only link: you can look, not edit.', 'warn')
    return false
  }
  const node = boardState(editor).tree.get().byId.get(parentId)
  if (!node || node.children.length < 2) return false
  const sorted = sortSiblingsByScore(node.children)
  if (sorted.every((c, i) => c.id === node.children[i].id)) {
    showNotice(sorted.some((c) => nodeScore(c) !== null) ? 'Already sorted by score.' : 'Score these cards first, then sort them.', 'info', 3000)
    return false
  }
  let prev: string | null = null
  const partials: TLShapePartial[] = sorted.map((child) => {
    const order = generateKeyBetween(prev, null)
    prev = order
    return { id: child.id, type: child.kind, props: { order } } as TLShapePartial
  })
  editor.run(() => editor.updateShapes(partials))
  relayout(editor)
  return true
}
