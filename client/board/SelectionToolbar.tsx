// Buttons floating above the selected tree node: add a child of each allowed kind, add a sibling, delete.
// The same actions as Tab / Enter / Delete on the keyboard. Above selected sticky notes: "Turn into cards…".

import { useEditor, useValue } from '@tldraw/tldraw'
import { allowedChildKinds } from '../../shared/rules'
import { addChild, addSibling, requestDelete, selectedNode } from '../editor/actions'
import { betPathIds } from '../editor/bet'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'
import { NotesToCardsToolbar } from '../notes/NotesToCards'

/** How far the bet mark's tab reaches above a card, in page units (styles.css .ob-betmark__tab: inset -4px,
 *  3px gap, 22px tall), plus a little air. */
const BET_TAB_HEIGHT = 33

export function SelectionToolbar() {
  const editor = useEditor()
  const info = useValue(
    'selection toolbar',
    () => {
      if (editor.getIsReadonly() || editor.getEditingShapeId()) return null
      if (!editor.isIn('select.idle')) return null
      const node = selectedNode(editor)
      if (!node) return null
      const bounds = editor.getShapePageBounds(node.id)
      if (!bounds) return null
      const top = editor.pageToViewport({ x: bounds.midX, y: bounds.minY })
      // A card on the locked bet's path wears a tab above its top edge ("★ The bet"): sit above the tab.
      const lift = betPathIds.get().has(node.id) ? BET_TAB_HEIGHT * editor.getZoomLevel() : 0
      return { id: node.id, kind: node.type, x: top.x, y: top.y - lift }
    },
    [editor],
  )
  // Sticky notes selected instead: offer to turn them into cards.
  if (!info) return <NotesToCardsToolbar />
  const childKinds = allowedChildKinds(info.kind)
  return (
    <div className="ob-seltools" style={{ left: info.x, top: info.y }} onPointerDown={(e) => e.stopPropagation()}>
      {childKinds.map((kind) => (
        <button
          key={kind}
          className={`ob-seltools__btn ob-seltools__btn--${kind}`}
          title={`Add ${KIND_LABEL[kind].toLowerCase()} below${kind === childKinds[childKinds.length - 1] ? ' (Tab)' : ''}`}
          onClick={() => addChild(editor, info.id, kind, { edit: true })}
        >
          + {KIND_ICON[kind]} {KIND_LABEL[kind]}
        </button>
      ))}
      <button className="ob-seltools__btn" title="Add a sibling next to it (Shift+Enter)" onClick={() => addSibling(editor, info.id, { edit: true })}>
        + Sibling
      </button>
      <button className="ob-seltools__btn ob-seltools__btn--danger" title="Delete (Del)" onClick={() => requestDelete(editor, [info.id])}>
        Delete
      </button>
    </div>
  )
}
