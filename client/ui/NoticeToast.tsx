import { useValue } from '@tldraw/tldraw'
import { notice } from './notice'

/** One short message at a time (refused moves, read-only reminders), announced to screen readers. */
export function NoticeToast() {
  const current = useValue('notice', () => notice.get(), [])
  return (
    <div className="ob-toast-region" role="status" aria-live="polite">
      {current && (
        <div key={current.id} className={`ob-toast ob-toast--${current.tone}`} data-testid="notice">
          {current.text}
          <button className="ob-toast__close" aria-label="Dismiss" onClick={() => notice.set(null)}>
            ×
          </button>
        </div>
      )}
    </div>
  )
}
