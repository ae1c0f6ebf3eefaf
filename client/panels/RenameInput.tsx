// The outline's inline title editor: Enter or leaving the field keeps the title, Escape drops it, and only
// the first of those counts (Enter unmounts the input, which then blurs).

import { useRef, useState } from 'react'

export function RenameInput({ initial, onDone }: { initial: string; onDone: (title: string | null) => void }) {
  const [value, setValue] = useState(initial)
  const done = useRef(false)
  const finish = (title: string | null) => {
    if (done.current) return
    done.current = true
    onDone(title)
  }
  return (
    <input
      className="ob-orow__input"
      autoFocus
      value={value}
      aria-label="Title"
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation()
        if (e.key === 'Enter') finish(value)
        if (e.key === 'Escape') finish(null)
      }}
      onBlur={() => finish(value)}
    />
  )
}
