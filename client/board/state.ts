// Derived board state shared by the canvas, the panels and the shapes: the tree (shared/tree.ts) and its
// Torres hints (shared/hints.ts), recomputed reactively from the editor's shapes; plus small UI atoms
// (a notice line, a pending delete question) that non-React code such as shape utils can set.

import { atom, computed } from '@tldraw/tldraw'
import type { Atom, Computed, Editor } from '@tldraw/tldraw'
import type { JsonRecord } from '../../shared/model'
import { hintsFor } from '../../shared/hints'
import type { Hint } from '../../shared/hints'
import { deriveTree } from '../../shared/tree'
import type { Tree } from '../../shared/tree'

export interface BoardState {
  tree: Computed<Tree>
  hints: Computed<Map<string, Hint[]>>
}

const cache = new WeakMap<Editor, BoardState>()

export function boardState(editor: Editor): BoardState {
  let state = cache.get(editor)
  if (!state) {
    const tree = computed('outcome tree', () => deriveTree(editor.getCurrentPageShapes() as unknown as JsonRecord[]))
    const hints = computed('outcome hints', () => hintsFor(tree.get()))
    state = { tree, hints }
    cache.set(editor, state)
  }
  return state
}

export interface Notice {
  id: number
  tone: 'info' | 'warn' | 'error'
  text: string
}

export const notice: Atom<Notice | null> = atom('notice', null as Notice | null)
let noticeSeq = 0
let noticeTimer: ReturnType<typeof setTimeout> | null = null

export function showNotice(text: string, tone: Notice['tone'] = 'info', ms = 4500) {
  const id = ++noticeSeq
  notice.set({ id, tone, text })
  if (noticeTimer) clearTimeout(noticeTimer)
  noticeTimer = setTimeout(() => {
    if (notice.get()?.id === id) notice.set(null)
  }, ms)
}

/** Node ids the person asked to delete; the delete dialog reads this and asks what to do with subtrees. */
export const pendingDelete: Atom<string[] | null> = atom('pending delete', null as string[] | null)

/** Ids whose outline rows are collapsed (local to this browser tab). */
export const collapsed: Atom<Set<string>> = atom('collapsed outline rows', new Set<string>())
