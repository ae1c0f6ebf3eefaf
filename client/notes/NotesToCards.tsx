// "Turn into cards…" in the UI: the button above selected sticky notes, the context menu item, and the dialog
// asking which card the notes go under (a filterable list of the cards that take children, by title) and what
// kind of card they become (only the kinds the tree rules allow there). Dialog keys: type to filter, ↑/↓ to pick
// the parent, Tab to the kinds (arrows switch), Enter to turn, Esc to cancel.

import { DefaultContextMenu, DefaultContextMenuContent, TldrawUiMenuActionItem, TldrawUiMenuGroup, useEditor, useValue } from '@tldraw/tldraw'
import type { Editor, TLUiContextMenuProps } from '@tldraw/tldraw'
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import type { NodeKind } from '../../shared/model'
import { showNotice } from '../ui/notice'
import { boardState } from '../editor/state'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'
import {
  NOTES_TO_CARDS_ACTION,
  NOTES_TO_CARDS_LABEL,
  defaultKind,
  lastChoice,
  parentOptions,
  pendingNotesToCards,
  requestNotesToCards,
  selectedNoteIds,
  turnNotesIntoCards,
} from './notes-to-cards'
import type { NotesToCardsRequest, ParentOption } from './notes-to-cards'

/** Floats above the selection while it holds sticky notes (SelectionToolbar shows it when no card is the
 *  selection's only shape). */
export function NotesToCardsToolbar() {
  const editor = useEditor()
  const at = useValue(
    'notes toolbar',
    () => {
      if (editor.getIsReadonly() || editor.getEditingShapeId() || !editor.isIn('select.idle')) return null
      const count = selectedNoteIds(editor).length
      const bounds = count ? editor.getSelectionPageBounds() : null
      if (!bounds) return null
      const top = editor.pageToViewport({ x: bounds.midX, y: bounds.minY })
      return { x: top.x, y: top.y, count }
    },
    [editor],
  )
  if (!at) return null
  return (
    <div className="ob-seltools" style={{ left: at.x, top: at.y }} onPointerDown={(e) => e.stopPropagation()}>
      <button
        className="ob-seltools__btn"
        data-action="notes-to-cards"
        title={`Make ${at.count === 1 ? 'this sticky note a card' : `these ${at.count} sticky notes cards`} in the tree (Shift+C)`}
        onClick={() => requestNotesToCards(editor)}
      >
        ◆ {NOTES_TO_CARDS_LABEL}
      </button>
    </div>
  )
}

/** tldraw's context menu with "Turn into cards…" on top while sticky notes are selected. */
export function ContextMenuWithNotesToCards(props: TLUiContextMenuProps) {
  const editor = useEditor()
  const notes = useValue('context menu notes', () => !editor.getIsReadonly() && selectedNoteIds(editor).length > 0, [editor])
  return (
    <DefaultContextMenu {...props}>
      {notes && (
        <TldrawUiMenuGroup id="ob-notes-to-cards">
          <TldrawUiMenuActionItem actionId={NOTES_TO_CARDS_ACTION} />
        </TldrawUiMenuGroup>
      )}
      <DefaultContextMenuContent />
    </DefaultContextMenu>
  )
}

const plural = (label: string) => (label.endsWith('y') ? `${label.slice(0, -1)}ies` : `${label}s`)

export function NotesToCardsDialog({ editor }: { editor: Editor }) {
  const request = useValue('pending notes to cards', () => pendingNotesToCards.get(), [])
  return request ? <Dialog editor={editor} request={request} /> : null
}

const optionLabel = (o: ParentOption) => o.title.trim() || `Untitled ${KIND_LABEL[o.kind].toLowerCase()}`

