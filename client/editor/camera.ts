// The camera follows the work: a board opens fitted to its tree inside the space the panels leave, and the
// card being created or edited is kept in view (with a margin) once the layout has settled, as is the
// selected card when a panel opening beside the canvas narrows it. Only the card's
// own moves and the start of an edit move the camera, never the camera itself: someone who pans away while
// typing stays where they panned.

import { react } from '@tldraw/tldraw'
import type { Box, Editor, TLShapeId } from '@tldraw/tldraw'

/** Screen pixels kept free around a card brought into view, and around a fitted tree. */
export const VIEW_MARGIN = 48

/** The canvas's zoom levels (zoom in/out steps; the first is the least zoom). tldraw's own stop at 5%,
 *  too close for a 1,000-card tree beside the panels on a 1024 px screen, so these go down to 1%. */
export const ZOOM_STEPS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8]

/** Page bounds of the tree cards (free shapes around it count too: they are part of the picture). */
function contentBounds(editor: Editor): Box | undefined {
  return editor.getCurrentPageBounds()
}

/** Fits the whole board inside the canvas as it is laid out now (never zoomed in past 100%). */
export function fitTree(editor: Editor, opts: { animate?: boolean } = {}) {
  const container = editor.getContainer()
  // The canvas may have changed size since tldraw last measured it (a panel appeared beside it).
  editor.updateViewportScreenBounds(container)
  const bounds = contentBounds(editor)
  if (!bounds) return
  const viewport = editor.getViewportScreenBounds()
  const inset = Math.min(VIEW_MARGIN, viewport.w / 8, viewport.h / 8)
  editor.zoomToBounds(bounds, { inset, targetZoom: 1, animation: opts.animate ? { duration: 240 } : undefined })
}

/** Zooms to a card (outline clicks, "show on the board"): centred, at 100% unless the person is zoomed
 *  in closer already, and never so close that the card does not fit with a margin. It waits two frames,
 *  for the node panel that a new selection opens beside the canvas, then jumps there (an animation would be
 *  cut short by the canvas narrowing under it). */
export function zoomToCard(editor: Editor, id: TLShapeId) {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const bounds = editor.getShapePageBounds(id)
      if (!bounds) return
      editor.updateViewportScreenBounds(editor.getContainer())
      const viewport = editor.getViewportScreenBounds()
      const inset = Math.min(2 * VIEW_MARGIN, viewport.w / 4, viewport.h / 4)
      editor.zoomToBounds(bounds, { inset, targetZoom: Math.max(1, editor.getZoomLevel()) })
    }),
  )
}

/** Pans (never zooms) by the least amount that brings a shape inside the viewport with a margin. */
export function bringIntoView(editor: Editor, id: TLShapeId, opts: { animate?: boolean } = {}) {
  const bounds = editor.getShapePageBounds(id)
  if (!bounds) return
  const view = editor.getViewportPageBounds()
  const zoom = editor.getZoomLevel()
  const margin = Math.min(VIEW_MARGIN / zoom, view.w / 6, view.h / 6)
  const shift = (lo: number, hi: number, viewLo: number, viewHi: number) => {
    if (hi - lo > viewHi - viewLo - 2 * margin) return (lo + hi) / 2 - (viewLo + viewHi) / 2 // too big: centre it
    if (lo < viewLo + margin) return lo - (viewLo + margin)
    if (hi > viewHi - margin) return hi - (viewHi - margin)
    return 0
  }
  const dx = shift(bounds.minX, bounds.maxX, view.minX, view.maxX)
  const dy = shift(bounds.minY, bounds.maxY, view.minY, view.maxY)
  if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return
  const camera = editor.getCamera()
  editor.setCamera({ x: camera.x - dx, y: camera.y - dy, z: camera.z }, opts.animate === false ? undefined : { animation: { duration: 200 } })
}

/** Keeps the card being edited in view: at the start of an edit and whenever that card moves (a layout
 *  after Tab or Enter), once it has stopped moving. When the canvas itself changes size (the node panel
 *  opens beside it on a selection), the selected card is kept in view too. Returns the disposer. */
export function keepEditingInView(editor: Editor, settleMs = 120): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastSize = ''
  const stop = react('keep the edited card in view', () => {
    const screen = editor.getViewportScreenBounds()
    const size = `${Math.round(screen.w)}x${Math.round(screen.h)}`
    const resized = lastSize !== '' && size !== lastSize
    lastSize = size
    const editing = editor.getEditingShapeId()
    const id = editing ?? (resized ? editor.getOnlySelectedShapeId() : null)
    if (!id) return
    // Subscribe to the card's position and size.
    editor.getShapePageBounds(id)
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      const still = editing ? editor.getEditingShapeId() === id : editor.getOnlySelectedShapeId() === id
      if (!still || editor.getInstanceState().followingUserId) return
      editor.updateViewportScreenBounds(editor.getContainer()) // measure the canvas as it is now
      bringIntoView(editor, id as TLShapeId)
    }, settleMs)
  })
  return () => {
    stop()
    if (timer) clearTimeout(timer)
  }
}
