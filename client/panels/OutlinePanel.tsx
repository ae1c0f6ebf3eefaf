// The tree as a list, kept in sync with the canvas both ways: selecting a row selects the card (and the other
// way round), renaming here renames there. Keyboard: ↑/↓ move, ←/→ collapse/expand or go to parent/child,
// Enter renames, Tab adds a child, Shift+Enter adds a sibling, Alt+↑/↓ reorders, Delete deletes.

import { useValue } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { Hint } from '../../shared/hints'
import type { TreeNode } from '../../shared/tree'
import { nodeScore } from '../../shared/scoring'
import { addChild, addSibling, focusNode, moveAmongSiblings, requestDelete, updateNodeProps } from '../editor/actions'
import { NO_HINTS, boardState, collapsed } from '../editor/state'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'

interface Row {
  node: TreeNode
  depth: number
  hasChildren: boolean
}

function visibleRows(roots: TreeNode[], closed: Set<string>): Row[] {
  const rows: Row[] = []
  const visit = (node: TreeNode, depth: number) => {
    rows.push({ node, depth, hasChildren: node.children.length > 0 })
    if (!closed.has(node.id)) for (const child of node.children) visit(child, depth + 1)
  }
  for (const root of roots) visit(root, 0)
  return rows
}

/** Rows are drawn only near the visible part of the list (plus the selected, focused and renamed ones), at
 *  measured offsets: a 1,000-node tree costs a few dozen rows, not thousands of elements. */
const ROW_HEIGHT = 32
const HINT_HEIGHT = 44
const OVERSCAN_PX = 600

