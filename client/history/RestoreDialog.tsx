// Restoring (owner only): the whole version, or just the cards deleted since it. The confirmation says what
// happens to the present (saved as a version first, so the restore can be undone); afterwards a notice names
// the version that was saved and offers to restore it ("Undo").

import { atom, useValue } from '@tldraw/tldraw'
import { useRef, useState } from 'react'
import { ApiError } from '../platform/api'
import { Modal } from '../ui/Modal'
import { displayName } from '../editor/board-context'
import { versionsApi } from './api'
import type { VersionInfo } from './api'
import { historyContext, lastRestore, refreshList, viewing } from './state'
import { versionTitle } from './words'

export interface RestoreAsk {
  version: VersionInfo
  /** Only these cards (those deleted since the version); all of it when absent. */
  ids?: string[]
}

const asking = atom<RestoreAsk | null>('restore question', null)
export const askRestore = (ask: RestoreAsk) => asking.set(ask)

function errorText(e: unknown): string {
  if (e instanceof ApiError && e.status === 0) return 'The server cannot be reached: nothing was restored.'
  if (e instanceof ApiError && e.status === 403) return 'Only the board’s owner can restore a version.'
  return `Nothing was restored: ${e instanceof Error ? e.message : String(e)}`
}

export function RestoreDialog() {
  const ask = useValue('restore question', () => asking.get(), [])
  if (!ask) return null
  return <Confirm ask={ask} />
}

function Confirm({ ask }: { ask: RestoreAsk }) {
  const ctx = useValue('history context', () => historyContext.get(), [])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const close = () => asking.set(null)
  const some = !!ask.ids
  const n = ask.ids?.length ?? 0
  const go = async () => {
    if (!ctx) return
    setBusy(true)
    setError(null)
    try {
      const result = await versionsApi.restore(ctx.boardId, ctx.token, ask.version.id, ask.ids, displayName())
      asking.set(null)
      viewing.set(null)
      lastRestore.set(result)
      refreshList()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return (
    <Modal labelledBy="ob-restore-title" onClose={close} testId="restore-dialog" initialFocus={cancelRef}>
      <h2 id="ob-restore-title">{some ? `Bring back ${n} deleted ${n === 1 ? 'card' : 'cards'}?` : `Restore version ${ask.version.id}?`}</h2>
      <p>
        {some
          ? `The ${n === 1 ? 'card' : 'cards'} deleted since version ${ask.version.id} (“${versionTitle(ask.version)}”) come back as they were then. Nothing else on the board changes.`
          : `The board becomes exactly as it was in version ${ask.version.id} (“${versionTitle(ask.version)}”), for everyone on it right now.`}
      </p>
      <p>
        <strong>The present is saved as a version first</strong>, so this can be undone: restore that version to get today’s board back.
      </p>
      {error && (
        <p className="ob-error" role="alert">
          {error}
        </p>
      )}
      <div className="ob-dialog__actions">
        <button ref={cancelRef} className="ob-btn ob-btn--ghost" onClick={close} disabled={busy}>
          Cancel
        </button>
        <button className="ob-btn ob-btn--primary" onClick={go} disabled={busy || !ctx} data-action="confirm-restore">
          {busy ? 'Restoring…' : some ? `Bring back ${n} ${n === 1 ? 'card' : 'cards'}` : 'Save the present and restore'}
        </button>
      </div>
    </Modal>
  )
}

/** After a restore made here: what happened, and Undo (restore the version saved just before it). */
export function RestoreNotice() {
  const last = useValue('last restore', () => lastRestore.get(), [])
  const ctx = useValue('history context', () => historyContext.get(), [])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  if (!last) return null
  const undo = async () => {
    if (!ctx) return
    setBusy(true)
    setError(null)
    try {
      const result = await versionsApi.restore(ctx.boardId, ctx.token, last.saved.id, undefined, displayName())
      lastRestore.set({ ...result, undone: true })
      refreshList()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="ob-restore-notice" role="status" aria-live="polite" data-testid="restore-notice">
      <span>
        {last.undone ? (
          <>
            <strong>Restore undone.</strong> The board is back as it was before (version {last.restored.id}).
          </>
        ) : (
          <>
            <strong>Restored</strong> version {last.restored.id} (“{versionTitle(last.restored)}”). The board before it is saved as version {last.saved.id}.
          </>
        )}
        {error && <span className="ob-restore-notice__error"> {error}</span>}
      </span>
      {!last.undone && (
        <button className="ob-btn ob-small" onClick={undo} disabled={busy} data-action="undo-restore">
          {busy ? 'Undoing…' : 'Undo'}
        </button>
      )}
      <button className="ob-toast__close" aria-label="Dismiss" onClick={() => lastRestore.set(null)}>
        ×
      </button>
    </div>
  )
}
