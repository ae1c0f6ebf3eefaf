// Compare the solutions of one opportunity side by side (Torres: generate and compare at least three, only
// against each other): title, status, impact · confidence · ease and the ICE score, how many assumptions
// sit under each and how many are tested, and revealed votes. ICE parts are editable right here.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect, useRef } from 'react'
import type { AssumptionProps, SolutionProps, OpportunityProps } from '../../shared/model'
import { ICE_METHOD, iceScore, opportunityScore } from '../../shared/scoring'
import { NumberInput } from '../ui/NumberInput'
import { addChild, focusNode, updateNodeProps } from '../editor/actions'
import { boardState } from '../editor/state'
import { cardVoting } from '../editor/votes'
import { KIND_ICON } from '../editor/kinds'
import { sortChildrenByScore } from './sort'

export function CompareView({ editor, opportunityId, onClose }: { editor: Editor; opportunityId: string; onClose: () => void }) {
  const opportunity = useValue('compare opportunity', () => boardState(editor).tree.get().byId.get(opportunityId) ?? null, [editor, opportunityId])
  const readonly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const counts = useValue('vote counts', () => cardVoting.get()?.counts.get() ?? null, [])
  const closeRef = useRef<HTMLButtonElement>(null)
  useEffect(() => closeRef.current?.focus(), [])
  // Escape closes it wherever focus is (after an edit the focus is back on the page, not in the dialog).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      e.stopPropagation()
      onClose()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [onClose])
  if (!opportunity) return null
  const solutions = opportunity.children.filter((c) => c.kind === 'solution')
  const scores = solutions.map((s) => {
    const p = s.props as SolutionProps
    return iceScore(p.impact, p.confidence, p.ease)
  })
  const best = Math.max(...scores.map((s) => s ?? -1))
  const op = opportunity.props as OpportunityProps
  const oppScore = opportunityScore(op.importance, op.satisfaction)
  const missing = Math.max(0, 3 - solutions.length)

  return (
    <div className="ob-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <section className="ob-dialog ob-compare" role="dialog" aria-modal="true" aria-labelledby="ob-compare-title" data-testid="compare-view">
        <header className="ob-compare__head">
          <div>
            <span className="ob-compare__kicker">
              {KIND_ICON.opportunity} Opportunity{oppScore !== null ? ` · score ${oppScore}` : ''}
            </span>
            <h2 id="ob-compare-title">{opportunity.props.title || 'Untitled opportunity'}</h2>
          </div>
          <button ref={closeRef} className="ob-btn ob-btn--ghost ob-small" onClick={onClose} aria-label="Close compare view">
            ✕
          </button>
        </header>

        {missing > 0 && (
          <p className="ob-hint ob-hint--warn" data-testid="compare-few">
            {solutions.length === 0 ? 'No solutions yet.' : `Only ${solutions.length} ${solutions.length === 1 ? 'solution' : 'solutions'} to compare.`} Torres
            suggests generating at least three for the target opportunity, so you pick between options instead of
            judging one idea on its own — add {missing} more.
          </p>
        )}

        <div className="ob-compare__grid" style={{ gridTemplateColumns: `repeat(${Math.max(solutions.length, 1)}, minmax(200px, 1fr))` }}>
          {solutions.map((s, i) => {
            const p = s.props as SolutionProps
            const assumptions = s.children.filter((c) => c.kind === 'assumption')
            const tested = assumptions.filter((a) => (a.props as AssumptionProps).result !== 'untested').length
            const score = scores[i]
            const votes = counts?.get(s.id)
            const isBest = score !== null && score === best && solutions.length > 1
            return (
              <article key={s.id} className={`ob-compare__col${isBest ? ' is-best' : ''}`} data-node-id={s.id} data-testid="compare-col">
                <button className="ob-compare__title" onClick={() => { onClose(); focusNode(editor, s.id) }} title="Show on the board">
                  {p.title || 'Untitled solution'}
                </button>
                <div className="ob-compare__meta">
                  <span className={`ob-chip ob-chip--status-${p.status}`}>{p.status}</span>
                  {votes && <span className="ob-chip" title="Revealed dot votes">● {votes.votes} {votes.votes === 1 ? 'vote' : 'votes'}</span>}
                  {isBest && <span className="ob-chip ob-chip--best">highest ICE</span>}
                </div>
                <div className="ob-compare__ice">
                  <NumberInput className="ob-field ob-compare__field" label="Impact" name="impact" value={p.impact} min={1} max={10} disabled={readonly} onCommit={(impact) => updateNodeProps(editor, s.id, { impact })} />
                  <NumberInput className="ob-field ob-compare__field" label="Confidence" name="confidence" value={p.confidence} min={1} max={10} disabled={readonly} onCommit={(confidence) => updateNodeProps(editor, s.id, { confidence })} />
                  <NumberInput className="ob-field ob-compare__field" label="Ease" name="ease" value={p.ease} min={1} max={10} disabled={readonly} onCommit={(ease) => updateNodeProps(editor, s.id, { ease })} />
                </div>
                <div className="ob-compare__score" data-testid="compare-ice">
                  <small>ICE</small>
                  <strong>{score ?? '–'}</strong>
                </div>
                <div className="ob-compare__assumptions">
                  <span>
                    <strong>
                      {tested}/{assumptions.length}
                    </strong>{' '}
                    {assumptions.length === 1 ? 'assumption' : 'assumptions'} tested
                  </span>
                  <div className="ob-compare__bar" aria-hidden>
                    <span style={{ width: assumptions.length ? `${(tested / assumptions.length) * 100}%` : 0 }} />
                  </div>
                  {assumptions.length === 0 && <span className="ob-muted ob-small">Which assumptions must be true?</span>}
                </div>
              </article>
            )
          })}
          {solutions.length === 0 && <p className="ob-muted">Add solutions under this opportunity to compare them.</p>}
        </div>

        <footer className="ob-compare__foot">
          <span className="ob-muted ob-small">ICE = {ICE_METHOD} of impact, confidence and ease (1–10) — an aid for discussion, not a verdict.</span>
          {!readonly && (
            <>
              {solutions.length > 1 && (
                <button className="ob-btn ob-small" onClick={() => sortChildrenByScore(editor, opportunity.id)} data-action="compare-sort">
                  ↓ Order on the board by ICE
                </button>
              )}
              <button
                className="ob-btn ob-btn--kind-solution ob-small"
                onClick={() => {
                  onClose()
                  addChild(editor, opportunity.id, 'solution', { edit: true })
                }}
              >
                + Solution
              </button>
            </>
          )}
        </footer>
      </section>
    </div>
  )
}

