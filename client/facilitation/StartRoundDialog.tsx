// The facilitator starts a dot-voting round: on opportunities or solutions, on the whole board or only the
// children of one node (the selected one by default), N votes each, several on one card or not, and whether
// people on the view link vote too or only watch.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect, useMemo, useRef, useState } from 'react'
import { MAX_VOTES_PER_PERSON, roundCandidates } from '../../shared/voting'
import type { VoteTarget } from '../../shared/voting'
import { walkTree } from '../../shared/tree'
import { TARGET_LABEL } from '../../shared/voting'
import { boardState } from '../editor/state'
import { KIND_LABEL } from '../editor/kinds'
import type { FacilitationSession } from './session'

export function StartRoundDialog({ session, editor }: { session: FacilitationSession; editor: Editor }) {
  const open = useValue('start dialog', () => session.startDialogOpen.get(), [session])
  if (!open) return null
  return <Dialog session={session} editor={editor} />
}

function Dialog({ session, editor }: { session: FacilitationSession; editor: Editor }) {
  const tree = useValue('tree', () => boardState(editor).tree.get(), [editor])
  // Sensible defaults from the selection: an opportunity with solutions → its solutions; an outcome → its opportunities.
  const initial = useMemo(() => {
    const id = editor.getSelectedShapeIds()[0] as string | undefined
    const node = id ? tree.byId.get(id) : undefined
    if (node && node.children.some((c) => c.kind === 'solution')) return { target: 'solution' as VoteTarget, scopeId: node.id }
    if (node && node.children.some((c) => c.kind === 'opportunity')) return { target: 'opportunity' as VoteTarget, scopeId: node.id }
    if (node?.kind === 'solution' && node.parentId) return { target: 'solution' as VoteTarget, scopeId: node.parentId }
    return { target: 'solution' as VoteTarget, scopeId: '' }
    // Only on open: the selection may change while the dialog is up.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  const [target, setTarget] = useState<VoteTarget>(initial.target)
  const [scopeId, setScopeId] = useState<string>(initial.scopeId)
  const [votes, setVotes] = useState(3)
  const [allowMultiple, setAllowMultiple] = useState(true)
  const [viewersCanVote, setViewersCanVote] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const first = useRef<HTMLInputElement>(null)
  useEffect(() => first.current?.focus(), [])

  const scopes = walkTree(tree).filter((n) => n.children.some((c) => c.kind === target))
  const scope = scopes.some((n) => n.id === scopeId) ? scopeId : ''
  const candidates = roundCandidates(tree, target, scope || null)
  const close = () => session.startDialogOpen.set(false)

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    const problem = await session.startRound({ target, scopeId: scope || null, votesPerPerson: votes, allowMultiple, viewersCanVote })
    setBusy(false)
    if (problem) setError(problem)
    else close()
  }

  return (
    <div className="ob-backdrop" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <form className="ob-dialog ob-dialog--round" role="dialog" aria-modal="true" aria-labelledby="ob-round-title" onSubmit={submit}>
        <h2 id="ob-round-title">Start dot voting</h2>
        <p className="ob-muted ob-small">Everyone votes privately. Nobody sees any votes — not even you — until you reveal them.</p>
        <fieldset className="ob-segmented" aria-label="Vote on">
          {(['opportunity', 'solution'] as const).map((kind, i) => (
            <label key={kind} className={`ob-segmented__opt${target === kind ? ' is-on' : ''}`}>
              <input ref={i === 0 ? first : undefined} type="radio" name="target" value={kind} checked={target === kind} onChange={() => setTarget(kind)} />
              {kind === 'opportunity' ? 'Opportunities' : 'Solutions'}
            </label>
          ))}
        </fieldset>
        <label className="ob-field">
          <span>Which {TARGET_LABEL[target]}</span>
          <select name="scope" value={scope} onChange={(e) => setScopeId(e.currentTarget.value)}>
            <option value="">Every {KIND_LABEL[target].toLowerCase()} on the board</option>
            {scopes.map((n) => (
              <option key={n.id} value={n.id}>
                Only under {KIND_LABEL[n.kind].toLowerCase()}: {n.props.title || 'untitled'}
              </option>
            ))}
          </select>
        </label>
        <div className="ob-detail__row2">
          <label className="ob-field">
            <span>Votes per person</span>
            <input
              name="votesPerPerson"
              type="number"
              min={1}
              max={MAX_VOTES_PER_PERSON}
              value={votes}
              onChange={(e) => setVotes(Math.min(MAX_VOTES_PER_PERSON, Math.max(1, Math.round(Number(e.currentTarget.value) || 1))))}
            />
          </label>
          <label className="ob-check">
            <input name="allowMultiple" type="checkbox" checked={allowMultiple} onChange={(e) => setAllowMultiple(e.currentTarget.checked)} />
            Several votes on one card
          </label>
        </div>
        <div style={{ display: 'flex', alignItems: 'center', gap: '2px 10px', flexWrap: 'wrap' }}>
          <label className="ob-check" style={{ paddingTop: 0, whiteSpace: 'nowrap' }}>
            <input name="viewersCanVote" type="checkbox" checked={viewersCanVote} onChange={(e) => setViewersCanVote(e.currentTarget.checked)} />
            Viewers can vote
          </label>
          <span className="ob-muted ob-small" data-testid="viewers-can-vote-note">
            {viewersCanVote ? 'People on the view link vote too.' : 'People on the view link watch; the team votes.'}
          </span>
        </div>
        <p className={`ob-small ${candidates.length ? 'ob-muted' : 'ob-error'}`} data-testid="round-candidates">
          {candidates.length
            ? `${candidates.length} ${candidates.length === 1 ? KIND_LABEL[target].toLowerCase() : TARGET_LABEL[target]} to vote on.`
            : `There are no ${TARGET_LABEL[target]} there to vote on.`}
          {target === 'solution' && candidates.length > 0 && candidates.length < 3 && ' Torres suggests comparing at least three.'}
        </p>
        {error && (
          <p className="ob-error" role="alert">
            {error}
          </p>
        )}
        <div className="ob-dialog__actions">
          <button type="button" className="ob-btn ob-btn--ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="ob-btn ob-btn--primary" disabled={busy || !candidates.length} data-action="start-round">
            {busy ? 'Starting…' : 'Start voting'}
          </button>
        </div>
      </form>
    </div>
  )
}
