// The locked bet: its path as frozen at lock time, who locked it and when, the tracker issue once pushed;
// exports (copy or download as markdown, JSON, Jira CSV), push to the configured trackers (editors), and
// unlock (owner only, after a confirm). A drawer on the right; the board stays usable beside it.

import { useValue } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { useState } from 'react'
import { betExport } from '../../shared/bet'
import type { LockedBet } from '../../shared/bet'
import { FORMAT_LABEL } from '../../shared/formats/export-format'
import type { ExportFormat } from '../../shared/formats/export-format'
import { ApiError } from '../platform/api'
import { copyText, downloadText } from '../platform/files'
import { Modal } from '../ui/Modal'
import { LockGlyph } from '../ui/LockGlyph'
import { showNotice } from '../ui/notice'
import { focusNode } from '../editor/actions'
import { boardContext, canEditBoard, displayName } from '../editor/board-context'
import type { BoardContext } from '../editor/board-context'
import { lockedBet } from '../editor/bet'
import { TRACKER_NAME, betApi } from './api'
import type { TrackerName } from './api'
import { BetPathView, BetWarnings } from './BetPath'
import { openDrawer } from './state'
import { WhyField } from './WhyField'

export const when = (iso: string) => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function BetPanel({ editor }: { editor: Editor }) {
  const open = useValue('bet drawer', () => openDrawer.get() === 'bet', [])
  const bet = useValue('locked bet', () => lockedBet.get(), [])
  const ctx = useValue('bet context', () => boardContext.get(), [])
  if (!open || !ctx) return null
  const close = () => openDrawer.set(null)
  return (
    <Modal labelledBy="ob-betpanel-title" onClose={close} variant="drawer" className="ob-betpanel" testId="bet-panel">
      <div className="ob-drawer__head">
        <div>
          <span className="ob-bethead__kicker">★ The bet</span>
          <h2 id="ob-betpanel-title">{bet ? bet.title || 'Untitled solution' : 'No bet locked'}</h2>
        </div>
        <button className="ob-btn ob-btn--ghost ob-small" onClick={close} aria-label="Close the bet panel">
          ✕
        </button>
      </div>
      {bet ? (
        <BetBody bet={bet} ctx={ctx} editor={editor} />
      ) : (
        <div className="ob-drawer__body">
          <p className="ob-muted">Select a solution and choose “Lock in as the bet” to commit to it. The decision log keeps every lock and unlock.</p>
        </div>
      )}
    </Modal>
  )
}