function Dialog({ editor, request }: { editor: Editor; request: NotesToCardsRequest }) {
  const uid = useId()
  const options = useValue('notes-to-cards parents', () => parentOptions(boardState(editor).tree.get()), [editor])
  const noteCount = useValue('notes-to-cards notes', () => request.noteIds.filter((id) => editor.getShape(id)).length, [editor, request])
  const [filter, setFilter] = useState('')
  const [parentId, setParentId] = useState<string | null>(() => {
    const preferred = [request.parentId, lastChoice.parentId].find((id) => id && options.some((o) => o.id === id))
    return preferred ?? options[0]?.id ?? null
  })
  const [kind, setKind] = useState<NodeKind | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const list = useRef<HTMLUListElement>(null)

  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
    return words.length ? options.filter((o) => words.every((w) => optionLabel(o).toLowerCase().includes(w))) : options
  }, [options, filter])
  const parent = shown.find((o) => o.id === parentId) ?? null
  const chosenKind = parent && kind && parent.kinds.includes(kind) ? kind : parent ? defaultKind(parent) : null

  useEffect(() => input.current?.focus(), [])
  useEffect(() => {
    list.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' })
  }, [parentId])

  const close = () => {
    pendingNotesToCards.set(null)
    editor.focus()
  }
  const submit = () => {
    if (!parent || !chosenKind) return
    const created = turnNotesIntoCards(editor, request.noteIds, parent.id, chosenKind)
    if (!created) {
      showNotice('Those notes are gone: someone may have removed them meanwhile.', 'warn')
      return close()
    }
    close()
    showNotice(`${created.length} ${created.length === 1 ? 'card' : 'cards'} added under “${optionLabel(parent)}”. Ctrl+Z brings the notes back.`)
  }
  const move = (delta: number) => {
    if (!shown.length) return
    const at = shown.findIndex((o) => o.id === parentId)
    const next = at < 0 ? (delta > 0 ? 0 : shown.length - 1) : Math.min(shown.length - 1, Math.max(0, at + delta))
    setParentId(shown[next].id)
  }
  const onFilter = (value: string) => {
    setFilter(value)
    const words = value.toLowerCase().split(/\s+/).filter(Boolean)
    const match = (o: ParentOption) => words.every((w) => optionLabel(o).toLowerCase().includes(w))
    if (!options.some((o) => o.id === parentId && match(o))) setParentId(options.find(match)?.id ?? null)
  }

  const listId = `${uid}-parents`
  const optionId = (id: string) => `${uid}-${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`
  const notes = `${noteCount} sticky ${noteCount === 1 ? 'note' : 'notes'}`

  return (
    <div
      className="ob-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          close()
        }
      }}
      onPointerDown={(e) => e.target === e.currentTarget && close()}
    >
      <form
        className="ob-dialog ob-dialog--notes2cards"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${uid}-title`}
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <h2 id={`${uid}-title`}>Turn {notes} into cards</h2>
        <p className="ob-muted">Each note becomes a card titled with its text, under the card you pick; the notes are removed.</p>
        <label className="ob-field">
          <span>Under which card?</span>
          <input
            ref={input}
            name="parent-filter"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={parent ? optionId(parent.id) : undefined}
            placeholder="Type to find a card"
            autoComplete="off"
            value={filter}
            onChange={(e) => onFilter(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault()
                move(e.key === 'ArrowDown' ? 1 : -1)
              } else if (e.key === 'PageDown' || e.key === 'PageUp') {
                e.preventDefault()
                move(e.key === 'PageDown' ? 8 : -8)
              }
            }}
          />
        </label>
        <ul ref={list} id={listId} role="listbox" aria-label="Parent card" className="ob-n2c__list">
          {shown.map((o) => (
            <li
              key={o.id}
              id={optionId(o.id)}
              role="option"
              aria-selected={o.id === parent?.id}
              data-id={o.id}
              className={`ob-n2c__option ob-n2c__option--${o.kind}`}
              style={{ paddingLeft: 10 + Math.min(o.depth, 8) * 14 }}
              onPointerDown={(e) => e.preventDefault()}
              onClick={() => {
                setParentId(o.id)
                input.current?.focus()
              }}
              onDoubleClick={submit}
            >
              <span aria-hidden>{KIND_ICON[o.kind]}</span> <span className="ob-n2c__kind">{KIND_LABEL[o.kind]}:</span> {optionLabel(o)}
            </li>
          ))}
          {!shown.length && <li className="ob-muted ob-n2c__none">No card matches “{filter}”.</li>}
        </ul>
        <fieldset className="ob-n2c__kinds" disabled={!parent}>
          <legend>They become</legend>
          {(parent?.kinds ?? []).map((k) => (
            <label key={k} className={`ob-n2c__kindopt ob-n2c__kindopt--${k}`}>
              <input type="radio" name="kind" value={k} checked={k === chosenKind} onChange={() => setKind(k)} /> {KIND_ICON[k]} {noteCount === 1 ? KIND_LABEL[k] : plural(KIND_LABEL[k])}
            </label>
          ))}
        </fieldset>
        <div className="ob-dialog__actions">
          <button type="button" className="ob-btn ob-btn--ghost" onClick={close} data-action="cancel">
            Cancel
          </button>
          <button type="submit" className="ob-btn ob-btn--primary" disabled={!parent || !chosenKind || !noteCount} data-action="turn">
            Turn into {noteCount === 1 ? 'a card' : `${noteCount} cards`}
          </button>
        </div>
      </form>
    </div>
  )
}
