// The tree as a list, kept in sync with the canvas both ways: selecting a row selects the card (and the other
// way round), renaming here renames there. Keyboard: ↑/↓ move, ←/→ collapse/expand or go to parent/child,
// Enter renames, Tab adds a child, Shift+Enter adds a sibling, Alt+↑/↓ reorders, Delete deletes.

import { useValue } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { useEffect, useRef, useState } from 'react'
import type { Hint } from '../../shared/hints'
import type { TreeNode } from '../../shared/tree'
import { nodeScore } from '../../shared/scoring'
import { KIND_LABEL, addChild, addSibling, focusNode, moveAmongSiblings, requestDelete, updateNodeProps } from '../board/actions'
import { boardState, collapsed } from '../board/state'
import { KIND_ICON } from '../shapes/NodeCard'

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
  const listRef = useRef<HTMLUListElement>(null)
  const rows = visibleRows(tree.roots, closed)
  const activeId = selectedId ?? rows[0]?.node.id ?? null

  // Keep the focused row in view when the selection changes on the canvas.
  useEffect(() => {
    if (!selectedId) return
    listRef.current?.querySelector(`[data-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [selectedId])

  const focusRow = (id: string) => {
    focusNode(editor, id)
    requestAnimationFrame(() => (listRef.current?.querySelector(`[data-id="${CSS.escape(id)}"]`) as HTMLElement | null)?.focus())
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
        <ul className="ob-outline__list" role="tree" ref={listRef}>
          {rows.map((row, index) => (
            <OutlineRow
              key={row.node.id}
              row={row}
              hints={hints.get(row.node.id) ?? []}
              selected={row.node.id === selectedId}
              tabbable={row.node.id === activeId}
              open={!closed.has(row.node.id)}
              showHints={showAllHints || row.node.id === selectedId}
              renaming={renaming === row.node.id}
              onSelect={() => focusRow(row.node.id)}
              onToggle={() => toggle(row.node.id)}
              onKeyDown={(e) => onKeyDown(e, row, index)}
              onRename={(title) => {
                if (title !== null) updateNodeProps(editor, row.node.id, { title })
                setRenaming(null)
                focusRow(row.node.id)
              }}
              onStartRename={() => !readonly && setRenaming(row.node.id)}
            />
          ))}
        </ul>
      )}
      <p className="ob-outline__help ob-small ob-muted">↑↓ move · ←→ fold · Enter rename · Tab add child · Shift+Enter sibling · Alt+↑↓ reorder</p>
    </aside>
  )
}

function OutlineRow(props: {
  row: Row
  hints: Hint[]
  selected: boolean
  tabbable: boolean
  open: boolean
  showHints: boolean
  renaming: boolean
  onSelect: () => void
  onToggle: () => void
  onKeyDown: (e: React.KeyboardEvent) => void
  onRename: (title: string | null) => void
  onStartRename: () => void
}) {
  const { row, hints, selected } = props
  const { node } = row
  const score = nodeScore(node)
  const title = node.props.title || `Untitled ${KIND_LABEL[node.kind].toLowerCase()}`
  return (
    <li
      role="treeitem"
      aria-selected={selected}
      aria-expanded={row.hasChildren ? props.open : undefined}
      aria-level={row.depth + 1}
      aria-label={`${KIND_LABEL[node.kind]}: ${title}`}
      tabIndex={props.tabbable ? 0 : -1}
      data-id={node.id}
      data-kind={node.kind}
      className={`ob-orow ob-orow--${node.kind}${selected ? ' is-selected' : ''}${node.detachedReason ? ' is-detached' : ''}`}
      style={{ paddingLeft: 8 + row.depth * 16 }}
      onClick={(e) => {
        e.stopPropagation()
        props.onSelect()
      }}
      onDoubleClick={props.onStartRename}
      onKeyDown={props.onKeyDown}
    >
      <div className="ob-orow__line">
        <button
          className="ob-orow__twisty"
          tabIndex={-1}
          aria-hidden
          style={{ visibility: row.hasChildren ? 'visible' : 'hidden' }}
          onClick={(e) => {
            e.stopPropagation()
            props.onToggle()
          }}
        >
          {props.open ? '▾' : '▸'}
        </button>
        <span className="ob-orow__icon" aria-hidden>
          {KIND_ICON[node.kind]}
        </span>
        {props.renaming ? (
          <RenameInput initial={node.props.title} onDone={props.onRename} />
        ) : (
          <span className={`ob-orow__title${node.props.title ? '' : ' is-empty'}`}>{title}</span>
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
}

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