function BetBody({ bet, ctx, editor }: { bet: LockedBet; ctx: BoardContext; editor: Editor }) {
  return (
    <div className="ob-drawer__body">
      <div className="ob-betmeta" data-testid="bet-meta">
        <span>
          Locked by <strong>{bet.lockedBy || 'someone'}</strong>
        </span>
        <span className="ob-muted">{when(bet.lockedAt)}</span>
        <button className="ob-linkbtn" onClick={() => focusNode(editor, bet.solutionId as TLShapeId)}>
          Show on the board
        </button>
      </div>
      {bet.why && (
        <p className="ob-small" data-testid="bet-why" style={{ margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          <strong>Why this bet:</strong> {bet.why}
        </p>
      )}
      {bet.tracker && (
        <a className="ob-tracker-link" href={bet.tracker.url} target="_blank" rel="noreferrer noopener" data-testid="bet-tracker-link">
          <span className="ob-tracker-link__key">{bet.tracker.key}</span>
          <span>Issue in {TRACKER_NAME[bet.tracker.tracker as TrackerName] ?? bet.tracker.tracker} ↗</span>
        </a>
      )}
      <BetPathView path={bet.path} />
      {bet.path.warnings.length > 0 && <BetWarnings warnings={bet.path.warnings} />}
      <ExportRows bet={bet} ctx={ctx} />
      <PushRow ctx={ctx} bet={bet} />
      <footer className="ob-drawer__foot">
        <button className="ob-btn ob-btn--ghost ob-small" onClick={() => openDrawer.set('decisions')} data-action="open-decisions">
          Decision log
        </button>
        <UnlockButton ctx={ctx} />
      </footer>
    </div>
  )
}

function ExportRows({ bet, ctx }: { bet: LockedBet; ctx: BoardContext }) {
  const [copied, setCopied] = useState<ExportFormat | null>(null)
  const formats: { format: ExportFormat; note: string }[] = [
    { format: 'md', note: 'A ready tracker issue' },
    { format: 'json', note: 'Everything, for scripts' },
    { format: 'csv', note: 'Jira CSV import' },
  ]
  return (
    <section className="ob-betsection" aria-label="Export the bet">
      <h3>Export</h3>
      <div className="ob-exportrows">
        {formats.map(({ format, note }) => (
          <div key={format} className="ob-exportrow">
            <span className="ob-exportrow__label">
              <strong>{FORMAT_LABEL[format]}</strong>
              <small className="ob-muted">{note}</small>
            </span>
            <button
              className="ob-btn ob-small"
              data-action={`copy-bet-${format}`}
              onClick={async () => {
                try {
                  await copyText(betExport(bet, ctx.viewUrl, format))
                  setCopied(format)
                  setTimeout(() => setCopied((c) => (c === format ? null : c)), 1600)
                } catch (e) {
                  showNotice(`Could not copy: ${e instanceof Error ? e.message : e}`, 'warn')
                }
              }}
            >
              {copied === format ? '✓ Copied' : 'Copy'}
            </button>
            <button className="ob-btn ob-small" data-action={`download-bet-${format}`} onClick={() => {
                try {
                  downloadText(betExport(bet, ctx.viewUrl, format), `bet-${bet.title}`, format)
                } catch (e) {
                  showNotice(`Could not export: ${e instanceof Error ? e.message : e}`, 'warn')
                }
              }}>
              Download
            </button>
          </div>
        ))}
      </div>
    </section>
  )
}

type PushState = { tracker: TrackerName; status: 'busy' } | { tracker: TrackerName; status: 'error'; message: string } | null

function PushRow({ ctx, bet }: { ctx: BoardContext; bet: LockedBet }) {
  const [state, setState] = useState<PushState>(null)
  if (!ctx.trackers.length) {
    return (
      <section className="ob-betsection" aria-label="Push to a tracker">
        <h3>Push to a tracker</h3>
        <p className="ob-muted ob-small" data-testid="no-trackers">
          No tracker is configured on this server. Set GitHub, Jira or Linear credentials on the server to create the issue from here — or copy the markdown above.
        </p>
      </section>
    )
  }
  const allowed = canEditBoard(ctx)
  const push = async (tracker: TrackerName) => {
    setState({ tracker, status: 'busy' })
    try {
      const { key } = await betApi.push(ctx.boardId, ctx.token, tracker)
      setState(null)
      showNotice(`Created ${key} in ${TRACKER_NAME[tracker]}.`, 'info', 4000)
    } catch (e) {
      const message = e instanceof ApiError && e.status === 0 ? 'You are offline: pushing needs the server.' : e instanceof Error ? e.message : String(e)
      setState({ tracker, status: 'error', message })
    }
  }
  return (
    <section className="ob-betsection" aria-label="Push to a tracker">
      <h3>Push to a tracker</h3>
      <div className="ob-pushrow">
        {ctx.trackers.map((tracker) => {
          const busy = state?.tracker === tracker && state.status === 'busy'
          return (
            <button
              key={tracker}
              className={`ob-btn ob-small ob-btn--tracker ob-btn--tracker-${tracker}`}
              disabled={!allowed || state?.status === 'busy'}
              title={allowed ? `Create an issue for this bet in ${TRACKER_NAME[tracker]}` : 'A view link cannot push the bet'}
              onClick={() => void push(tracker)}
              data-action={`push-${tracker}`}
              aria-busy={busy}
            >
              {busy ? <span className="ob-spinner ob-spinner--tiny" aria-hidden /> : null}
              {busy ? `Creating in ${TRACKER_NAME[tracker]}…` : `${bet.tracker?.tracker === tracker ? 'Push again to' : 'Push to'} ${TRACKER_NAME[tracker]}`}
            </button>
          )
        })}
      </div>
      {state?.status === 'error' && (
        <p className="ob-pusherror" role="alert" data-testid="push-error">
          <strong>{TRACKER_NAME[state.tracker]} didn’t create the issue.</strong> {state.message}
        </p>
      )}
    </section>
  )
}

function UnlockButton({ ctx }: { ctx: BoardContext }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [why, setWhy] = useState('')
  if (ctx.role !== 'owner') {
    return (
      <span className="ob-muted ob-small" title="Only the board owner can unlock the bet">
        <LockGlyph /> Only the owner can unlock
      </span>
    )
  }
  const unlock = async () => {
    setBusy(true)
    try {
      await betApi.unlock(ctx.boardId, ctx.token, displayName(), why)
      lockedBet.set(null)
      openDrawer.set(null)
      showNotice('The bet is unlocked. The decision log keeps the record.', 'info', 3500)
    } catch (e) {
      showNotice(`Could not unlock: ${e instanceof Error ? e.message : e}`, 'warn')
    } finally {
      setBusy(false)
      setConfirming(false)
      setWhy('')
    }
  }
  if (!confirming) {
    return (
      <button className="ob-btn ob-btn--danger ob-small" onClick={() => setConfirming(true)} data-action="unlock-bet">
        Unlock…
      </button>
    )
  }
  // The reason goes in the decision log beside the unlock; the field has the focus, so Enter never unlocks.
  return (
    <div className="ob-confirm" role="group" aria-label="Confirm unlock" style={{ flexDirection: 'column', alignItems: 'stretch', gap: 6, padding: 8, flex: '1 1 100%' }}>
      <WhyField
        label="Why unlock? (optional)"
        name="unlockWhy"
        value={why}
        onChange={setWhy}
        placeholder="What changed: a failed test, new evidence, a better option"
        autoFocus
      />
      <span style={{ display: 'flex', alignItems: 'center', gap: 6, justifyContent: 'flex-end' }}>
        <span className="ob-small">Unlock for everyone?</span>
        <button className="ob-btn ob-btn--ghost ob-small" onClick={() => setConfirming(false)}>
          Keep it
        </button>
        <button className="ob-btn ob-btn--danger ob-small" onClick={() => void unlock()} disabled={busy} data-action="confirm-unlock">
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </span>
    </div>
  )
}
