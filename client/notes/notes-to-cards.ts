// Brainstorm, then structure: "Turn into cards…" makes tree cards of the selected sticky notes (tldraw's note
// shape) under a parent the person picks, in one undoable step, each card titled with its note's text
// (shared/notes-to-cards.ts), and removes the notes. Reached from the selection toolbar, the context menu and
// Shift+C; NotesToCards.tsx holds the button, the menu item and the dialog asking for the parent and the kind.

import { atom, renderPlaintextFromRichText } from '@tldraw/tldraw'
import type { Editor, TLNoteShape, TLShapeId, TLUiActionsContextType } from '@tldraw/tldraw'
import type { NodeKind } from '../../shared/model'
import { cardTextFromNote, readingOrder } from '../../shared/notes-to-cards'
import { allowedChildKinds } from '../../shared/rules'
import type { Tree, TreeNode } from '../../shared/tree'
import { showNotice } from '../ui/notice'
import { DEFAULT_CHILD_KIND, createNode, isNodeShape, relayout } from '../editor/actions'
import { VIEW_MARGIN } from '../editor/camera'
import { boardState } from '../editor/state'

export const NOTES_TO_CARDS_ACTION = 'ob-turn-notes-into-cards'
export const NOTES_TO_CARDS_KBD = 'shift+c'
export const NOTES_TO_CARDS_LABEL = 'Turn into cards…'

export interface NotesToCardsRequest {
  noteIds: TLShapeId[]
  /** The card selected together with the notes, offered as their parent. */
  parentId: string | null
}

/** The open "Turn into cards" question, read by NotesToCardsDialog. */
export const pendingNotesToCards = atom('pending notes to cards', null as NotesToCardsRequest | null)

/** The parent and kind chosen last time: the next batch of a brainstorm usually goes to the same place. */
export const lastChoice: { parentId: string | null; kind: NodeKind | null } = { parentId: null, kind: null }

function isNote(shape: unknown): shape is TLNoteShape {
  return (shape as { type?: unknown } | undefined)?.type === 'note'
}

/** The selected sticky notes (other selected shapes are left alone). */
export function selectedNoteIds(editor: Editor): TLShapeId[] {
  return editor.getSelectedShapes().filter(isNote).map((s) => s.id)
}

export interface ParentOption {
  id: string
  kind: NodeKind
  title: string
  depth: number
  /** The kinds a card under it may be (shared/rules.ts). */
  kinds: NodeKind[]
}

/** Every attached card that may take children, in tree order, with its depth for indenting. */
export function parentOptions(tree: Tree): ParentOption[] {
  const out: ParentOption[] = []
  const visit = (node: TreeNode, depth: number) => {
    const kinds = allowedChildKinds(node.kind)
    if (kinds.length) out.push({ id: node.id, kind: node.kind, title: node.props.title, depth, kinds })
    for (const child of node.children) visit(child, depth + 1)
  }
  for (const root of tree.roots) if (!root.detachedReason) visit(root, 0)
  return out
}

/** The kind offered first under a parent: the last one chosen when it fits, else the method's next step. */
export function defaultKind(option: ParentOption): NodeKind {
  if (lastChoice.kind && option.kinds.includes(lastChoice.kind)) return lastChoice.kind
  const next = DEFAULT_CHILD_KIND[option.kind]
  return next && option.kinds.includes(next) ? next : option.kinds[0]
}

/** Opens the dialog for the selected notes (or says why not). */
export function requestNotesToCards(editor: Editor): void {
  if (editor.getIsReadonly()) {
    showNotice('This is a read-only link: you can look, not edit.', 'warn')
    return
  }
  const noteIds = selectedNoteIds(editor)
  if (!noteIds.length) {
    showNotice('Select one or more sticky notes first, then turn them into cards.', 'info')
    return
  }
  if (!parentOptions(boardState(editor).tree.get()).length) {
    showNotice('Add an outcome first (+ Outcome): the cards need a parent in the tree.', 'warn')
    return
  }
  const cards = editor.getSelectedShapes().filter(isNodeShape)
  pendingNotesToCards.set({ noteIds, parentId: cards.length === 1 ? cards[0].id : null })
}

/** Creates one `kind` card per note under `parentId`, in the notes' reading order after the existing children,
 *  and deletes the notes: one undo step. Returns the new cards' ids, or null when nothing was done. */
export function turnNotesIntoCards(editor: Editor, noteIds: readonly string[], parentId: string, kind: NodeKind): TLShapeId[] | null {
  if (editor.getIsReadonly()) return null
  const parent = boardState(editor).tree.get().byId.get(parentId)
  if (!parent || !allowedChildKinds(parent.kind).includes(kind)) return null
  const notes = noteIds.map((id) => editor.getShape(id as TLShapeId)).filter(isNote)
  if (!notes.length) return null
  if (notes.some((n) => n.isLocked)) {
    showNotice('Some of these notes are locked: unlock them first.', 'warn')
    return null
  }
  const placed = notes.map((note) => {
    const bounds = editor.getShapePageBounds(note.id)
    return { note, x: bounds?.x ?? note.x, y: bounds?.y ?? note.y, h: bounds?.h ?? 200 }
  })
  const ordered = readingOrder(placed).map((p) => p.note)
  const created: TLShapeId[] = []
  // One history entry: undo brings the notes back and takes the cards away together.
  editor.markHistoryStoppingPoint('turn notes into cards')
  editor.run(() => {
    for (const note of ordered) {
      const text = cardTextFromNote(renderPlaintextFromRichText(editor, note.props.richText))
      const id = createNode(editor, kind, { parentId, title: text.title, props: { notes: text.notes }, select: false, layout: false })
      if (id) created.push(id)
    }
    if (created.length) {
      editor.deleteShapes(ordered.map((n) => n.id))
      editor.select(...created)
    }
  })
  if (!created.length) return null
  lastChoice.parentId = parentId
  lastChoice.kind = kind
  relayout(editor)
  showNewCards(editor, parentId, created)
  return created
}

/** How long the layout's animation (actions.relayout) takes, plus a frame or two. */
const LAYOUT_SETTLE_MS = 360

/** Once laid out, the new cards usually sit far from where their notes were: bring them and their parent into
 *  view (never zooming in past 100%) unless they are on screen already. */
function showNewCards(editor: Editor, parentId: string, ids: TLShapeId[]) {
  setTimeout(() => {
    const boxes = [parentId as TLShapeId, ...ids].map((id) => editor.getShapePageBounds(id)).filter((b) => !!b)
    if (boxes.length < 2) return // undone meanwhile
    const bounds = boxes.reduce((all, b) => all.union(b), boxes[0].clone())
    if (editor.getViewportPageBounds().contains(bounds)) return
    const viewport = editor.getViewportScreenBounds()
    const inset = Math.min(VIEW_MARGIN, viewport.w / 8, viewport.h / 8)
    editor.zoomToBounds(bounds, { inset, targetZoom: 1, animation: { duration: 240 } })
  }, LAYOUT_SETTLE_MS)
}

/** The tldraw UI action (context menu, Shift+C). */
export function addNotesToCardsAction(editor: Editor, actions: TLUiActionsContextType): void {
  actions[NOTES_TO_CARDS_ACTION] = {
    id: NOTES_TO_CARDS_ACTION,
    label: NOTES_TO_CARDS_LABEL,
    kbd: NOTES_TO_CARDS_KBD,
    onSelect() {
      requestNotesToCards(editor)
    },
  }
}
