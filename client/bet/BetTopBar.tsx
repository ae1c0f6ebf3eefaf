// The bet's corner of the top bar: a chip naming the locked bet (opens the bet panel), beside what the board
// puts next to it (the export menu). The decision log and import live in the "More" menu (board/MoreMenu.tsx).

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import type { ReactNode } from 'react'
import { boardContext } from '../editor/board-context'
import { lockedBet } from '../editor/bet'
import { TRACKER_NAME } from './api'
import type { TrackerName } from './api'
import { openDrawer } from './state'

export function BetTopBar({ editor, children }: { editor: Editor | null; children?: ReactNode }) {
  const bet = useValue('locked bet', () => lockedBet.get(), [])
  const ctx = useValue('bet context', () => boardContext.get(), [])
  const drawer = useValue('drawer', () => openDrawer.get(), [])
  if (!ctx || !editor) return null
  return (
    <div className="ob-bettop">
      {bet && (
        <button
          className={`ob-betchip${drawer === 'bet' ? ' is-on' : ''}`}
          onClick={() => openDrawer.set(drawer === 'bet' ? null : 'bet')}
          aria-expanded={drawer === 'bet'}
          title={`The bet, locked by ${bet.lockedBy}. Open the bet panel.`}
          data-testid="bet-chip"
        >
          <span className="ob-betchip__star" aria-hidden>
            ★
          </span>
          <span className="ob-betchip__label">Bet</span>
          <span className="ob-betchip__title">{bet.title || 'Untitled solution'}</span>
          {bet.tracker && (
            <span className="ob-betchip__key" title={`Issue in ${TRACKER_NAME[bet.tracker.tracker as TrackerName] ?? bet.tracker.tracker}`}>
              {bet.tracker.key}
            </span>
          )}
        </button>
      )}
      {children}
    </div>
  )
}
