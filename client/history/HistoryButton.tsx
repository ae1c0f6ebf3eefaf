// The top bar's "History" entry: opens and closes the history panel.

import { useValue } from '@tldraw/tldraw'
import { closeHistory, historyContext, historyOpen, openHistory } from './state'

export function HistoryButton() {
  const ctx = useValue('history context', () => historyContext.get(), [])
  const open = useValue('history open', () => historyOpen.get(), [])
  if (!ctx) return null
  return (
    <button
      className={`ob-btn ob-btn--ghost ob-small${open ? ' is-on' : ''}`}
      onClick={() => (open ? closeHistory() : openHistory())}
      aria-expanded={open}
      title="Earlier versions of this board: browse, compare and restore"
      data-action="history"
    >
      ⟲ History
    </button>
  )
}
