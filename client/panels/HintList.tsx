// A card's Torres hints as the outline row and the detail panel list them.

import type { Hint } from '../../shared/hints'

export function HintList({ hints, className }: { hints: readonly Hint[]; className?: string }) {
  return (
    <ul className={className}>
      {hints.map((hint) => (
        <li key={hint.code} className={`ob-hint ob-hint--${hint.severity}`} data-hint={hint.code}>
          {hint.message}
        </li>
      ))}
    </ul>
  )
}
