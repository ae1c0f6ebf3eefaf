// The path of a bet as one reads it top-down: outcome → opportunities → solution, with the scores that
// justified it, the assumptions it rests on, the alternatives it beat, and the Torres hints as warnings.
// Used by the lock dialog (live preview), the bet panel and the decision log (frozen snapshots).

import type { BetSnapshot, BetWarning, SolutionSnapshot } from '../../shared/bet'
import { orderAssumptions } from '../../shared/bet'
import { KIND_ICON } from '../editor/kinds'

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v))
const fmtScore = (v: number | null) => (v === null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(1))

function Step({ kind, label, title, children, target }: { kind: string; label: string; title: string; children?: React.ReactNode; target?: boolean }) {
  return (
    <li className={`ob-betpath__step ob-betpath__step--${kind}${target ? ' is-target' : ''}`} data-kind={kind}>
      <span className="ob-betpath__icon" aria-hidden>
        {KIND_ICON[kind as keyof typeof KIND_ICON]}
      </span>
      <div className="ob-betpath__body">
        <span className="ob-betpath__label">{label}</span>
        <strong className="ob-betpath__title">{title || 'Untitled'}</strong>
        {children && <div className="ob-betpath__meta">{children}</div>}
      </div>
    </li>
  )
}

function Ice({ s }: { s: SolutionSnapshot }) {
  return (
    <>
      <span className="ob-chip ob-chip--strong ob-betpath__ice" title="ICE score: average of impact, confidence and ease">
        ICE {fmtScore(s.score)}
      </span>
      <span className="ob-muted">
        impact {fmt(s.impact)} · confidence {fmt(s.confidence)} · ease {fmt(s.ease)}
      </span>
    </>
  )
}

export function BetPathView({ path, compact }: { path: BetSnapshot; compact?: boolean }) {
  const { outcome, opportunities, solution, siblings } = path
  const assumptions = orderAssumptions(path.assumptions)
  return (
    <div className={`ob-betpath${compact ? ' ob-betpath--compact' : ''}`} data-testid="bet-path">
      <ol className="ob-betpath__steps">
        <Step kind="outcome" label="Outcome" title={outcome.title}>
          {outcome.metric ? <span>{outcome.metric}: </span> : <span className="ob-muted">No metric · </span>}
          <span>
            {fmt(outcome.baseline)} → {fmt(outcome.target)} (now {fmt(outcome.current)})
          </span>
        </Step>
        {opportunities.map((o, i) => (
          <Step key={o.id} kind="opportunity" label={i === opportunities.length - 1 ? 'Target opportunity' : 'Opportunity'} title={o.title} target={i === opportunities.length - 1}>
            <span className="ob-chip" title="importance + max(importance − satisfaction, 0)">
              score {fmtScore(o.score)}
            </span>
            <span className="ob-muted">
              importance {fmt(o.importance)} · satisfaction {fmt(o.satisfaction)} · {o.evidence.length} evidence
            </span>
          </Step>
        ))}
        <Step kind="solution" label="The bet" title={solution.title} target>
          <Ice s={solution} />
        </Step>
      </ol>
      {!compact && (
        <div className="ob-betpath__cols">
          <section>
            <h3>Assumptions ({assumptions.length})</h3>
            {assumptions.length ? (
              <ul className="ob-betpath__list">
                {assumptions.map((a) => (
                  <li key={a.id}>
                    <span className={`ob-chip ob-chip--result-${a.result}`}>{a.result}</span> {a.title || 'Untitled'}{' '}
                    <span className="ob-muted ob-small">({a.category})</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="ob-muted ob-small">None listed.</p>
            )}
          </section>
          <section>
            <h3>Compared with ({siblings.length})</h3>
            {siblings.length ? (
              <ul className="ob-betpath__list">
                {siblings.map((s) => (
                  <li key={s.id}>
                    {s.title || 'Untitled'} <span className="ob-muted ob-small">ICE {fmtScore(s.score)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="ob-muted ob-small">No other solutions for this opportunity.</p>
            )}
          </section>
        </div>
      )}
    </div>
  )
}

export function BetWarnings({ warnings }: { warnings: BetWarning[] }) {
  if (!warnings.length) {
    return (
      <p className="ob-hint ob-hint--ok" data-testid="bet-warnings" data-count={0}>
        ✓ No open questions: several solutions compared, assumptions tested, evidence recorded.
      </p>
    )
  }
  return (
    <section className="ob-betwarn" aria-label="Before you commit" data-testid="bet-warnings" data-count={warnings.length}>
      <h3>Before you commit</h3>
      <ul>
        {warnings.map((w, i) => (
          <li key={`${w.code}-${i}`} className="ob-hint ob-hint--warn" data-warning={w.code}>
            {w.message}
          </li>
        ))}
      </ul>
    </section>
  )
}
