// Which outline row has the keyboard focus, as a hook: moving to a row pans the canvas to its card and
// focuses the row, drawing it first when it is outside the window; a selection made on the canvas scrolls into view.

import type { Editor } from '@tldraw/tldraw'
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { focusNode } from '../editor/actions'

export function useRowFocus(editor: Editor, selectedId: string | null) {
  const [focusTarget, setFocusTarget] = useState<{ id: string } | null>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const rowElement = (id: string) => listRef.current?.querySelector(`[data-id="${CSS.escape(id)}"]`) as HTMLElement | null

  // Keep the focused row in view when the selection changes on the canvas.
  useEffect(() => {
    if (!selectedId) return
    rowElement(selectedId)?.scrollIntoView({ block: 'nearest' })
  }, [selectedId])

  // Focus a row once it is drawn (it is pinned while it is the target).
  useLayoutEffect(() => {
    if (!focusTarget) return
    rowElement(focusTarget.id)?.focus()
  }, [focusTarget])

  /** A click zooms the canvas to the card; moving through the list with the keys only pans to it. */
  const focusRow = (id: string, zoom = false) => {
    focusNode(editor, id, { zoom })
    // Drawn already (the usual case): focus it now, so a key pressed right after (↓ then Enter, typed fast)
    // reaches this row rather than the one before. Otherwise pin it so it is drawn, then focus it.
    const el = rowElement(id)
    if (el) el.focus()
    else setFocusTarget({ id })
  }

  return { listRef, focusTarget, focusRow }
}
