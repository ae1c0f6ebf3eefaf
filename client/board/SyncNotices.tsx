// What the document binding (client/sync/BoardSync.ts) must tell the person and not let slip by in a toast:
// a card field of theirs that someone's concurrent edit replaced (with their value and one click to put it
// back), and a board moved to a newer document format than this page writes (reload to keep editing).

import { useValue } from '@tldraw/tldraw'
import { isNodeKind } from '../../shared/model'
import { KIND_LABEL } from '../editor/kinds'
import type { BoardSync, FieldConflict } from '../sync/BoardSync'

export const OUTDATED_TEXT = 'This board was updated to a newer format — reload the page to keep editing. Your changes on this device are kept.'

export function SyncNotices({ sync }: { sync: BoardSync }) {
  const outdated = useValue('layout outdated', () => sync.outdated.get(), [sync])
  // A card deleted since has nothing to put back into.
  const conflicts = useValue('field conflicts', () => sync.conflicts.get().filter((c) => sync.store.has(c.recordId as never)), [sync])
  if (!outdated && !conflicts.length) return null
  return (
    <div className="ob-sync-notices">
      {outdated && (
        <div className="ob-sync-notice ob-sync-notice--outdated" role="alert" data-testid="layout-outdated">
          <p>{OUTDATED_TEXT}</p>
          <button className="ob-btn ob-btn--primary ob-small" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      )}
      {!outdated &&
        conflicts.map((conflict) => (
          <div key={conflict.id} className="ob-sync-notice" role="status" aria-live="polite" data-testid="field-conflict" data-record-id={conflict.recordId} data-field={conflict.field}>
            <p>
              {cardName(conflict)}: your {conflict.field} was replaced by someone&rsquo;s edit made at the same time. You had{' '}
              <q className="ob-sync-notice__mine">{shown(conflict.mine)}</q>.
            </p>
            <div className="ob-sync-notice__actions">
              <button className="ob-btn ob-btn--primary ob-small" onClick={() => sync.putBack(conflict.id)}>
                Put it back
              </button>
              <button className="ob-btn ob-btn--ghost ob-small" onClick={() => sync.dismissConflict(conflict.id)}>
                Keep theirs
              </button>
            </div>
          </div>
        ))}
    </div>
  )
}

function cardName(conflict: FieldConflict): string {
  const kind = isNodeKind(conflict.kind) ? KIND_LABEL[conflict.kind] : 'Card'
  return conflict.title ? `${kind} “${conflict.title}”` : `An untitled ${kind.toLowerCase()}`
}

/** A prop value as the person typed or picked it. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'nothing'
  if (Array.isArray(value)) return value.map(String).join(', ')
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}
