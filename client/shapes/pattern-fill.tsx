// tldraw's hatched ("pattern") fill for free shapes, with its tiles drawn only up to the zoom tldraw drew them
// for before the canvas zoomed out to 1% (client/editor/camera.ts, ZOOM_STEPS).
//
// tldraw draws one tile per power of two of zoom up to last(zoomSteps) / zoomSteps[0], on the page's main
// thread, when the canvas mounts (and again when the camera options change). With steps from 1% to 800% that
// span is 800, so its largest tiles are 8,192 px square (16,384 on a 2x screen), light and dark: seconds of a
// blocked page on every board load. Our steps are not relative to a base zoom (the camera has no constraints),
// so no pattern is ever drawn past 800% times a shape's scale; tiles up to tldraw's own span with its default
// steps (8 / 0.05 = 160, tiles up to 2,048 px) cover that with room. Same tiles and the same pattern ids as
// tldraw's (PatternFill picks `hash_pattern_<theme>_<lod>`), so shapes fill exactly as before.

import {
  ArrowShapeUtil,
  DefaultFontStyle,
  DrawShapeUtil,
  GeoShapeUtil,
  suffixSafeId,
  tlenv,
  useEditor,
  useSharedSafeId,
  useValue,
} from '@tldraw/tldraw'
import type { TLAnyShapeUtilConstructor } from '@tldraw/tldraw'
import { useEffect, useRef, useState } from 'react'

/** The greatest zoom tiles are drawn for: tldraw's span with its default zoom steps (8 / 0.05). */
export const MAX_PATTERN_ZOOM = 160
const TILE = 8
/** tldraw's key for the pattern defs (one set per canvas, whichever shape util gives it first). */
const PATTERN_DEFS_KEY = `${DefaultFontStyle.id}:pattern`

const lodOf = (zoom: number) => Math.ceil(Math.log2(Math.max(1, zoom)))

/** The zooms tiles are drawn for: 1, 2, 4… up to the camera's span, never past MAX_PATTERN_ZOOM. */
export function patternZooms(zoomSteps: readonly number[]): number[] {
  const span = zoomSteps[zoomSteps.length - 1] / zoomSteps[0]
  const levels: number[] = []
  for (let lod = 0; lod <= lodOf(Math.min(span, MAX_PATTERN_ZOOM)); lod++) levels.push(2 ** lod)
  return levels
}

type Tile = { zoom: number; theme: 'light' | 'dark'; url: string }

const tiles = new Map<string, Promise<Blob>>()

/** One tile as tldraw draws it (a solid square with three diagonal strokes cut out), cached. */
function tileBlob(dpr: number, zoom: number, solid: string): Promise<Blob> {
  const key = `${dpr}_${zoom}_${solid}`
  let blob = tiles.get(key)
  if (!blob) {
    blob = new Promise<Blob>((resolve, reject) => {
      const size = TILE * zoom * dpr
      const canvas = document.createElement('canvas')
      canvas.width = size
      canvas.height = size
      const ctx = canvas.getContext('2d')
      if (!ctx) return reject(new Error('no 2d context'))
      ctx.fillStyle = solid
      ctx.fillRect(0, 0, size, size)
      ctx.globalCompositeOperation = 'destination-out'
      ctx.lineCap = 'round'
      ctx.lineWidth = 1.25 * zoom * dpr
      const t = 8 / 12
      const s = (v: number) => v * zoom * dpr
      ctx.beginPath()
      ctx.moveTo(s(t * 1), s(t * 3))
      ctx.lineTo(s(t * 3), s(t * 1))
      ctx.moveTo(s(t * 5), s(t * 7))
      ctx.lineTo(s(t * 7), s(t * 5))
      ctx.moveTo(s(t * 9), s(t * 11))
      ctx.lineTo(s(t * 11), s(t * 9))
      ctx.stroke()
      canvas.toBlob((b: Blob | null) => (b ? resolve(b) : reject(new Error('no blob'))))
    })
    blob.catch(() => tiles.delete(key))
    tiles.set(key, blob)
  }
  return blob
}

/** One-pixel stand-ins until the tiles are drawn (as tldraw shows). */
let pixels: { light: string; dark: string } | null = null
function placeholderPixels() {
  if (pixels) return pixels
  const pixel = (color: string) => {
    const canvas = document.createElement('canvas')
    canvas.width = 1
    canvas.height = 1
    const ctx = canvas.getContext('2d')
    if (!ctx) return ''
    ctx.fillStyle = color
    ctx.fillRect(0, 0, 1, 1)
    return canvas.toDataURL()
  }
  pixels = { light: pixel('#f8f9fa'), dark: pixel('#212529') }
  return pixels
}

