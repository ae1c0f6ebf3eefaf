// The outline's virtual window as plain arithmetic: where each row starts (measured heights, an estimate
// for rows never drawn) and which rows to draw, so a large tree costs the rows near the view, not all of them.

/** A row's line and each hint under it, until the row is measured; rows are drawn this far beyond the view. */
export const ROW_HEIGHT = 32
export const HINT_HEIGHT = 44
export const OVERSCAN_PX = 600

/** A row never measured yet: its line plus the hints it shows. */
export function estimatedHeight(shownHints: number): number {
  return ROW_HEIGHT + shownHints * HINT_HEIGHT
}

/** offsets[i] is where row i starts; offsets[count] is the whole list's height. */
export function rowOffsets(count: number, heightOf: (index: number) => number): number[] {
  const offsets = new Array<number>(count + 1)
  offsets[0] = 0
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + heightOf(i)
  return offsets
}

/** The first row that ends below y (the row count when none does). */
export function rowAt(offsets: readonly number[], y: number): number {
  let lo = 0
  let hi = offsets.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (offsets[mid + 1] <= y) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The indices to draw, in order: the rows within the overscan of the view, and any pinned row outside it. */
export function windowRows(
  offsets: readonly number[],
  view: { top: number; height: number },
  isPinned: (index: number) => boolean,
): number[] {
  const count = offsets.length - 1
  const from = rowAt(offsets, view.top - OVERSCAN_PX)
  const to = Math.min(count, rowAt(offsets, view.top + view.height + OVERSCAN_PX) + 1)
  const drawn: number[] = []
  for (let i = 0; i < count; i++) if ((i >= from && i < to) || isPinned(i)) drawn.push(i)
  return drawn
}
