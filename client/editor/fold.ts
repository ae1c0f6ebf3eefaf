// Folding a subtree on the canvas: each person's own view. Which cards are folded is kept in this browser
// (localStorage, per board), never in the shared document, so folding a branch hides it for you only. A
// folded card's descendants (cards and connectors) are hidden through tldraw's getShapeVisibility; the
// layout is the board's and does not change (the folded branch's place stays free). Selecting a hidden card
// on its own (the outline, a hint link, a card just added under a folded one) unfolds its ancestors;
// a selection of several (select all) just leaves the hidden ones out.
// Keys, with cards selected: Ctrl+Alt+[ folds, Ctrl+Alt+] unfolds (⌘⌥[ and ⌘⌥] on a Mac).

import { atom, computed, react } from '@tldraw/tldraw'
import type { Atom, Computed, Editor, TLShape } from '@tldraw/tldraw'
import type { Tree, TreeNode } from '../../shared/tree'
import { boardState } from './state'

export interface FoldState {
  /** Ids of the cards this person folded (some may be gone from the tree). */
  folded: Atom<ReadonlySet<string>>
  /** Ids of the cards hidden because an ancestor is folded. */
  hidden: Computed<ReadonlySet<string>>
  /** For each folded card that is itself shown: how many cards its fold hides. */
  hiddenCount: Computed<ReadonlyMap<string, number>>
  visibility(shape: TLShape, editor: Editor): 'hidden' | 'inherit'
  /** Binds the computeds to the editor (done on tldraw's first visibility question otherwise). */
  attach(editor: Editor): void
  fold(ids: string[]): void
  unfold(ids: string[]): void
  /** Unfolds every folded ancestor of a card, so it shows. */
  reveal(id: string): void
}

const storageKey = (boardId: string) => `ob:folded:${boardId}`

function load(boardId: string): Set<string> {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey(boardId)) ?? '[]')
    return new Set(Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [])
  } catch {
    return new Set()
  }
}

function descendants(node: TreeNode, into: (n: TreeNode) => void) {
  const walk = [...node.children]
  while (walk.length) {
    const n = walk.pop()!
    into(n)
    walk.push(...n.children)
  }
}

// A title edit re-derives the tree; unchanged sets keep their identity, so no card's visibility is asked again.
const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((id) => b.has(id))
const sameCounts = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
  a.size === b.size && [...a].every(([id, n]) => b.get(id) === n)

const states = new WeakMap<Editor, FoldState>()

/** The fold state of the editor's board (undefined before the board editor set it up). */
export function foldOf(editor: Editor): FoldState | undefined {
  return states.get(editor)
}

/** One board's fold state; its computeds bind to the editor on first use (tldraw asks for visibility first). */
export function createFoldState(boardId: string): FoldState {
  const folded = atom<ReadonlySet<string>>('folded cards', load(boardId))
  let bound: { editor: Editor; hidden: Computed<ReadonlySet<string>>; counts: Computed<ReadonlyMap<string, number>> } | null = null
  const bind = (editor: Editor) => {
    if (bound?.editor === editor) return bound
    const tree = () => boardState(editor).tree.get()
    const hidden = computed<ReadonlySet<string>>('hidden by folds', () => {
      const f = folded.get()
      const out = new Set<string>()
      if (!f.size) return out
      const t: Tree = tree()
      for (const id of f) {
        const node = t.byId.get(id)
        if (node && !out.has(id)) descendants(node, (n) => out.add(n.id))
      }
      return out
    }, { isEqual: sameSet })
    const counts = computed<ReadonlyMap<string, number>>('fold counts', () => {
      const f = folded.get()
      const out = new Map<string, number>()
      if (!f.size) return out
      const t = tree()
      const h = hidden.get()
      for (const id of f) {
        const node = t.byId.get(id)
        if (!node || h.has(id) || !node.children.length) continue
        let n = 0
        descendants(node, () => n++)
        out.set(id, n)
      }
      return out
    }, { isEqual: sameCounts })
    bound = { editor, hidden, counts }
    states.set(editor, state)
    return bound
  }
  const save = (next: ReadonlySet<string>) => {
    folded.set(next)
    try {
      if (next.size) localStorage.setItem(storageKey(boardId), JSON.stringify([...next]))
      else localStorage.removeItem(storageKey(boardId))
    } catch {
      // storage full or blocked: the fold still holds for this visit
    }
  }
  const state: FoldState = {
    folded,
    get hidden() {
      if (!bound) throw new Error('fold state used before the editor')
      return bound.hidden
    },
    get hiddenCount() {
      if (!bound) throw new Error('fold state used before the editor')
      return bound.counts
    },
    visibility(shape, editor) {
      return bind(editor).hidden.get().has(shape.id) ? 'hidden' : 'inherit'
    },
    attach(editor) {
      bind(editor)
    },
    fold(ids) {
      const t = bound ? boardState(bound.editor).tree.get() : null
      const next = new Set(folded.get())
      for (const id of ids) if (!t || t.byId.get(id)?.children.length) next.add(id)
      // Drop folds of cards that are gone, so the list never grows with deleted cards.
      if (t?.byId.size) for (const id of next) if (!t.byId.has(id)) next.delete(id)
      if (next.size !== folded.get().size || ids.some((id) => !folded.get().has(id))) save(next)
    },
    unfold(ids) {
      const next = new Set(folded.get())
      let changed = false
      for (const id of ids) changed = next.delete(id) || changed
      if (changed) save(next)
    },
    reveal(id) {
      if (!bound) return
      const t = boardState(bound.editor).tree.get()
      const ancestors: string[] = []
      for (let node = t.byId.get(id); node?.parentId; node = t.byId.get(node.parentId)) ancestors.push(node.parentId)
      state.unfold(ancestors)
    },
  }
  return state
}

/** A key for the board, not for a field, a button or a panel. */
function forTheCanvas(e: KeyboardEvent) {
  const el = e.target as HTMLElement | null
  if (!el?.tagName) return true
  return !(el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.closest?.('.ob-outline, .ob-detail, .ob-dialog, [role=dialog], [role=menu]'))
}

/** Wires a board's folds to its editor: keys, and what selecting a hidden card does. Returns the disposer. */
export function installFolding(editor: Editor, state: FoldState): () => void {
  state.attach(editor)
  const stopSelection = react('folds and the selection', () => {
    const hidden = state.hidden.get()
    if (!hidden.size) return
    const ids = editor.getSelectedShapeIds()
    const editing = editor.getEditingShapeId()
    const one = editing ?? (ids.length === 1 ? ids[0] : null)
    if (one && hidden.has(one)) state.reveal(one)
    else if (ids.some((id) => hidden.has(id))) editor.setSelectedShapes(ids.filter((id) => !hidden.has(id)))
  })
  const onKeyDown = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || !e.altKey || e.shiftKey) return
    if (e.code !== 'BracketLeft' && e.code !== 'BracketRight') return
    if (!forTheCanvas(e)) return
    const tree = boardState(editor).tree.get()
    const ids = editor.getSelectedShapeIds().filter((id) => tree.byId.get(id)?.children.length)
    if (!ids.length) return
    e.preventDefault()
    e.stopPropagation()
    if (e.code === 'BracketLeft') state.fold(ids)
    else state.unfold(ids)
  }
  window.addEventListener('keydown', onKeyDown, true)
  return () => {
    stopSelection()
    window.removeEventListener('keydown', onKeyDown, true)
  }
}
