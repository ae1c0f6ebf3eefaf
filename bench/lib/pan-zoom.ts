// Pan/zoom smoothness of a loaded board in Chromium: the page moves the camera through the editor every
// animation frame (a steady pan across the tree, then zooming in and out around its centre, as a trackpad
// would) and records the gaps between frames (requestAnimationFrame timestamps). A frame that took longer
// than the display's 16.7 ms shows as a gap of 33 ms or more; the p95 target is < 20 ms (no dropped frames
// in 19 of 20). Also records each frame's main-thread work (rAF callback → the next task after the paint).
// The same pan and zoom run on the peer (plain tldraw, bench/peer-tldraw) after each of its loads; panZoomRows
// prints ours beside it.
import type { Page } from 'playwright-core'
import { ms, ratioText, type Row } from './format'
import { check, row } from './result'
import { pairedRatioInterval, percentile, pooledPercentileInterval, ratio } from './stats'

export interface PanZoomFrames {
  pan: number[]
  zoom: number[]
  /** Main-thread time per frame (ms): from the frame's rAF callback to a task queued after it. */
  work: number[]
  /** The zoom the board opened at (its fit) and how many cards were drawn in full or low detail. */
  fitZoom: number
}

/** Pans for `frames` frames, then zooms in and out for `frames` frames; returns the frame gaps. */
export async function panZoomFrames(page: Page, frames = 240): Promise<PanZoomFrames> {
  // tsx names the functions below with a helper (keepNames) that the page does not have: give it one.
  await page.evaluate('window.__name ??= (f) => f')
  return page.evaluate(
    (frames) =>
      new Promise<PanZoomFrames>((resolve) => {
        const editor = (window as unknown as { editor: { getCamera(): { x: number; y: number; z: number }; setCamera(c: { x: number; y: number; z: number }): void; getViewportScreenBounds(): { w: number; h: number } } }).editor
        const start = editor.getCamera()
        const screen = editor.getViewportScreenBounds()
        const pan: number[] = []
        const zoom: number[] = []
        const work: number[] = []
        let last = 0
        let i = 0
        const step = (t: number) => {
          const began = performance.now()
          if (last) (i <= frames ? pan : zoom).push(t - last)
          last = t
          if (i < frames) {
            // Pan: 12 screen pixels a frame to the right and a little down, as a steady drag would.
            const c = editor.getCamera()
            editor.setCamera({ x: c.x - 12 / c.z, y: c.y - 3 / c.z, z: c.z })
          } else if (i < 2 * frames) {
            // Zoom around the screen's centre, from the fit to 4x it and back, twice.
            const phase = ((i - frames) / frames) * 4 * Math.PI
            const z = start.z * (1 + 1.5 * (1 - Math.cos(phase)))
            const c = editor.getCamera()
            const cx = screen.w / 2 / c.z - c.x
            const cy = screen.h / 2 / c.z - c.y
            editor.setCamera({ x: screen.w / 2 / z - cx, y: screen.h / 2 / z - cy, z })
          } else {
            editor.setCamera(start)
            resolve({ pan, zoom, work, fitZoom: start.z })
            return
          }
          i++
          setTimeout(() => work.push(performance.now() - began), 0)
          requestAnimationFrame(step)
        }
        requestAnimationFrame(step)
      }),
    frames,
  )
}

/** Each load's frames cut into slices of `size` in order: slice k of every load is the same stretch of the
 *  pan (or zoom), so ours and the peer's pair up slice by slice for the intervals. */
function slices(loads: readonly number[][], size = 40): number[][] {
  return loads.flatMap((frames) => Array.from({ length: Math.ceil(frames.length / size) }, (_, k) => frames.slice(k * size, (k + 1) * size)))
}

const range = ([lo, hi]: [number, number], f: (v: number) => string) => (Number.isFinite(lo) ? `${f(lo)}–${f(hi)}` : '–')

/** Table rows: pan and zoom frame gaps (p50 / p95 / max, the p95's 95% interval over slices) and main-thread
 *  work per frame, ours beside the peer's, with the p95 ratio and its paired interval. */
export function panZoomRows(bench: string, ours: readonly PanZoomFrames[], peer: readonly PanZoomFrames[]): Row[] {
  const rows: Row[] = []
  for (const kind of ['pan', 'zoom', 'work'] as const) {
    const a = ours.map((f) => f[kind])
    const b = peer.map((f) => f[kind])
    const all = (x: number[][]) => x.flat()
    const fig = (x: number[][]) =>
      x.length ? `${ms(percentile(all(x), 50))} / ${ms(percentile(all(x), 95))} (${range(pooledPercentileInterval(slices(x), 95), ms)}) / ${ms(Math.max(...all(x)))}` : 'n/a'
    const p95 = percentile(all(a), 95)
    rows.push(
      row({
        bench,
        metric: kind === 'work' ? 'main-thread work per pan/zoom frame, p50 / p95 (95% interval) / max' : `${kind} frames (rAF gap), p50 / p95 (95% interval) / max`,
        ours: fig(a),
        reference: fig(b),
        ratio: b.length ? `${ratioText(ratio(p95, percentile(all(b), 95)))} (${range(pairedRatioInterval(slices(a), slices(b), 95), ratioText)})` : '',
        target: kind === 'work' ? '' : 'p95 < 20 ms',
        status: kind === 'work' ? 'info' : check(p95 < 20),
      }),
    )
  }
  return rows
}
