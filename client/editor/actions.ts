// Structural edits on the tree, shared by buttons, keyboard, drag-and-drop, the outline and the tests.
// The tree edge is data on the child (props.parentNode, props.order): we only ever write those two props and
// let shared/tree.ts derive the rest. Sibling order is a fractional index, unrelated to tldraw's z-order.

import type { Editor, TLShapeId, TLShapePartial } from '@tldraw/tldraw'
import { generateKeyBetween } from 'fractional-indexing'
import { layoutTree } from '../../shared/layout'
import { NODE_HEIGHT, NODE_WIDTH, isNodeKind } from '../../shared/model'
import type { NodeKind } from '../../shared/model'
import { defaultNodeProps } from '../../shared/records'
import { allowedChildKinds, placementRule } from '../../shared/rules'
import { subtreeIds } from '../../shared/tree'
import type { TreeNode } from '../../shared/tree'
import { newShapeId } from '../../shared/ids'
import { checkReparent } from '../../shared/tree'
import { showNotice } from '../ui/notice'
import type { NodeShape } from './shape-props'
import { boardState, pendingDelete } from './state'
import { bringIntoView, zoomToCard } from './camera'
import { layoutSetting } from './layout-mode'

/** The kind Tab adds under each kind (the usual next step of the method). */
export const DEFAULT_CHILD_KIND: Partial<Record<NodeKind, NodeKind>> = {
  outcome: 'opportunity',
  opportunity: 'solution',
  solution: 'assumption',
}

export function isNodeShape(shape: unknown): shape is NodeShape {
  return !!shape && isNodeKind((shape as { type?: unknown }).type)
}

function keyBetween(a: string | null, b: string | null): string {
  try {
    return generateKeyBetween(a, b)
  } catch {
    // Orders written by hand or by an old client may not be valid keys: fall back to "just after a".
    try {
      return generateKeyBetween(a, null)
    } catch {
      return `${a ?? 'a0'}V`
    }
  }
}

function siblingsOf(editor: Editor, parentId: string | null): TreeNode[] {
  const tree = boardState(editor).tree.get()
  if (!parentId) return tree.roots.filter((n) => !n.detachedReason)
  return tree.byId.get(parentId)?.children ?? []
}

function orderAtEnd(editor: Editor, parentId: string | null): string {
  const siblings = siblingsOf(editor, parentId)
  return keyBetween(siblings.length ? siblings[siblings.length - 1].props.order : null, null)
}

function canEdit(editor: Editor): boolean {
  if (editor.getIsReadonly()) {
    showNotice('This is a read-only link: you can look, not edit.', 'warn')
    return false
  }
  return true
}

export interface CreateNodeOptions {
  title?: string
  parentId?: string | null
  /** Insert right after this sibling instead of at the end. */
  after?: string
  select?: boolean
  /** Put the new card in title-editing mode (what a person wants; tests pass false). */
  edit?: boolean
  layout?: boolean
  props?: Record<string, unknown>
}

export function createNode(editor: Editor, kind: NodeKind, opts: CreateNodeOptions = {}): TLShapeId | null {
  if (!canEdit(editor)) return null
  const tree = boardState(editor).tree.get()
  const parentId = opts.parentId ?? null
  const parent = parentId ? tree.byId.get(parentId) : undefined
  if (parentId && !parent) return null
  if (parent && !allowedChildKinds(parent.kind).includes(kind)) {
    showNotice(`${placementRule(kind)}.`, 'warn')
    return null
  }
  if (!parent && kind !== 'outcome') {
    showNotice(`${placementRule(kind)}.`, 'warn')
    return null
  }
  let order: string
  const siblings = siblingsOf(editor, parentId)
  const afterIndex = opts.after ? siblings.findIndex((s) => s.id === opts.after) : -1
  if (afterIndex >= 0) order = keyBetween(siblings[afterIndex].props.order, siblings[afterIndex + 1]?.props.order ?? null)
  else order = orderAtEnd(editor, parentId)

  // Start near where it will land so the layout animation is short; roots go right of everything.
  let x = 0
  let y = 0
  if (parent) {
    const last = siblings[siblings.length - 1]
    x = last ? last.x + NODE_WIDTH + 60 : parent.x
    y = parent.y + (parent.props.h || NODE_HEIGHT) + 100
  } else {
    const bounds = editor.getCurrentPageBounds()
    if (bounds) {
      x = bounds.maxX + 120
      y = bounds.minY
    } else {
      const center = editor.getViewportPageBounds().center
      x = center.x - NODE_WIDTH / 2
      y = center.y - NODE_HEIGHT / 2
    }
  }

  const id = newShapeId() as TLShapeId
  editor.run(() => {
    editor.createShape({
      id,
      type: kind,
      x,
      y,
      props: { ...defaultNodeProps(kind), ...opts.props, title: opts.title ?? '', parentNode: parentId ?? '', order },
    } as TLShapePartial)
    if (opts.select !== false) editor.select(id)
  })
  if (opts.layout !== false) relayout(editor)
  if (opts.edit) editor.setEditingShape(id)
  return id
}

