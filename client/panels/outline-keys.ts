// The outline's keyboard, in one place: ↑/↓ move, ←/→ collapse/expand or go to parent/child, Enter/F2 rename,
// Tab adds a child, Shift+Enter adds a sibling, Alt+↑/↓ reorders, Delete deletes.

import type { Editor } from '@tldraw/tldraw'
import type { KeyboardEvent } from 'react'
import { addChild, addSibling, moveAmongSiblings, requestDelete } from '../editor/actions'
import type { Row } from './outline-rows'

export interface OutlineKeyContext {
  editor: Editor
  rows: readonly Row[]
  closed: Set<string>
  readonly: boolean
  /** A row is being renamed: its input has the keys. */
  renaming: string | null
  focusRow(id: string): void
  toggle(id: string, open: boolean): void
  setRenaming(id: string): void
}

/** Handles a key on the row at `index`; a key it uses goes no further (not to the canvas's shortcuts). */
export function outlineKeyDown(e: KeyboardEvent, index: number, ctx: OutlineKeyContext): void {
  const { editor, rows, closed, readonly, focusRow, toggle, setRenaming } = ctx
  if (ctx.renaming) return
  const row = rows[index]
  const { node } = row
  const go = (i: number) => rows[i] && focusRow(rows[i].node.id)
  switch (e.key) {
    case 'ArrowDown':
      if (e.altKey) moveAmongSiblings(editor, node.id, 1)
      else go(index + 1)
      break
    case 'ArrowUp':
      if (e.altKey) moveAmongSiblings(editor, node.id, -1)
      else go(index - 1)
      break
    case 'ArrowRight':
      if (row.hasChildren && closed.has(node.id)) toggle(node.id, true)
      else if (row.hasChildren) go(index + 1)
      break
    case 'ArrowLeft':
      if (row.hasChildren && !closed.has(node.id)) toggle(node.id, false)
      else if (node.parentId) focusRow(node.parentId)
      break
    case 'Home':
      go(0)
      break
    case 'End':
      go(rows.length - 1)
      break
    case 'Enter':
      if (readonly) break
      if (e.shiftKey) {
        const id = addSibling(editor, node.id, { edit: false })
        if (id) setTimeout(() => setRenaming(id))
      } else setRenaming(node.id)
      break
    case 'F2':
      if (!readonly) setRenaming(node.id)
      break
    case 'Tab': {
      if (readonly || e.shiftKey) return
      const id = addChild(editor, node.id, undefined, { edit: false })
      if (id) setTimeout(() => setRenaming(id))
      break
    }
    case 'Delete':
    case 'Backspace':
      requestDelete(editor, [node.id])
      break
    default:
      return
  }
  e.preventDefault()
  e.stopPropagation()
}
