// The selected node's fields, editable (title and notes for every kind, plus the kind's own fields), its
// hints, and its place in the tree ("Move under…" is the keyboard way to reparent).

import { useValue } from '@tldraw/tldraw'
import type { Editor, TLShapeId } from '@tldraw/tldraw'
import { useEffect, useState } from 'react'
import type { ComponentType } from 'react'
import { ASSUMPTION_CATEGORIES, ASSUMPTION_RESULTS, SOLUTION_STATUSES } from '../../shared/model'
import type { AssumptionProps, NodeKind, OpportunityProps, OutcomeProps, SolutionProps } from '../../shared/model'
import { allowedChildKinds, canBeChildOf } from '../../shared/rules'
import { iceScore, opportunityScore } from '../../shared/scoring'
import { walkTree } from '../../shared/tree'
import type { TreeNode } from '../../shared/tree'
import { NumberInput } from '../ui/NumberInput'
import { addChild, addSibling, reparent, requestDelete, updateNodeProps } from '../editor/actions'
import { boardState } from '../editor/state'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'
import { HintList } from './HintList'

/** A feature's part of the panel for the selected card (the bet's, scoring's), given by the board. */
export type NodeSection = ComponentType<{ editor: Editor; node: TreeNode }>

export function DetailPanel({ editor, sections }: { editor: Editor; sections: readonly NodeSection[] }) {
  const node = useValue(
    'detail node',
    () => {
      const ids = editor.getSelectedShapeIds()
      if (ids.length !== 1) return null
      return boardState(editor).tree.get().byId.get(ids[0]) ?? null
    },
    [editor],
  )
  const hints = useValue('detail hints', () => (node ? (boardState(editor).hints.get().get(node.id) ?? []) : []), [editor, node])
  const readonly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  // Cards of the locked bet are locked shapes: tldraw would silently ignore edits, so say so instead.
  const locked = useValue('locked', () => !!node && !!editor.getShape(node.id as TLShapeId)?.isLocked, [editor, node])
  if (!node) return null
  const set = (props: Record<string, unknown>) => updateNodeProps(editor, node.id, props)
  const p = node.props

  return (
    <aside className={`ob-detail ob-detail--${node.kind}`} aria-label={`${KIND_LABEL[node.kind]} details`}>
      <div className="ob-detail__head">
        <span className="ob-detail__kind">
          {KIND_ICON[node.kind]} {KIND_LABEL[node.kind]}
        </span>
        <button className="ob-btn ob-btn--ghost ob-small" onClick={() => editor.selectNone()} aria-label="Close details">
          ✕
        </button>
      </div>
      <fieldset disabled={readonly || locked} className="ob-detail__body">
        <TextField label="Title" value={p.title} onCommit={(title) => set({ title })} name="title" />
        {node.kind === 'outcome' && <OutcomeFields p={p as OutcomeProps} set={set} />}
        {node.kind === 'opportunity' && <OpportunityFields p={p as OpportunityProps} set={set} />}
        {node.kind === 'solution' && <SolutionFields p={p as SolutionProps} set={set} />}
        {node.kind === 'assumption' && <AssumptionFields p={p as AssumptionProps} set={set} />}
        <TextField label="Notes" value={p.notes} onCommit={(notes) => set({ notes })} multiline name="notes" />
        <ParentField editor={editor} nodeId={node.id} kind={node.kind} parentId={node.parentId} />
      </fieldset>

      {hints.length > 0 && (
        <section className="ob-detail__hints" aria-label="Hints">
          <h3>Hints</h3>
          <HintList hints={hints} />
        </section>
      )}

      {sections.map((Section, i) => (
        <Section key={i} editor={editor} node={node} />
      ))}

      {!readonly && (
        <div className="ob-detail__actions">
          {allowedChildKinds(node.kind).map((kind) => (
            <button key={kind} className={`ob-btn ob-small ob-btn--kind-${kind}`} onClick={() => addChild(editor, node.id, kind, { edit: true })}>
              + {KIND_LABEL[kind]}
            </button>
          ))}
          {!node.detachedReason && (
            <button className="ob-btn ob-small" onClick={() => addSibling(editor, node.id, { edit: true })}>
              + Sibling
            </button>
          )}
          <button className="ob-btn ob-btn--danger ob-small" onClick={() => requestDelete(editor, [node.id])}>
            Delete…
          </button>
        </div>
      )}
    </aside>
  )
}

type Setter = (props: Record<string, unknown>) => void

function OutcomeFields({ p, set }: { p: OutcomeProps; set: Setter }) {
  return (
    <>
      <TextField label="Metric" value={p.metric} onCommit={(metric) => set({ metric })} name="metric" placeholder="e.g. weekly active teams" />
      <div className="ob-detail__row3">
        <NumberInput label="Baseline" value={p.baseline} onCommit={(baseline) => set({ baseline })} name="baseline" />
        <NumberInput label="Target" value={p.target} onCommit={(target) => set({ target })} name="target" />
        <NumberInput label="Current" value={p.current} onCommit={(current) => set({ current })} name="current" />
      </div>
    </>
  )
}

