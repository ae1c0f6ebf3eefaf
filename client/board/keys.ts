// Tree keyboard on the canvas: with one node selected, Tab adds a child, Enter adds a sibling, F2 renames.
// Listens in the capture phase so tldraw's own Tab/Enter handling does not run for tree nodes.

import type { Editor } from '@tldraw/tldraw'
import { addChild, addSibling, selectedNode } from './actions'

/** Keys meant for something else: typing in a field, or a focused control (a top-bar button, a popover,
 *  a menu, a panel, a dialog) whose own Enter/Space/Tab must keep working. Board keys are for the canvas. */
const NOT_FOR_THE_BOARD =
  '.ob-topbar, .ob-popover, .ob-outline, .ob-detail, .ob-dialog, [role=dialog], [role=menu], [role=listbox], .tlui-menu, .tlui-popover__content'

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  return (
    el.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A'].includes(el.tagName) ||
    !!el.closest?.(NOT_FOR_THE_BOARD)
  )
}

export function installBoardKeys(editor: Editor): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return
    if (editor.getEditingShapeId() || editor.getIsReadonly()) return
    const node = selectedNode(editor)
    if (!node) return
    if (e.key === 'Tab' && !e.shiftKey) {
      e.preventDefault()
      e.stopPropagation()
      addChild(editor, node.id, undefined, { edit: true })
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      e.stopPropagation()
      addSibling(editor, node.id, { edit: true })
    } else if (e.key === 'F2') {
      e.preventDefault()
      e.stopPropagation()
      editor.setEditingShape(node.id)
    }
  }
  window.addEventListener('keydown', onKeyDown, true)
  return () => window.removeEventListener('keydown', onKeyDown, true)
}
