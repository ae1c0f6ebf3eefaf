// Deleting a board (owner): a dialog that names the board and asks for its title typed out before the one
// irreversible action in the app; and the screen everyone else on the board sees once it is gone.

import { useEffect, useState } from 'react'
import { ApiError, request } from '../platform/api'
import { forgetBoard, setHomeNotice } from '../platform/local'
import { navigate } from '../platform/router'
import type { BoardMeta } from '../platform/api'
import { Modal } from '../ui/Modal'

/** This browser's copy of a deleted board goes too (it waits until the page's connection to it closes). */
function forgetLocally(boardId: string) {
  forgetBoard(boardId)
  try {
    indexedDB.deleteDatabase(`outcome-board/${boardId}`)
  } catch {
    // IndexedDB unavailable: there is no copy
  }
}

export function DeleteBoardDialog({ meta, onClose }: { meta: BoardMeta; onClose: () => void }) {
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const title = meta.title.trim()
  const confirmed = typed.trim() === title

  const remove = async () => {
    if (!confirmed || busy) return
    setBusy(true)
    setError(null)
    try {
      await request(`/api/boards/${encodeURIComponent(meta.id)}`, { method: 'DELETE' }, meta.token)
    } catch (e) {
      // Already gone (someone else deleted it): the outcome is the one asked for.
      if (!(e instanceof ApiError && e.status === 404)) {
        setError(e instanceof ApiError && e.status === 0 ? 'The server cannot be reached. Nothing was deleted.' : (e as Error).message)
        setBusy(false)
        return
      }
    }
    forgetLocally(meta.id)
    setHomeNotice(`The board “${title}” was deleted.`)
    navigate('/')
  }

  return (
    <Modal labelledBy="ob-delete-board-title" onClose={busy ? () => {} : onClose} testId="delete-board-dialog">
      <h2 id="ob-delete-board-title">Delete “{title}”?</h2>
      <p>
        This deletes the board for everyone, for good: its tree, the locked bet and decision log, voting rounds and the timer.
        People on the board now are sent off it, and every link to it stops working. It cannot be undone; export the tree
        first if you may want it back.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void remove()
        }}
      >
        <label className="ob-field">
          <span>
            Type <strong>{title}</strong> to confirm
          </span>
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            data-testid="delete-board-confirm-title"
            aria-label="The board's title, to confirm"
          />
        </label>
        {error && (
          <p className="ob-error ob-small" role="alert">
            {error}
          </p>
        )}
        <div className="ob-dialog__actions">
          <button type="button" className="ob-btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="ob-btn ob-btn--danger" disabled={!confirmed || busy} data-action="confirm-delete-board">
            {busy ? 'Deleting…' : 'Delete board'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

/** Shown to everyone else on the board once the owner deleted it (the server closed their socket with 4404). */
export function BoardDeleted({ boardId }: { boardId: string }) {
  useEffect(() => forgetLocally(boardId), [boardId])
  return (
    <main className="ob-page ob-center" data-testid="board-deleted">
      <div className="ob-panel-card ob-denied" role="alert">
        <h1>This board was deleted</h1>
        <p>Its owner deleted it for good while you were on it. Its links no longer work.</p>
        <button className="ob-btn ob-btn--primary" onClick={() => navigate('/')}>
          Go to your boards
        </button>
      </div>
    </main>
  )
}
