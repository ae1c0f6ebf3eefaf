// Collects what the page could not load from the document and tells the person in one notice per burst, since
// one bad edit can skip many records at once and a notice each would bury the board.

import type { Atom } from '@tldraw/tldraw'
import type { SkippedRecord } from '../../shared/tree'
import { showNotice } from '../ui/notice'

/** Returns the reporter: it adds to `skipped` (in the order met) and says how many and why. */
export function skippedReporter(skipped: Atom<SkippedRecord[]>): (items: readonly SkippedRecord[]) => void {
  let noticeQueued = false
  return (items) => {
    if (!items.length) return
    skipped.set([...skipped.get(), ...items])
    console.warn('outcome board: skipped what could not be loaded', items)
    if (noticeQueued) return
    noticeQueued = true
    queueMicrotask(() => {
      noticeQueued = false
      const all = skipped.get()
      const reasons = [...new Set(all.map((s) => s.reason))]
      const why = reasons.slice(0, 2).join('; ') + (reasons.length > 2 ? '; …' : '')
      showNotice(`${all.length} ${all.length === 1 ? 'record' : 'records'} on this board could not be loaded and ${all.length === 1 ? 'was' : 'were'} skipped (${why}).`, 'warn', 20_000)
    })
  }
}
