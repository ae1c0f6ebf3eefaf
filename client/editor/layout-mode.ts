// The board's layout choice (shared/layout.ts: tidy, compact, or auto). It is the board's, not each person's:
// card positions live in the shared document, so two people on two layouts would keep moving each other's
// cards. It is kept in the document record's meta (`layout`), synced like any edit; absent means 'auto'.

import { computed } from '@tldraw/tldraw'
import type { Computed, Editor } from '@tldraw/tldraw'
import { isLayoutSetting, resolveLayoutMode, stackedIds } from '../../shared/layout'
import type { LayoutMode, LayoutSetting } from '../../shared/layout'
import { boardState } from './state'

export function layoutSetting(editor: Editor): LayoutSetting {
  const value = editor.getDocumentSettings().meta?.layout
  return isLayoutSetting(value) ? value : 'auto'
}

export interface BoardLayout {
  setting: LayoutSetting
  mode: LayoutMode
  /** Cards the compact layout stacks under their parent (empty for tidy): the connectors draw them as a list. */
  stacked: ReadonlySet<string>
}

const NONE: ReadonlySet<string> = new Set()
const cache = new WeakMap<Editor, Computed<BoardLayout>>()

/** The board's layout as it applies to the tree now (recomputed when the tree or the setting changes). */
export function boardLayout(editor: Editor): Computed<BoardLayout> {
  let c = cache.get(editor)
  if (!c) {
    c = computed<BoardLayout>('board layout', () => {
      const tree = boardState(editor).tree.get()
      const setting = layoutSetting(editor)
      const mode = resolveLayoutMode(tree, setting)
      return { setting, mode, stacked: mode === 'compact' ? stackedIds(tree) : NONE }
    })
    cache.set(editor, c)
  }
  return c
}

/** Sets the board's layout (everyone's) and lays the tree out again with it. */
export function setLayoutSetting(editor: Editor, setting: LayoutSetting, relayout: (editor: Editor) => void) {
  if (editor.getIsReadonly()) return
  const doc = editor.getDocumentSettings()
  editor.updateDocumentSettings({ meta: { ...doc.meta, layout: setting } })
  relayout(editor)
}
