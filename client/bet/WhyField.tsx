// The optional reason given with a lock or an unlock: kept in the decision log, capped as the server caps it.

import type { ReactNode } from 'react'
import { WHY_MAX } from '../../shared/bet'

export function WhyField(props: {
  label: string
  name: string
  value: string
  onChange: (value: string) => void
  placeholder: string
  className?: string
  autoFocus?: boolean
  children?: ReactNode
}) {
  return (
    <label className={`ob-field${props.className ? ` ${props.className}` : ''}`}>
      <span>{props.label}</span>
      <textarea
        name={props.name}
        rows={2}
        maxLength={WHY_MAX}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        autoFocus={props.autoFocus}
      />
      {props.children}
    </label>
  )
}