const placeholders = (zooms: number[]): Tile[] =>
  zooms.flatMap((zoom) => [
    { zoom, theme: 'light' as const, url: placeholderPixels().light },
    { zoom, theme: 'dark' as const, url: placeholderPixels().dark },
  ])

/** tldraw's PatternFillDefForCanvas with the tiles bounded (see the top of this file). */
function BoundedPatternFillDefs() {
  const editor = useEditor()
  const containerRef = useRef<SVGGElement>(null)
  const dpr = useValue('devicePixelRatio', () => editor.getInstanceState().devicePixelRatio, [editor])
  const zoomsKey = useValue('pattern zooms', () => patternZooms(editor.getCameraOptions().zoomSteps).join(','), [editor])
  const [ready, setReady] = useState(false)
  const [urls, setUrls] = useState<Tile[]>(() => placeholders(zoomsKey.split(',').map(Number)))
  const idScope = useSharedSafeId('hash_pattern')

  useEffect(() => {
    const zooms = zoomsKey.split(',').map(Number)
    const { light, dark } = editor.getCurrentTheme().colors
    const promise = Promise.all(
      zooms.flatMap((zoom) => [
        tileBlob(dpr, zoom, light.solid).then((blob): Tile => ({ zoom, theme: 'light', url: URL.createObjectURL(blob) })),
        tileBlob(dpr, zoom, dark.solid).then((blob): Tile => ({ zoom, theme: 'dark', url: URL.createObjectURL(blob) })),
      ]),
    )
    let cancelled = false
    promise.then(
      (made) => {
        if (cancelled) return
        setUrls(made)
        setReady(true)
      },
      () => {}, // the placeholders stay
    )
    return () => {
      cancelled = true
      setReady(false)
      promise.then(
        (made) => made.forEach(({ url }) => URL.revokeObjectURL(url)),
        () => {},
      )
    }
  }, [dpr, zoomsKey, editor])

  useEffect(() => {
    // tldraw's Safari repaint: the HTML layer is hidden for a frame so the new patterns show.
    if (!ready || !tlenv.isSafari || !containerRef.current) return
    const layer = containerRef.current.closest<HTMLElement>('.tl-html-layer')
    if (!layer) return
    editor.timers.requestAnimationFrame(() => {
      layer.style.display = 'none'
      editor.timers.requestAnimationFrame(() => {
        layer.style.display = ''
      })
    })
  }, [editor, ready])

  return (
    <g ref={containerRef} data-testid={ready ? 'ready-pattern-fill-defs' : undefined}>
      {urls.map(({ zoom, theme, url }) => {
        const id = suffixSafeId(idScope, `${theme}_${lodOf(zoom)}`)
        return (
          <pattern key={id} id={id} width={TILE} height={TILE} patternUnits="userSpaceOnUse">
            <image href={url} width={TILE} height={TILE} />
          </pattern>
        )
      })}
    </g>
  )
}

type SvgDef = { key: string; component: React.ComponentType }
const boundPatternDefs = (defs: SvgDef[]): SvgDef[] =>
  defs.map((def) => (def.key === PATTERN_DEFS_KEY ? { key: def.key, component: BoundedPatternFillDefs } : def))

// Every default shape util that gives the pattern defs, so none of tldraw's own is left to give them first.
class BoardDrawShapeUtil extends DrawShapeUtil {
  override getCanvasSvgDefs() {
    return boundPatternDefs(super.getCanvasSvgDefs())
  }
}
class BoardGeoShapeUtil extends GeoShapeUtil {
  override getCanvasSvgDefs() {
    return boundPatternDefs(super.getCanvasSvgDefs())
  }
}
class BoardArrowShapeUtil extends ArrowShapeUtil {
  override getCanvasSvgDefs() {
    return boundPatternDefs(super.getCanvasSvgDefs())
  }
}

/** Replace tldraw's draw, geo and arrow utils in the editor (same shapes; only their canvas defs differ). */
export const boundedPatternShapeUtils: readonly TLAnyShapeUtilConstructor[] = [BoardDrawShapeUtil, BoardGeoShapeUtil, BoardArrowShapeUtil]

