// A modal dialog or side drawer: Escape closes it, Tab stays inside, focus starts on the first useful control
// (or `initialFocus`) and goes back where it was on close. The `ob-dialog` class also tells the board's
// keyboard shortcuts (Tab adds a child, Enter a sibling) to leave keys typed here alone.

import { useEffect, useRef } from 'react'
import type { ReactNode, RefObject } from 'react'

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export function Modal(props: {
  labelledBy: string
  onClose: () => void
  className?: string
  /** 'dialog' centres it over a backdrop; 'drawer' slides it in from the right without blocking the board. */
  variant?: 'dialog' | 'drawer'
  initialFocus?: RefObject<HTMLElement | null>
  testId?: string
  children: ReactNode
}) {
  const { onClose, variant = 'dialog' } = props
  const ref = useRef<HTMLElement>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    const el = ref.current
    const preferred = props.initialFocus?.current
    const usable = preferred && !(preferred as HTMLButtonElement).disabled ? preferred : null
    const target = usable ?? el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>(FOCUSABLE)
    target?.focus()
    return () => {
      if (before && document.contains(before)) before.focus()
    }
    // Only on open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      closeRef.current()
      return
    }
    if (e.key !== 'Tab' || !ref.current) return
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null || n === document.activeElement)
    if (!items.length) return
    const first = items[0]
    const last = items[items.length - 1]
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  const box = (
    <section
      ref={ref}
      className={`ob-dialog ${variant === 'drawer' ? 'ob-drawer' : ''} ${props.className ?? ''}`}
      role="dialog"
      aria-modal={variant === 'dialog'}
      aria-labelledby={props.labelledBy}
      data-testid={props.testId}
      onKeyDown={onKeyDown}
    >
      {props.children}
    </section>
  )
  if (variant === 'drawer') return box
  return (
    <div className="ob-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      {box}
    </div>
  )
}
