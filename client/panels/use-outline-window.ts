// The outline's scroll view and measured row heights, as a hook: it follows the scroll position and the
// list's size, measures drawn rows as the browser lays them out, and turns both into row offsets.

import { useCallback, useEffect, useRef, useState } from 'react'
import type { Row } from './outline-rows'
import { rowOffsets } from './outline-window'

export function useOutlineWindow(rows: readonly Row[], estimate: (row: Row) => number) {
  const [view, setView] = useState({ top: 0, height: 800 })
  const [, setMeasured] = useState(0)
  const scrollRef = useRef<HTMLDivElement>(null)
  const heights = useRef(new Map<string, number>())

  // Offsets from measured heights (an estimate for rows never drawn).
  const offsets = rowOffsets(rows.length, (i) => heights.current.get(rows[i].node.id) ?? estimate(rows[i]))

  // Track the scroll position and the list's height.
  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    let frame = 0
    const update = () => {
      frame = 0
      setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }))
    }
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update)
    }
    update()
    el.addEventListener('scroll', onScroll, { passive: true })
    const resize = new ResizeObserver(onScroll)
    resize.observe(el)
    return () => {
      el.removeEventListener('scroll', onScroll)
      resize.disconnect()
      cancelAnimationFrame(frame)
    }
  }, [rows.length === 0])

  // Measure the drawn rows as the browser lays them out (a ResizeObserver never forces a layout); a changed
  // height moves the rows below it.
  const observer = useRef<ResizeObserver | null>(null)
  useEffect(() => () => observer.current?.disconnect(), [])
  const measure = useCallback((el: HTMLLIElement | null) => {
    if (!el) return
    observer.current ??= new ResizeObserver((entries) => {
      let changed = false
      for (const entry of entries) {
        const id = (entry.target as HTMLElement).dataset.id
        const h = entry.borderBoxSize?.[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight
        if (!id || !h) continue
        if (heights.current.get(id) !== h) {
          heights.current.set(id, h)
          changed = true
        }
      }
      if (changed) setMeasured((n) => n + 1)
    })
    const ro = observer.current
    ro.observe(el)
    return () => ro.unobserve(el)
  }, [])

  return { scrollRef, view, offsets, measure }
}
