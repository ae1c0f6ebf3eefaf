// The fold control on a card with children, at the middle of its bottom edge where its connectors start:
// a folded card shows how many cards its fold hides ("+12") and unfolds on a click; an open one shows a
// small "−" on hover or selection that folds it. Folds are this person's view only (editor/fold.ts).

import { useEditor, useValue } from '@tldraw/tldraw'
import { boardState } from '../editor/state'
import { foldOf } from '../editor/fold'

export function FoldControl({ id, low = false }: { id: string; low?: boolean }) {
  const editor = useEditor()
  // One string per card, so the card re-renders only when its own fold changes.
  const look = useValue(
    'fold look',
    () => {
      const fold = foldOf(editor)
      if (!fold) return ''
      const count = fold.hiddenCount.get().get(id)
      if (count !== undefined) return `folded ${count}`
      return boardState(editor).tree.get().byId.get(id)?.children.length ? 'open' : ''
    },
    [editor, id],
  )
  if (!look || (low && look === 'open')) return null
  const folded = look.startsWith('folded')
  const count = folded ? Number(look.split(' ')[1]) : 0
  const label = folded ? `Unfold: show ${count} hidden ${count === 1 ? 'card' : 'cards'}` : 'Fold: hide the cards under this one (your view only)'
  return (
    <button
      type="button"
      className={`ob-fold ${folded ? 'ob-fold--folded' : 'ob-fold--open'}${low ? ' ob-fold--low' : ''}`}
      data-fold={folded ? 'folded' : 'open'}
      data-hidden-count={folded ? count : undefined}
      title={`${label} · ${navigator.platform.startsWith('Mac') ? '⌘⌥[ / ⌘⌥]' : 'Ctrl+Alt+[ / Ctrl+Alt+]'}`}
      aria-label={label}
      onPointerDown={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation()
        const fold = foldOf(editor)
        if (folded) fold?.unfold([id])
        else fold?.fold([id])
      }}
    >
      {folded ? `+${count}` : '−'}
    </button>
  )
}
