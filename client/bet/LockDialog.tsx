// "Lock in as the bet": previews what the server will store — the path from the live tree through the same
// shared functions (betPath, snapshotBet) — with the Torres hints as warnings, then locks it via the API.
// Warnings inform; they never block. One bet per board: the server answers 409 while another is locked.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useRef, useState } from 'react'
import { betPath, snapshotBet } from '../../shared/bet'
import { ApiError } from '../platform/api'
import { Modal } from '../ui/Modal'
import { showNotice } from '../ui/notice'
import { boardState } from '../editor/state'
import { boardContext, canEditBoard, displayName } from '../editor/board-context'
import { lockedBet } from '../editor/bet'
import { betApi } from './api'
import { BetPathView, BetWarnings } from './BetPath'
import { lockDialogFor, openDrawer } from './state'
import { WhyField } from './WhyField'

export function LockDialog({ editor }: { editor: Editor }) {
  const solutionId = useValue('lock dialog for', () => lockDialogFor.get(), [])
  if (!solutionId) return null
  return <Dialog editor={editor} solutionId={solutionId} />
}

function Dialog({ editor, solutionId }: { editor: Editor; solutionId: string }) {
  const preview = useValue(
    'bet preview',
    () => {
      const result = betPath(boardState(editor).tree.get(), solutionId)
      return result.ok ? { ok: true as const, snapshot: snapshotBet(result.path) } : result
    },
    [editor, solutionId],
  )
  const current = useValue('locked bet', () => lockedBet.get(), [])
  const ctx = useValue('bet context', () => boardContext.get(), [])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [why, setWhy] = useState('')
  const lockRef = useRef<HTMLButtonElement>(null)
  const close = () => lockDialogFor.set(null)
  const allowed = canEditBoard(ctx)
  const blocked = !!current && current.solutionId !== solutionId

  const lock = async () => {
    if (!ctx || !preview.ok) return
    setBusy(true)
    setError(null)
    try {
      const bet = await betApi.lock(ctx.boardId, ctx.token, solutionId, displayName(), why)
      lockedBet.set(bet) // the document brings the same a moment later
      close()
      openDrawer.set('bet')
      showNotice(`Locked in “${bet.title || 'the solution'}” as the bet.`, 'info', 3500)
    } catch (e) {
      const message = e instanceof ApiError ? e.message : String(e)
      setError(e instanceof ApiError && e.status === 0 ? 'You are offline: locking needs the server.' : message.charAt(0).toUpperCase() + message.slice(1))
      setBusy(false)
    }
  }

  return (
    <Modal labelledBy="ob-lock-title" onClose={close} className="ob-dialog--bet" testId="lock-dialog" initialFocus={lockRef}>
      <header className="ob-bethead">
        <span className="ob-bethead__kicker">★ Lock in the bet</span>
        <h2 id="ob-lock-title">{preview.ok ? preview.snapshot.solution.title || 'Untitled solution' : 'This card cannot be the bet'}</h2>
        <p className="ob-muted ob-small">The team commits to this solution next. Its path is frozen in the decision log and its cards are locked for everyone until the owner unlocks it.</p>
      </header>
      {preview.ok ? (
        <>
          <BetPathView path={preview.snapshot} />
          <BetWarnings warnings={preview.snapshot.warnings} />
        </>
      ) : (
        <p className="ob-error" role="alert">
          {preview.reason}.
        </p>
      )}
      {blocked && (
        <p className="ob-hint ob-hint--warn" data-testid="lock-blocked">
          Another bet is locked: “{current!.title || 'untitled'}”. One bet per board — the owner has to unlock it first.
        </p>
      )}
      {preview.ok && !blocked && allowed && (
        <WhyField
          label="Why this bet? (optional)"
          name="why"
          className="ob-lockwhy"
          value={why}
          onChange={setWhy}
          placeholder="What made the team choose it: the evidence, the trade-off, what it lets you learn first"
        >
          <small className="ob-muted">Kept in the decision log and in the bet’s exports.</small>
        </WhyField>
      )}
      {error && (
        <p className="ob-error" role="alert" data-testid="lock-error">
          {error}
        </p>
      )}
      <div className="ob-dialog__actions">
        <button type="button" className="ob-btn ob-btn--ghost" onClick={close}>
          Cancel
        </button>
        <button
          ref={lockRef}
          type="button"
          className="ob-btn ob-btn--bet"
          disabled={busy || !preview.ok || blocked || !allowed}
          title={allowed ? undefined : 'A view link cannot lock the bet'}
          onClick={lock}
          data-action="confirm-lock"
        >
          {busy ? 'Locking…' : preview.ok && preview.snapshot.warnings.length ? 'Lock it in anyway' : 'Lock it in'}
        </button>
      </div>
    </Modal>
  )
}
