// One outline row (a treeitem): its twisty, kind icon, title or rename field, score and hints. Memoised, it
// re-renders only when what it shows changes; what it does goes through the panel's one stable RowApi.

import { memo } from 'react'
import type { KeyboardEvent } from 'react'
import type { Hint } from '../../shared/hints'
import { nodeScore } from '../../shared/scoring'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'
import { sameRowNode } from './outline-rows'
import type { Row } from './outline-rows'
import { HintList } from './HintList'
import { RenameInput } from './RenameInput'

export interface RowApi {
  select(id: string): void
  toggle(id: string): void
  keyDown(e: KeyboardEvent, id: string): void
  rename(id: string, title: string | null): void
  startRename(id: string): void
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

export const OutlineRow = memo(
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
          <HintList hints={hints} className="ob-orow__hints" />
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
