// The bet's corner of the top bar: a chip naming the locked bet (opens the bet panel) and the export menu.
// The decision log and import live in the top bar's "More" menu (board/MoreMenu.tsx).

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { ExportMenu } from '../exports/ExportMenu'
import { TRACKER_NAME } from './api'
import type { TrackerName } from './api'
import { betContext, lockedBet, openDrawer } from './state'

export function BetTopBar({ editor }: { editor: Editor | null }) {
  const bet = useValue('locked bet', () => lockedBet.get(), [])
  const ctx = useValue('bet context', () => betContext.get(), [])
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
      <ExportMenu editor={editor} />
    </div>
  )
}