export function addChild(editor: Editor, parentId: string, kind?: NodeKind, opts: CreateNodeOptions = {}): TLShapeId | null {
  const parent = boardState(editor).tree.get().byId.get(parentId)
  if (!parent) return null
  const childKind = kind ?? DEFAULT_CHILD_KIND[parent.kind]
  if (!childKind) {
    showNotice('An assumption has no children: describe how you will test it instead.', 'info')
    return null
  }
  return createNode(editor, childKind, { ...opts, parentId })
}

export function addSibling(editor: Editor, nodeId: string, opts: CreateNodeOptions = {}): TLShapeId | null {
  const node = boardState(editor).tree.get().byId.get(nodeId)
  if (!node) return null
  if (node.detachedReason) {
    showNotice('Attach this card to the tree first, then add siblings next to it.', 'warn')
    return null
  }
  return createNode(editor, node.kind, { ...opts, parentId: node.parentId, after: node.id })
}

/** Moves a node (with its subtree) under another node, or refuses with the rule it would break. */
export function reparent(editor: Editor, nodeId: string, newParentId: string | null, opts: { layout?: boolean } = {}): boolean {
  if (!canEdit(editor)) return false
  const tree = boardState(editor).tree.get()
  const check = checkReparent(tree, nodeId, newParentId)
  if (!check.ok) {
    showNotice(`Can't move it there: ${check.reason.charAt(0).toLowerCase()}${check.reason.slice(1)}.`, 'warn')
    return false
  }
  const node = tree.byId.get(nodeId)!
  if (node.parentId === newParentId && !node.detachedReason) return true
  editor.updateShape({
    id: nodeId as TLShapeId,
    type: node.kind,
    props: { parentNode: newParentId ?? '', order: orderAtEnd(editor, newParentId) },
  } as TLShapePartial)
  if (opts.layout !== false) relayout(editor)
  return true
}

/** Moves a node one step among its siblings (outline: Alt+↑ / Alt+↓). */
export function moveAmongSiblings(editor: Editor, nodeId: string, delta: -1 | 1) {
  if (!canEdit(editor)) return
  const node = boardState(editor).tree.get().byId.get(nodeId)
  if (!node) return
  const siblings = siblingsOf(editor, node.parentId)
  const i = siblings.findIndex((s) => s.id === nodeId)
  const j = i + delta
  if (i < 0 || j < 0 || j >= siblings.length) return
  const order =
    delta < 0
      ? keyBetween(siblings[j - 1]?.props.order ?? null, siblings[j].props.order)
      : keyBetween(siblings[j].props.order, siblings[j + 1]?.props.order ?? null)
  editor.updateShape({ id: nodeId as TLShapeId, type: node.kind, props: { order } } as TLShapePartial)
  relayout(editor)
}

/** Lays the whole tree out (shared/layout.ts, in the board's layout: tidy, compact or auto), animated; free
 *  shapes stay where they are. */
export function relayout(editor: Editor, opts: { animate?: boolean } = {}) {
  if (editor.getIsReadonly()) return
  const tree = boardState(editor).tree.get()
  if (!tree.roots.length) return
  const first = tree.roots[0]
  const positions = layoutTree(tree, { anchor: { x: first.x, y: first.y }, mode: layoutSetting(editor) })
  const partials: TLShapePartial[] = []
  for (const [id, p] of positions) {
    const shape = editor.getShape(id as TLShapeId)
    if (!shape) continue
    if (Math.abs(shape.x - p.x) < 0.5 && Math.abs(shape.y - p.y) < 0.5) continue
    partials.push({ id: shape.id, type: shape.type, x: p.x, y: p.y } as TLShapePartial)
  }
  if (!partials.length) return
  const animate = opts.animate ?? editor.user.getAnimationSpeed() > 0
  // Cards of a locked bet are locked shapes: the layout still places them (a lock is about content, not layout).
  const locked = partials.filter((p) => editor.getShape(p.id)?.isLocked)
  const free = locked.length ? partials.filter((p) => !locked.includes(p)) : partials
  if (locked.length) editor.run(() => editor.updateShapes(locked), { ignoreShapeLock: true })
  if (animate) editor.animateShapes(free, { animation: { duration: 320 } })
  else editor.updateShapes(free)
}

