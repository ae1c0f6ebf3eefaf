// The card every tree node is drawn as: a coloured kind header, the title (edited in place), and a row of
// the kind's key fields. One look tells the kind (colour + label + icon), the claim, and where it stands.

import { atom, react, useEditor, useSvgExportContext, useValue } from '@tldraw/tldraw'
import type { Atom, Editor, TLShapeId } from '@tldraw/tldraw'
import { useEffect, useLayoutEffect, useRef } from 'react'
import type { ReactNode } from 'react'
import type { NodeKind } from '../../shared/model'
import { addChild, addSibling } from '../editor/actions'
import { NO_HINTS, boardState } from '../editor/state'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'
import { BetMark, betRole } from './BetMark'
import { VoteBadge } from './VoteBadge'
import { FoldControl } from './FoldControl'

export interface CardContent {
  /** Field chips under the title. */
  fields: ReactNode
  /** Big number in the header (opportunity score, ICE). */
  score?: { label: string; value: number | null; strong?: boolean; title?: string }
}

export interface NodeCardProps {
  id: string
  kind: NodeKind
  title: string
  w: number
  h: number
  /** The kind's chips and score; only asked for when the card is drawn in full. */
  content: () => CardContent
}

/** Below this on-screen width a card's text cannot be read: draw its outline and colours only. */
const LOW_DETAIL_SCREEN_WIDTH = 60

type Detail = 'hidden' | 'low' | 'full'
type BetRole = 'bet' | 'path'

/** How much of a card to draw: a plain coloured card when it is too small to read; else nothing inside while
 *  tldraw culls it (off screen: it is display:none anyway), everything when on screen. A plain card stays as
 *  it is when culled: it is two elements either way, and a pan across a zoomed-out board then re-renders
 *  none of the cards crossing the screen's edge. */
function detailOf(editor: Editor, id: string, culled: ReadonlySet<TLShapeId>, zoom: number, editing: TLShapeId | null): Detail | null {
  // Read without following: the reactor below would otherwise depend on every card; a resize refreshes the
  // card's detail from the card (useCardLook).
  const shape = editor.store.unsafeGetWithoutCapture(id as TLShapeId) as { props: { w: number } } | undefined
  if (!shape) return null
  if (shape.props.w * zoom < LOW_DETAIL_SCREEN_WIDTH && editing !== id) return 'low'
  return culled.has(id as TLShapeId) ? 'hidden' : 'full'
}

const details = new WeakMap<Editor, Map<string, Atom<Detail>>>()

/** A card's detail as an atom of its own. One reactor per editor follows the camera (tldraw's culled set and
 *  zoom) for every card and sets a card's atom only when its detail changes: a pan or zoom frame is one
 *  subscription and one loop, and re-renders just the cards that cross the screen's edge or the threshold,
 *  where a subscription per card had the camera reach a thousand of them every frame. */
function detailAtom(editor: Editor, id: string, refresh = false): Atom<Detail> {
  let atoms = details.get(editor)
  if (!atoms) {
    const all = new Map<string, Atom<Detail>>()
    details.set(editor, (atoms = all))
    editor.disposables.add(
      react('card details', () => {
        const culled = editor.getCulledShapes()
        const zoom = editor.getEfficientZoomLevel()
        const editing = editor.getEditingShapeId()
        for (const [id, a] of all) {
          const detail = detailOf(editor, id, culled, zoom, editing)
          if (detail) a.set(detail)
          else all.delete(id) // the card is gone (an undo brings it back with a fresh atom)
        }
      }),
    )
  }
  const now = () => detailOf(editor, id, editor.getCulledShapes(), editor.getEfficientZoomLevel(), editor.getEditingShapeId()) ?? 'full'
  let a = atoms.get(id)
  if (!a) atoms.set(id, (a = atom(`card detail ${id}`, now())))
  else if (refresh) a.set(now())
  return a
}

