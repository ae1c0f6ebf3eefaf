// The session's corner of the top bar: the shared timer for everyone, a "Results" button once votes are
// revealed, and for the facilitator (owner link) the Facilitate menu. Others never get the controls — and
// the server would refuse them anyway.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useMenu } from '../ui/use-menu'
import { myName } from './Facilitation'
import { currentSession } from './session'
import type { FacilitationSession } from './session'
import { TimerWidget } from './TimerWidget'

export function SessionControls({ editor }: { editor: Editor | null }) {
  const session = useValue('session', () => currentSession.get(), [])
  if (!session || !editor) return null
  return (
    <div className="ob-session-controls">
      <TimerWidget session={session} />
      <ResultsButton session={session} />
      {session.isFacilitator && <FacilitateMenu session={session} editor={editor} />}
    </div>
  )
}

function ResultsButton({ session }: { session: FacilitationSession }) {
  const show = useValue('results button', () => !!session.counts.get() && !session.resultsOpen.get(), [session])
  if (!show) return null
  return (
    <button className="ob-btn ob-btn--ghost ob-small" onClick={() => session.resultsOpen.set(true)} data-action="show-results" title="Last revealed voting results">
      <span aria-hidden>●</span> <span className="ob-topbar__label">Results</span>
    </button>
  )
}

function FacilitateMenu({ session, editor }: { session: FacilitationSession; editor: Editor }) {
  const { open, setOpen, ref } = useMenu()
  const inRound = useValue('in round', () => !!session.openRound.get(), [session])
  const pick = (fn: () => void) => () => {
    setOpen(false)
    fn()
  }
  return (
    <div className="ob-facil" ref={ref}>
      <button className={`ob-btn ob-small ob-facil__btn${open ? ' is-on' : ''}`} onClick={() => setOpen((v) => !v)} aria-expanded={open} data-action="facilitate">
        Facilitate ▾
      </button>
      {open && (
        <div className="ob-popover ob-menu" role="menu" aria-label="Facilitation" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <button
            role="menuitem"
            className="ob-menu__item"
            disabled={inRound}
            onClick={pick(() => session.startDialogOpen.set(true))}
            data-action="start-voting"
          >
            <span className="ob-menu__icon" aria-hidden>
              ●
            </span>
            <span>
              <strong>Start dot voting…</strong>
              <small>{inRound ? 'A round is open: reveal or cancel it first' : 'Private votes on opportunities or solutions'}</small>
            </span>
          </button>
          <button role="menuitem" className="ob-menu__item" onClick={pick(() => void session.summon(editor, myName()))} data-action="summon">
            <span className="ob-menu__icon" aria-hidden>
              ◉
            </span>
            <span>
              <strong>Bring everyone here</strong>
              <small>Move every participant’s view to what you see now</small>
            </span>
          </button>
          <button role="menuitem" className="ob-menu__item" onClick={pick(() => session.timerOpen.set(true))} data-action="open-timer">
            <span className="ob-menu__icon" aria-hidden>
              ◔
            </span>
            <span>
              <strong>Timer…</strong>
              <small>A countdown everyone sees: 3, 5, 10 minutes or your own</small>
            </span>
          </button>
        </div>
      )}
    </div>
  )
}