/** Delete entry point (keyboard, menus, buttons): asks first when a node has a subtree. */
export function requestDelete(editor: Editor, ids: string[] = editor.getSelectedShapeIds()) {
  if (!ids.length || !canEdit(editor)) return
  if (ids.some((id) => editor.getShape(id as TLShapeId)?.isLocked)) {
    showNotice('That card is part of the locked bet: the board owner has to unlock the bet first.', 'warn')
    return
  }
  const tree = boardState(editor).tree.get()
  const selected = new Set(ids)
  const withOrphans = ids.some((id) => tree.byId.get(id)?.children.some((c) => !selected.has(c.id)))
  if (withOrphans) pendingDelete.set(ids)
  else deleteNodes(editor, ids, 'subtree')
}

/** 'subtree' deletes every descendant too; 'lift' moves children up to the deleted node's parent where the
 *  rules allow it (elsewhere they stay on the board, detached, with a hint to re-attach them). */
export function deleteNodes(editor: Editor, ids: string[], mode: 'subtree' | 'lift') {
  if (!canEdit(editor)) return
  const tree = boardState(editor).tree.get()
  const doomed = new Set<string>(ids)
  if (mode === 'subtree') for (const id of ids) for (const d of subtreeIds(tree, id)) doomed.add(d)
  const updates: TLShapePartial[] = []
  if (mode === 'lift') {
    for (const id of ids) {
      const node = tree.byId.get(id)
      if (!node) continue
      // Walk up past other deleted nodes to the nearest surviving ancestor.
      let target: TreeNode | undefined = node.parentId ? tree.byId.get(node.parentId) : undefined
      while (target && doomed.has(target.id)) target = target.parentId ? tree.byId.get(target.parentId) : undefined
      const siblings = target ? target.children : []
      const at = siblings.findIndex((s) => s.id === node.id)
      let prev = at >= 0 ? node.props.order : (siblings[siblings.length - 1]?.props.order ?? null)
      const next = at >= 0 ? (siblings[at + 1]?.props.order ?? null) : null
      for (const child of node.children) {
        if (doomed.has(child.id)) continue
        const fits = target ? allowedChildKinds(target.kind).includes(child.kind) : child.kind === 'outcome'
        const order = keyBetween(prev, next)
        prev = order
        updates.push({ id: child.id, type: child.kind, props: { parentNode: fits && target ? target.id : '', order } } as TLShapePartial)
      }
    }
  }
  editor.run(() => {
    if (updates.length) editor.updateShapes(updates)
    editor.deleteShapes([...doomed] as TLShapeId[])
  })
  relayout(editor)
}

/** The first selected node shape, if exactly one shape is selected. */
export function selectedNode(editor: Editor): NodeShape | null {
  const shapes = editor.getSelectedShapes()
  return shapes.length === 1 && isNodeShape(shapes[0]) ? (shapes[0] as NodeShape) : null
}

export function updateNodeProps(editor: Editor, id: string, props: Record<string, unknown>) {
  if (!canEdit(editor)) return
  const shape = editor.getShape(id as TLShapeId)
  if (!shape || !isNodeShape(shape)) return
  editor.updateShape({ id: shape.id, type: shape.type, props } as TLShapePartial)
}

/** Selects a node (which unfolds its folded ancestors, editor/fold.ts) and zooms to it (outline clicks, "show
 *  on the board"); with `zoom: false` (the outline's arrow keys) it only pans it into view when it is not. */
export function focusNode(editor: Editor, id: string, opts: { zoom?: boolean } = {}) {
  const shape = editor.getShape(id as TLShapeId)
  if (!shape) return
  editor.select(shape.id)
  if (opts.zoom === false) bringIntoView(editor, shape.id)
  else zoomToCard(editor, shape.id)
}
