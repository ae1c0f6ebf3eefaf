// Derived board state shared by the canvas, the panels and the shapes: the tree (shared/tree.ts) and its
// Torres hints (shared/hints.ts), recomputed reactively from the editor's shapes; plus small UI atoms
// (a pending delete question, collapsed outline rows) that non-React code such as shape utils can set.

import { atom, computed, isUninitialized } from '@tldraw/tldraw'
import type { Atom, Computed, Editor, TLShapeId } from '@tldraw/tldraw'
import { isNodeKind } from '../../shared/model'
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

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i])
  return false
}

/** Node props are flat (primitives and lists of strings): a shallow compare tells a real edit from a record
 *  that was only rebuilt (a remote update re-creates the whole record, props included). */
export function samePropsShallow(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  for (const key of keys) if (!sameValue(a[key], b[key])) return false
  return true
}

function sameHints(a: Hint[], b: Hint[]): boolean {
  return a.length === b.length && a.every((h, i) => h.code === b[i].code && h.severity === b[i].severity && h.message === b[i].message)
}

export function boardState(editor: Editor): BoardState {
  let state = cache.get(editor)
  if (!state) {
    // The tree depends on each node's type and props only. Moving a card (a drag, a layout animation, a
    // remote move) changes x/y and nothing else, so then the previous tree is returned as is and nothing
    // downstream (hints, outline, cards, connectors' tree walk) recomputes. A node's x/y read the live shape.
    let seen = new Map<string, { type: string; props: Record<string, unknown> }>()
    const tree = computed<Tree>('outcome tree', (prev) => {
      const shapes = editor.getCurrentPageShapes() as unknown as (JsonRecord & { type: string; props: Record<string, unknown> })[]
      if (!isUninitialized(prev)) {
        let same = true
        let count = 0
        for (const shape of shapes) {
          if (!isNodeKind(shape.type)) continue
          count++
          const before = seen.get(shape.id as string)
          if (!before || before.type !== shape.type || !samePropsShallow(before.props, shape.props)) {
            same = false
            break
          }
        }
        if (same && count === seen.size) return prev
      }
      const next = new Map<string, { type: string; props: Record<string, unknown> }>()
      for (const shape of shapes) if (isNodeKind(shape.type)) next.set(shape.id as string, { type: shape.type, props: shape.props })
      seen = next
      const derived = deriveTree(shapes)
      for (const node of derived.byId.values()) {
        const { x, y } = node
        const id = node.id as TLShapeId
        Object.defineProperty(node, 'x', { enumerable: true, get: () => editor.getShape(id)?.x ?? x })
        Object.defineProperty(node, 'y', { enumerable: true, get: () => editor.getShape(id)?.y ?? y })
      }
      return derived
    })
    // Hints keep their identity while unchanged (per node, and the whole map), so a card or outline row
    // re-renders only when its own hints change.
    const hints = computed<Map<string, Hint[]>>('outcome hints', (prev) => {
      const fresh = hintsFor(tree.get())
      if (isUninitialized(prev)) return fresh
      let changed = fresh.size !== prev.size
      for (const [id, list] of fresh) {
        const old = prev.get(id)
        if (old && sameHints(old, list)) fresh.set(id, old)
        else changed = true
      }
      return changed ? fresh : prev
    })
    state = { tree, hints }
    cache.set(editor, state)
  }
  return state
}

/** What a node with no hints reads: one shared empty list, so "no hints" never looks like a change. */
export const NO_HINTS: readonly Hint[] = Object.freeze([])

/** Node ids the person asked to delete; the delete dialog reads this and asks what to do with subtrees. */
export const pendingDelete: Atom<string[] | null> = atom('pending delete', null as string[] | null)

/** Ids whose outline rows are collapsed (local to this browser tab). */
export const collapsed: Atom<Set<string>> = atom('collapsed outline rows', new Set<string>())