function OpportunityFields({ p, set }: { p: OpportunityProps; set: Setter }) {
  const score = opportunityScore(p.importance, p.satisfaction)
  return (
    <>
      <div className="ob-detail__row3">
        <NumberInput label="Importance" value={p.importance} min={0} max={10} onCommit={(importance) => set({ importance })} name="importance" />
        <NumberInput label="Satisfaction" value={p.satisfaction} min={0} max={10} onCommit={(satisfaction) => set({ satisfaction })} name="satisfaction" />
        <div className="ob-field ob-field--readout">
          <span>Score</span>
          <output title="importance + max(importance − satisfaction, 0); above 10 is strong">{score ?? '–'}</output>
        </div>
      </div>
      <TextField
        label="Evidence (one per line)"
        value={p.evidence.join('\n')}
        multiline
        name="evidence"
        onCommit={(text) => set({ evidence: text.split('\n').map((s) => s.trim()).filter(Boolean) })}
        placeholder="Interview quotes, data points…"
      />
    </>
  )
}

function SolutionFields({ p, set }: { p: SolutionProps; set: Setter }) {
  const ice = iceScore(p.impact, p.confidence, p.ease)
  return (
    <>
      <div className="ob-detail__row4">
        <NumberInput label="Impact" value={p.impact} min={1} max={10} onCommit={(impact) => set({ impact })} name="impact" />
        <NumberInput label="Confidence" value={p.confidence} min={1} max={10} onCommit={(confidence) => set({ confidence })} name="confidence" />
        <NumberInput label="Ease" value={p.ease} min={1} max={10} onCommit={(ease) => set({ ease })} name="ease" />
        <div className="ob-field ob-field--readout">
          <span>ICE</span>
          <output title="Average of impact, confidence and ease">{ice ?? '–'}</output>
        </div>
      </div>
      <SelectField label="Status" value={p.status} options={SOLUTION_STATUSES} onCommit={(status) => set({ status })} name="status" />
    </>
  )
}

function AssumptionFields({ p, set }: { p: AssumptionProps; set: Setter }) {
  return (
    <>
      <div className="ob-detail__row2">
        <SelectField label="Category" value={p.category} options={ASSUMPTION_CATEGORIES} onCommit={(category) => set({ category })} name="category" />
        <SelectField label="Result" value={p.result} options={ASSUMPTION_RESULTS} onCommit={(result) => set({ result })} name="result" />
      </div>
      <TextField label="How we test it" value={p.test} multiline onCommit={(test) => set({ test })} name="test" placeholder="e.g. fake-door test with 200 visitors" />
    </>
  )
}

function ParentField({ editor, nodeId, kind, parentId }: { editor: Editor; nodeId: string; kind: NodeKind; parentId: string | null }) {
  const options = useValue(
    'parent options',
    () => {
      const tree = boardState(editor).tree.get()
      return walkTree(tree)
        .filter((n) => n.id !== nodeId && canBeChildOf(kind, n.kind))
        .map((n) => ({ id: n.id, label: `${KIND_LABEL[n.kind]}: ${n.props.title || 'untitled'}` }))
    },
    [editor, nodeId, kind],
  )
  if (kind === 'outcome') return null
  return (
    <label className="ob-field">
      <span>Sits under</span>
      <select
        name="parent"
        value={parentId ?? ''}
        onChange={(e) => {
          const value = e.currentTarget.value
          if (value) reparent(editor, nodeId, value)
        }}
      >
        {!parentId && <option value="">— not attached —</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Text input that writes on blur/Enter, so a half-typed word doesn't flood the room with updates. Remote
 *  changes show up as long as the field isn't being edited. */
function TextField(props: { label: string; value: string; onCommit: (v: string) => void; multiline?: boolean; name: string; placeholder?: string }) {
  const [draft, setDraft] = useState(props.value)
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setDraft(props.value)
  }, [props.value, editing])
  const commit = () => {
    setEditing(false)
    if (draft !== props.value) props.onCommit(draft)
  }
  const common = {
    name: props.name,
    value: draft,
    placeholder: props.placeholder,
    onFocus: () => setEditing(true),
    onBlur: commit,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setDraft(e.currentTarget.value),
  }
  return (
    <label className="ob-field">
      <span>{props.label}</span>
      {props.multiline ? (
        <textarea {...common} rows={3} />
      ) : (
        <input
          {...common}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.currentTarget as HTMLInputElement).blur()
          }}
        />
      )}
    </label>
  )
}

function SelectField<T extends string>(props: { label: string; value: T; options: readonly T[]; onCommit: (v: T) => void; name: string }) {
  return (
    <label className="ob-field">
      <span>{props.label}</span>
      <select name={props.name} value={props.value} onChange={(e) => props.onCommit(e.currentTarget.value as T)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}