/** Everything a card's outer look depends on, in one subscription (a string, so an unrelated change to the
 *  tree does not re-render the card): its detail (above), whether it is detached, and its part in the locked
 *  bet. On a big board zoomed out this keeps most cards to one element and one subscription. */
function useCardLook(id: string, w: number): { detail: Detail; detached: boolean; bet: BetRole | null } {
  const editor = useEditor()
  const detailNow = detailAtom(editor, id)
  const sized = useRef(w)
  useLayoutEffect(() => {
    if (sized.current === w) return
    sized.current = w
    detailAtom(editor, id, true) // resized: its threshold moved
  }, [editor, id, w])
  const look = useValue(
    'card look',
    () => {
      const detached = !!boardState(editor).tree.get().byId.get(id)?.detachedReason
      return `${detailNow.get()} ${detached ? 'detached' : '-'} ${betRole(id) ?? '-'}`
    },
    [editor, id, detailNow],
  )
  const [detail, detached, bet] = look.split(' ')
  return { detail: detail as Detail, detached: detached === 'detached', bet: bet === '-' ? null : (bet as BetRole) }
}

export function NodeCard(props: NodeCardProps) {
  const { id, kind, w, h, title } = props
  const look = useCardLook(id, w)
  // An export (PNG, SVG) draws every card in full, culled or tiny on screen or not, with its whole title.
  const exporting = useSvgExportContext() !== null
  const { detached, bet } = look
  const detail: Detail = exporting ? 'full' : look.detail
  if (detail === 'hidden') return <div className={`ob-card ob-card--${kind} ob-card--hidden`} style={{ width: w, height: h }} data-node-id={id} data-kind={kind} />
  return (
    <>
      {detail === 'low' ? (
        <div
          className={`ob-card ob-card--${kind} ob-card--low${detached ? ' ob-card--detached' : ''}`}
          style={{ width: w, height: h }}
          data-node-id={id}
          data-kind={kind}
          title={title}
        >
          <div className="ob-card__greek" aria-hidden />
        </div>
      ) : (
        <FullCard {...props} detached={detached} exporting={exporting} />
      )}
      {bet && <BetMark role={bet} />}
      {!exporting && <FoldControl id={id} low={detail === 'low'} />}
    </>
  )
}

/** The title's font size in an export, where it is drawn whole instead of clamped to three lines: the card's
 *  size is fixed (the picture's card is the canvas's), so a long title gets a smaller type until it fits the
 *  room between the header and the fields row. An estimate from the average glyph width, with a floor. */
export function exportTitleFont(title: string, w: number, h: number): { fontSize: number; lineHeight: string } {
  const room = Math.max(18, h - 70) // 6 px top border, 12 padding, 20 header, 20 fields, gaps
  const width = Math.max(40, w - 26)
  for (let size = 14; size > 7; size -= 0.5) {
    const line = size * 1.28
    const perLine = Math.max(1, Math.floor(width / (size * 0.56)))
    const lines = Math.ceil(title.length / perLine) + (title.length > perLine ? 1 : 0) // word wrap loses a bit
    if (lines * line <= room) return { fontSize: size, lineHeight: `${line}px` } // React keeps a bare number as a multiplier
  }
  return { fontSize: 7, lineHeight: '9px' }
}

