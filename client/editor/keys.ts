// Tree keyboard on the canvas: with one node selected, Tab adds a child, Shift+Enter a sibling, Enter or F2
// edits its title on the card, and typing a letter starts editing with that letter in place of the title (as in Miro and FigJam).
// Listens in the capture phase so tldraw's own Tab/Enter handling and its tool shortcuts (a letter picks a
// tool) never run for tree nodes: a title's letters always land in the title.

import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { addChild, addSibling, isNodeShape, selectedNode } from './actions'

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

/** A key that types a character (not a shortcut, not a named key like Enter or ArrowUp). */
function isPrintable(e: KeyboardEvent) {
  return e.key.length === 1 && e.key !== ' '
}

/** Types into a card's title: added at the end, or replacing it (the title editor puts the caret after it). */
function typeInto(editor: Editor, id: string, text: string, replace = false) {
  const shape = editor.getShape(id as TLShapeId)
  if (!shape || !isNodeShape(shape)) return
  editor.updateShape({ id: shape.id, type: shape.type, props: { title: replace ? text : shape.props.title + text } } as never)
}

export function installBoardKeys(editor: Editor): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return
    if (editor.getIsReadonly()) return
    const editing = editor.getEditingShapeId()
    if (editing) {
      // A card just put in editing mode whose title field has not taken focus yet (it mounts on the next
      // render): the letters typed meanwhile belong to the title, not to tldraw's shortcuts.
      if (isNodeShape(editor.getShape(editing)) && isPrintable(e)) {
        e.preventDefault()
        e.stopPropagation()
        typeInto(editor, editing, e.key)
      }
      return
    }
    const node = selectedNode(editor)
    if (!node) return
    if (e.key === 'Tab' && !e.shiftKey) {
      e.preventDefault()
      e.stopPropagation()
      addChild(editor, node.id, undefined, { edit: true })
    } else if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault()
      e.stopPropagation()
      addSibling(editor, node.id, { edit: true })
    } else if (e.key === 'Enter' || e.key === 'F2') {
      e.preventDefault()
      e.stopPropagation()
      if (!node.isLocked) editor.setEditingShape(node.id)
    } else if (isPrintable(e) && !node.isLocked) {
      e.preventDefault()
      e.stopPropagation()
      // As in Miro and FigJam: typing on a selected card replaces its title (Ctrl+Z brings it back).
      editor.markHistoryStoppingPoint('type over title')
      typeInto(editor, node.id, e.key, true)
      editor.setEditingShape(node.id)
    }
  }
  window.addEventListener('keydown', onKeyDown, true)
  return () => window.removeEventListener('keydown', onKeyDown, true)
}
