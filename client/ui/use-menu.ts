// A menu's open state: a click outside closes it, opening focuses its first item (when given) so it works
// from the keyboard at once, and close() gives the focus back to the button that opened it.

import { useEffect, useRef, useState } from 'react'

export function useMenu(firstItemSelector?: string) {
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!open) return
    const onDown = (e: PointerEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false)
    }
    window.addEventListener('pointerdown', onDown, true)
    if (firstItemSelector) ref.current?.querySelector<HTMLElement>(firstItemSelector)?.focus()
    return () => window.removeEventListener('pointerdown', onDown, true)
  }, [open, firstItemSelector])
  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }
  return { open, setOpen, ref, buttonRef, close }
}
