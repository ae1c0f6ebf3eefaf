// A number field that edits a draft and commits on blur or Enter: empty means "not set" (null), values are
// clamped to [min, max], and something that isn't a number restores the last value. Remote changes show
// through unless the person is typing in it.
import { useEffect, useState } from 'react'

export interface NumberInputProps {
  label: string
  name: string
  value: number | null
  onCommit: (value: number | null) => void
  min?: number
  max?: number
  disabled?: boolean
  className?: string
}

const show = (value: number | null) => (value === null ? '' : String(value))

export function NumberInput(props: NumberInputProps) {
  const [draft, setDraft] = useState(show(props.value))
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setDraft(show(props.value))
  }, [props.value, editing])
  const commit = () => {
    setEditing(false)
    const trimmed = draft.trim()
    let next: number | null = trimmed === '' ? null : Number(trimmed)
    if (next !== null && !Number.isFinite(next)) next = props.value
    if (next !== null && props.min !== undefined) next = Math.max(props.min, next)
    if (next !== null && props.max !== undefined) next = Math.min(props.max, next)
    setDraft(show(next))
    if (next !== props.value) props.onCommit(next)
  }
  return (
    <label className={props.className ?? 'ob-field'}>
      <span>{props.label}</span>
      <input
        name={props.name}
        type="number"
        inputMode="decimal"
        min={props.min}
        max={props.max}
        value={draft}
        disabled={props.disabled}
        onFocus={() => setEditing(true)}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur()
        }}
      />
    </label>
  )
}
