// A small padlock drawn in SVG (the bundled fonts have no padlock glyph, and no emoji font can be assumed).

export function LockGlyph({ open, size = 12 }: { open?: boolean; size?: number }) {
  return (
    <svg className="ob-lockglyph" width={size} height={size} viewBox="0 0 16 16" aria-hidden focusable="false">
      <path d={open ? 'M5 7V5a3 3 0 0 1 5.8-1.1' : 'M5 7V5a3 3 0 0 1 6 0v2'} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      <rect x="3" y="7" width="10" height="7.5" rx="1.8" fill="currentColor" />
    </svg>
  )
}
