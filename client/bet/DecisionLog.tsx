// Every lock and unlock ever made on this board, newest first: who, when, why (when they said), the path as
// it was frozen, and the tracker issues made from it. Read from GET /decisions when opened and whenever the
// bet changes live.

import { useValue } from '@tldraw/tldraw'
import { useEffect, useState } from 'react'
import { ApiError } from '../platform/api'
import { Modal } from '../ui/Modal'
import { LockGlyph } from '../ui/LockGlyph'
import { boardContext } from '../editor/board-context'
import { lockedBet } from '../editor/bet'
import { TRACKER_NAME, betApi } from './api'
import type { Decision, TrackerName } from './api'
import { BetPathView } from './BetPath'
import { when } from './BetPanel'
import { openDrawer } from './state'

export function DecisionLog() {
  const open = useValue('decisions drawer', () => openDrawer.get() === 'decisions', [])
  if (!open) return null
  return <Log />
}

function Log() {
  const ctx = useValue('bet context', () => boardContext.get(), [])
  // Refetch when the bet changes (someone locks, unlocks or pushes while the log is open).
  const bet = useValue('locked bet', () => lockedBet.get(), [])
  const [entries, setEntries] = useState<Decision[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [expanded, setExpanded] = useState<string | number | null>(null)
  const close = () => openDrawer.set(null)

  useEffect(() => {
    if (!ctx) return
    let cancelled = false
    betApi.decisions(ctx.boardId, ctx.token).then(
      (list) => {
        if (cancelled) return
        setEntries([...list].reverse())
        setError(null)
      },
      (e) => !cancelled && setError(e instanceof ApiError && e.status === 0 ? 'Offline: the decision log lives on the server.' : String(e instanceof Error ? e.message : e)),
    )
    return () => {
      cancelled = true
    }
  }, [ctx, bet?.solutionId, bet?.lockedAt, bet?.tracker?.key])

  return (
    <Modal labelledBy="ob-decisions-title" onClose={close} variant="drawer" className="ob-decisions" testId="decision-log">
      <div className="ob-drawer__head">
        <div>
          <span className="ob-bethead__kicker ob-bethead__kicker--plain">Decision log</span>
          <h2 id="ob-decisions-title">Bets locked and unlocked</h2>
        </div>
        <button className="ob-btn ob-btn--ghost ob-small" onClick={close} aria-label="Close the decision log">
          ✕
        </button>
      </div>
      <div className="ob-drawer__body">
        {error && <p className="ob-error">{error}</p>}
        {!entries && !error && <div className="ob-spinner" aria-label="Loading" />}
        {entries && !entries.length && <p className="ob-muted">No decisions yet. Locking a bet records who chose what, when, and why.</p>}
        {entries && entries.length > 0 && (
          <ol className="ob-decisions__list">
            {entries.map((d) => {
              const isOpen = expanded === d.id
              return (
                <li key={d.id} className={`ob-decision ob-decision--${d.action}`} data-action-kind={d.action} data-testid="decision">
                  <div className="ob-decision__line">
                    <span className={`ob-decision__tag ob-decision__tag--${d.action}`}><LockGlyph open={d.action === 'unlock'} /> {d.action === 'lock' ? 'Locked' : 'Unlocked'}</span>
                    <strong className="ob-decision__title">{d.title || 'Untitled solution'}</strong>
                  </div>
                  <div className="ob-decision__who ob-small">
                    by <strong>{d.by || 'someone'}</strong> <span className="ob-muted">({d.role}) · {when(d.at)}</span>
                  </div>
                  {d.why && (
                    <p className="ob-decision__why ob-small" data-testid="decision-why" style={{ margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                      <strong>Why:</strong> {d.why}
                    </p>
                  )}
                  <div className="ob-decision__path ob-small ob-muted">
                    {[d.bet.path.outcome.title, ...d.bet.path.opportunities.map((o) => o.title), d.bet.path.solution.title].map((t) => t || 'Untitled').join(' → ')}
                  </div>
                  {d.pushes.length > 0 && (
                    <ul className="ob-decision__pushes">
                      {d.pushes.map((p) => (
                        <li key={`${p.tracker}-${p.key}-${p.at}`}>
                          <a href={p.url} target="_blank" rel="noreferrer noopener">
                            {p.key}
                          </a>{' '}
                          <span className="ob-muted">
                            in {TRACKER_NAME[p.tracker as TrackerName] ?? p.tracker} · {when(p.at)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                  <button className="ob-linkbtn ob-small" aria-expanded={isOpen} onClick={() => setExpanded(isOpen ? null : d.id)}>
                    {isOpen ? 'Hide the snapshot' : 'Show the snapshot'}
                  </button>
                  {isOpen && <BetPathView path={d.bet.path} />}
                </li>
              )
            })}
          </ol>
        )}
      </div>
    </Modal>
  )
}
