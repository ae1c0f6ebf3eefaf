// The page a link that cannot open the board ends on: what went wrong in words, and the way home.

import { navigate } from '../platform/router'

export function deniedMessage(status: number, fallback: string) {
  if (status === 404) return 'This board does not exist (or was deleted).'
  if (status === 401) return 'This link is not valid for this board. It may have been rotated; ask the owner for a new one.'
  if (status === 403) return 'Your link does not allow this.'
  return fallback
}

export function AccessDenied({ message }: { message: string }) {
  return (
    <main className="ob-page ob-center" data-testid="access-denied">
      <div className="ob-panel-card ob-denied">
        <span className="ob-status ob-status--denied" data-status="denied">
          Access denied
        </span>
        <h1>Can’t open this board</h1>
        <p>{message}</p>
        <button className="ob-btn ob-btn--primary" onClick={() => navigate('/')}>
          Go to your boards
        </button>
      </div>
    </main>
  )
}
