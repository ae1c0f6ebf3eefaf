// The tree as a list, kept in sync with the canvas both ways: selecting a row selects the card (and the other
// way round), renaming here renames there. The keys are in outline-keys.ts; only rows near the view are drawn.

import { useValue } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { useMemo, useRef, useState } from 'react'
import { updateNodeProps } from '../editor/actions'
import { NO_HINTS, boardState, collapsed } from '../editor/state'
import { outlineKeyDown } from './outline-keys'
import { visibleRows } from './outline-rows'
import { estimatedHeight, windowRows } from './outline-window'
import { OutlineRow } from './OutlineRow'
import type { RowApi } from './OutlineRow'
import { useOutlineWindow } from './use-outline-window'
import { useRowFocus } from './use-row-focus'

export function OutlinePanel({ editor }: { editor: Editor }) {
  const tree = useValue('tree', () => boardState(editor).tree.get(), [editor])
  const hints = useValue('hints', () => boardState(editor).hints.get(), [editor])
  const closed = useValue('collapsed', () => collapsed.get(), [])
  const selectedId = useValue(
    'selected node',
    () => {
      const ids = editor.getSelectedShapeIds()
      return ids.length === 1 && tree.byId.has(ids[0]) ? ids[0] : null
    },
    [editor, tree],
  )
  const readonly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const [renaming, setRenaming] = useState<string | null>(null)
  const [showAllHints, setShowAllHints] = useState(false)
  const rows = useMemo(() => visibleRows(tree.roots, closed), [tree, closed])
  const activeId = selectedId ?? rows[0]?.node.id ?? null

  const { scrollRef, view, offsets, measure } = useOutlineWindow(rows, ({ node }) =>
    estimatedHeight(showAllHints || node.id === selectedId ? (hints.get(node.id)?.length ?? 0) : 0),
  )
  const { listRef, focusTarget, focusRow } = useRowFocus(editor, selectedId)
  const pinned = new Set([selectedId, activeId, renaming, focusTarget?.id].filter((id): id is string => !!id))
  const drawn = windowRows(offsets, view, (i) => pinned.has(rows[i].node.id))

  const toggle = (id: string, open?: boolean) => {
    const next = new Set(collapsed.get())
    const isOpen = !next.has(id)
    if (open ?? !isOpen) next.delete(id)
    else next.add(id)
    collapsed.set(next)
  }

  // Rows get one stable handle (memoised rows only re-render when what they show changes).
  const latest = { editor, rows, closed, readonly, renaming, focusRow, toggle, setRenaming }
  const latestRef = useRef(latest)
  latestRef.current = latest
  const api = useMemo<RowApi>(
    () => ({
      select: (id) => latestRef.current.focusRow(id, true),
      toggle: (id) => latestRef.current.toggle(id),
      keyDown: (e, id) => {
        const index = latestRef.current.rows.findIndex((r) => r.node.id === id)
        if (index >= 0) outlineKeyDown(e, index, latestRef.current)
      },
      rename: (id, title) => {
        if (title !== null) updateNodeProps(editor, id, { title })
        setRenaming(null)
        latestRef.current.focusRow(id)
      },
      startRename: (id) => !latestRef.current.readonly && setRenaming(id),
    }),
    [editor],
  )

  return (
    <aside className="ob-outline" aria-label="Tree outline">
      <div className="ob-outline__head">
        <h2>Outline</h2>
        <label className="ob-small ob-muted ob-toggle">
          <input type="checkbox" checked={showAllHints} onChange={(e) => setShowAllHints(e.target.checked)} /> all hints
        </label>
      </div>
      {rows.length === 0 ? (
        <p className="ob-muted ob-outline__empty">
          No tree yet. {readonly ? '' : 'Start with “+ Outcome” in the top bar: the metric your team wants to move.'}
        </p>
      ) : (
        <div className="ob-outline__scroll" ref={scrollRef}>
          <ul className="ob-outline__list" role="tree" ref={listRef} style={{ height: offsets[rows.length] }}>
            {drawn.map((index) => {
              const row = rows[index]
              const id = row.node.id
              return (
                <OutlineRow
                  key={id}
                  row={row}
                  top={offsets[index]}
                  hints={hints.get(id) ?? NO_HINTS}
                  selected={id === selectedId}
                  tabbable={id === activeId}
                  open={!closed.has(id)}
                  showHints={showAllHints || id === selectedId}
                  renaming={renaming === id}
                  api={api}
                  measure={measure}
                />
              )
            })}
          </ul>
        </div>
      )}
      <p className="ob-outline__help ob-small ob-muted">↑↓ move · ←→ fold · Enter rename · Tab add child · Shift+Enter sibling · Alt+↑↓ reorder</p>
    </aside>
  )
}

export type { TLShapeId }