interface RowApi {
  select(id: string): void
  toggle(id: string): void
  keyDown(e: React.KeyboardEvent, id: string): void
  rename(id: string, title: string | null): void
  startRename(id: string): void
}

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
  const [focusTarget, setFocusTarget] = useState<{ id: string } | null>(null)
  const [view, setView] = useState({ top: 0, height: 800 })
  const [, setMeasured] = useState(0)
  const scrollRef = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const heights = useRef(new Map<string, number>())
  const rows = useMemo(() => visibleRows(tree.roots, closed), [tree, closed])
  const activeId = selectedId ?? rows[0]?.node.id ?? null

  // Offsets from measured heights (an estimate for rows never drawn).
  const offsets = new Array<number>(rows.length + 1)
  offsets[0] = 0
  for (let i = 0; i < rows.length; i++) {
    const { node } = rows[i]
    const shown = showAllHints || node.id === selectedId
    const estimate = ROW_HEIGHT + (shown ? (hints.get(node.id)?.length ?? 0) * HINT_HEIGHT : 0)
    offsets[i + 1] = offsets[i] + (heights.current.get(node.id) ?? estimate)
  }
  const firstAt = (y: number) => {
    let lo = 0
    let hi = rows.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (offsets[mid + 1] <= y) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const from = firstAt(view.top - OVERSCAN_PX)
  const to = Math.min(rows.length, firstAt(view.top + view.height + OVERSCAN_PX) + 1)
  const pinned = new Set([selectedId, activeId, renaming, focusTarget?.id].filter((id): id is string => !!id))
  const drawn: number[] = []
  for (let i = 0; i < rows.length; i++) if ((i >= from && i < to) || pinned.has(rows[i].node.id)) drawn.push(i)

  // Track the scroll position and the list's height.
  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    let frame = 0
    const update = () => {
      frame = 0
      setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }))
    }
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update)
    }
    update()
    el.addEventListener('scroll', onScroll, { passive: true })
    const resize = new ResizeObserver(onScroll)
    resize.observe(el)
    return () => {
      el.removeEventListener('scroll', onScroll)
      resize.disconnect()
      cancelAnimationFrame(frame)
    }
  }, [rows.length === 0])

  // Measure the drawn rows as the browser lays them out (a ResizeObserver never forces a layout); a changed
  // height moves the rows below it.
  const observer = useRef<ResizeObserver | null>(null)
  useEffect(() => () => observer.current?.disconnect(), [])
  const observe = useCallback((el: HTMLLIElement | null) => {
    if (!el) return
    observer.current ??= new ResizeObserver((entries) => {
      let changed = false
      for (const entry of entries) {
        const id = (entry.target as HTMLElement).dataset.id
        const h = entry.borderBoxSize?.[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight
        if (!id || !h) continue
        if (heights.current.get(id) !== h) {
          heights.current.set(id, h)
          changed = true
        }
      }
      if (changed) setMeasured((n) => n + 1)
    })
    const ro = observer.current
    ro.observe(el)
    return () => ro.unobserve(el)
  }, [])

  // Keep the focused row in view when the selection changes on the canvas.
  useEffect(() => {
    if (!selectedId) return
    listRef.current?.querySelector(`[data-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [selectedId])

  // Focus a row once it is drawn (it is pinned while it is the target).
  useLayoutEffect(() => {
    if (!focusTarget) return
    const el = listRef.current?.querySelector(`[data-id="${CSS.escape(focusTarget.id)}"]`) as HTMLElement | null
    el?.focus()
  }, [focusTarget])

  /** A click zooms the canvas to the card; moving through the list with the keys only pans to it. */
  const focusRow = (id: string, zoom = false) => {
    focusNode(editor, id, { zoom })
    // Drawn already (the usual case): focus it now, so a key pressed right after (↓ then Enter, typed fast)
    // reaches this row rather than the one before. Otherwise pin it so it is drawn, then focus it.
    const el = listRef.current?.querySelector(`[data-id="${CSS.escape(id)}"]`) as HTMLElement | null
    if (el) el.focus()
    else setFocusTarget({ id })
  }
  const toggle = (id: string, open?: boolean) => {
    const next = new Set(collapsed.get())
    const isOpen = !next.has(id)
    if (open ?? !isOpen) next.delete(id)
    else next.add(id)
    collapsed.set(next)
  }

  const onKeyDown = (e: React.KeyboardEvent, row: Row, index: number) => {
    if (renaming) return
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

  // Rows get one stable handle (memoised rows only re-render when what they show changes).
  const latest = { rows, onKeyDown, focusRow, toggle, readonly }
  const latestRef = useRef(latest)
  latestRef.current = latest
  const api = useMemo<RowApi>(
    () => ({
      select: (id) => latestRef.current.focusRow(id, true),
      toggle: (id) => latestRef.current.toggle(id),
      keyDown: (e, id) => {
        const { rows } = latestRef.current
        const index = rows.findIndex((r) => r.node.id === id)
        if (index >= 0) latestRef.current.onKeyDown(e, rows[index], index)
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
                  measure={observe}
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

interface OutlineRowProps {
  row: Row
  top: number
  hints: readonly Hint[]
  selected: boolean
  tabbable: boolean
  open: boolean
  showHints: boolean
  renaming: boolean
  api: RowApi
  measure: (el: HTMLLIElement | null) => (() => void) | undefined
}

function sameRowNode(a: Row, b: Row): boolean {
  if (a === b) return true
  if (a.depth !== b.depth || a.hasChildren !== b.hasChildren) return false
  const x = a.node
  const y = b.node
  if (x.id !== y.id || x.kind !== y.kind || x.detachedReason !== y.detachedReason || x.parentId !== y.parentId) return false
  const px = x.props as unknown as Record<string, unknown>
  const py = y.props as unknown as Record<string, unknown>
  const keys = Object.keys(px)
  if (keys.length !== Object.keys(py).length) return false
  for (const key of keys) {
    const u = px[key]
    const v = py[key]
    if (u === v) continue
    if (Array.isArray(u) && Array.isArray(v) && u.length === v.length && u.every((item, i) => item === v[i])) continue
    return false
  }
  return true
}

const OutlineRow = memo(
  function OutlineRow(props: OutlineRowProps) {
    const { row, hints, selected, api } = props
    const { node } = row
    const score = nodeScore(node)
    const title = node.props.title || `Untitled ${KIND_LABEL[node.kind].toLowerCase()}`
    return (
      <li
        ref={props.measure}
        role="treeitem"
        aria-selected={selected}
        aria-expanded={row.hasChildren ? props.open : undefined}
        aria-level={row.depth + 1}
        tabIndex={props.tabbable ? 0 : -1}
        data-id={node.id}
        data-kind={node.kind}
        className={`ob-orow ob-orow--${node.kind}${selected ? ' is-selected' : ''}${node.detachedReason ? ' is-detached' : ''}`}
        style={{ top: props.top, paddingLeft: 8 + row.depth * 16 }}
        onClick={(e) => {
          e.stopPropagation()
          api.select(node.id)
        }}
        onDoubleClick={() => api.startRename(node.id)}
        onKeyDown={(e) => api.keyDown(e, node.id)}
      >
        <div className="ob-orow__line">
          <button
            className="ob-orow__twisty"
            tabIndex={-1}
            aria-hidden
            style={{ visibility: row.hasChildren ? 'visible' : 'hidden' }}
            onClick={(e) => {
              e.stopPropagation()
              api.toggle(node.id)
            }}
          >
            {props.open ? '▾' : '▸'}
          </button>
          <span className="ob-orow__icon" aria-hidden>
            {KIND_ICON[node.kind]}
          </span>
          {props.renaming ? (
            <RenameInput initial={node.props.title} onDone={(title) => api.rename(node.id, title)} />
          ) : (
            <span className={`ob-orow__title${node.props.title ? '' : ' is-empty'}`}>
              {/* The row's name is its content (no aria-label that could differ from what is shown). */}
              <span className="ob-visually-hidden">{KIND_LABEL[node.kind]}: </span>
              {title}
            </span>
          )}
          {score !== null && <span className="ob-orow__score">{score}</span>}
          {hints.length > 0 && (
            <span className={`ob-orow__hint${hints.some((h) => h.severity === 'warn') ? ' is-warn' : ''}`} title={hints.map((h) => h.message).join('\n')}>
              {hints.length}
            </span>
          )}
        </div>
        {props.showHints && hints.length > 0 && (
          <ul className="ob-orow__hints">
            {hints.map((hint) => (
              <li key={hint.code} className={`ob-hint ob-hint--${hint.severity}`} data-hint={hint.code}>
                {hint.message}
              </li>
            ))}
          </ul>
        )}
      </li>
    )
  },
  (a, b) =>
    a.top === b.top &&
    a.hints === b.hints &&
    a.selected === b.selected &&
    a.tabbable === b.tabbable &&
    a.open === b.open &&
    a.showHints === b.showHints &&
    a.renaming === b.renaming &&
    a.api === b.api &&
    a.measure === b.measure &&
    sameRowNode(a.row, b.row),
)

function RenameInput({ initial, onDone }: { initial: string; onDone: (title: string | null) => void }) {
  const [value, setValue] = useState(initial)
  const done = useRef(false)
  const finish = (title: string | null) => {
    if (done.current) return
    done.current = true
    onDone(title)
  }
  return (
    <input
      className="ob-orow__input"
      autoFocus
      value={value}
      aria-label="Title"
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation()
        if (e.key === 'Enter') finish(value)
        if (e.key === 'Escape') finish(null)
      }}
      onBlur={() => finish(value)}
    />
  )
}

export type { TLShapeId }