function FullCard({ id, kind, title, w, h, content, detached, exporting }: NodeCardProps & { detached: boolean; exporting: boolean }) {
  const editor = useEditor()
  const editing = useValue('editing', () => editor.getEditingShapeId() === id, [editor, id])
  const isEditing = editing && !exporting
  const hints = useValue('hints', () => boardState(editor).hints.get().get(id) ?? NO_HINTS, [editor, id])
  const { fields, score } = content()
  const warn = hints.some((hint) => hint.severity === 'warn')

  return (
    <div
      className={`ob-card ob-card--${kind}${detached ? ' ob-card--detached' : ''}`}
      style={{ width: w, height: h }}
      data-node-id={id}
      data-kind={kind}
    >
      <div className="ob-card__head">
        <span className="ob-card__icon" aria-hidden>
          {KIND_ICON[kind]}
        </span>
        <span className="ob-card__kind">{KIND_LABEL[kind]}</span>
        {hints.length > 0 && (
          // Compact (a glyph, and a count when more than one) so the kind label keeps its room; the tooltip lists them.
          <span
            className={`ob-card__hint${warn ? ' ob-card__hint--warn' : ''}`}
            role="img"
            title={hints.map((hint) => hint.message).join('\n')}
            aria-label={warn ? `${hints.length} to fix` : `${hints.length} ${hints.length === 1 ? 'hint' : 'hints'}`}
            data-hints={hints.length}
          >
            <span className="ob-card__hint-glyph" aria-hidden>
              {warn ? '!' : 'i'}
            </span>
            {hints.length > 1 && <span className="ob-card__hint-count">{hints.length}</span>}
          </span>
        )}
        {score && score.value !== null && (
          <span className={`ob-card__score${score.strong ? ' ob-card__score--strong' : ''}`} title={score.title ?? score.label}>
            <small>{score.label}</small>&nbsp;{score.value}
          </span>
        )}
      </div>
      {isEditing ? (
        <TitleEditor id={id} kind={kind} title={title} />
      ) : exporting ? (
        <div className={`ob-card__title ob-card__title--whole${title ? '' : ' ob-card__title--empty'}`} style={exportTitleFont(title, w, h)}>
          {title || `Untitled ${KIND_LABEL[kind].toLowerCase()}`}
        </div>
      ) : (
        // Up to three lines, then an ellipsis; the whole title on hover.
        <div className={`ob-card__title${title ? '' : ' ob-card__title--empty'}`} title={title || undefined}>
          {title || `Untitled ${KIND_LABEL[kind].toLowerCase()}`}
        </div>
      )}
      <div className="ob-card__fields">{fields}</div>
      <VoteBadge id={id} />
    </div>
  )
}

function TitleEditor({ id, kind, title }: { id: string; kind: NodeKind; title: string }) {
  const editor = useEditor()
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    el.focus()
    el.setSelectionRange(el.value.length, el.value.length)
  }, [])
  const done = () => {
    if (editor.getEditingShapeId() === id) editor.setEditingShape(null)
  }
  return (
    <textarea
      ref={ref}
      className="ob-card__title-input"
      aria-label={`${KIND_LABEL[kind]} title`}
      value={title}
      placeholder={`Name this ${KIND_LABEL[kind].toLowerCase()}…`}
      onPointerDown={(e) => e.stopPropagation()}
      onChange={(e) =>
        editor.updateShape({ id: id as TLShapeId, type: kind, props: { title: e.currentTarget.value.replace(/\n/g, ' ') } })
      }
      onKeyDown={(e) => {
        e.stopPropagation()
        if (e.key === 'Escape') done()
        else if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault()
          done()
        } else if (e.key === 'Tab') {
          e.preventDefault()
          done()
          const next = e.shiftKey ? addSibling(editor, id, { edit: true }) : addChild(editor, id, undefined, { edit: true })
          if (!next) editor.select(id as TLShapeId)
        }
      }}
      onBlur={(e) => {
        // The canvas itself taking focus (the second click of the double-click that opened this field, a
        // click on the card) keeps the edit going; tldraw ends it on a click elsewhere on the canvas. Focus
        // going anywhere else (a panel, the top bar, another window) ends it.
        const to = e.relatedTarget as Element | null
        if (to?.closest('.tl-container') && !to.closest('.ob-card__title-input')) {
          requestAnimationFrame(() => {
            if (editor.getEditingShapeId() === id) ref.current?.focus()
          })
        } else done()
      }}
    />
  )
}

export function Chip({ children, tone, title }: { children: ReactNode; tone?: string; title?: string }) {
  return (
    <span className={`ob-chip${tone ? ` ob-chip--${tone}` : ''}`} title={title}>
      {children}
    </span>
  )
}
