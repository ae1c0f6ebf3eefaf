// The top bar's "More" menu: the less used actions (tidy the layout, the decision log, import), so the bar
// itself never wraps or overlaps from 1024 px up. Other parts add items by passing them as children.

import type { Editor } from '@tldraw/tldraw'
import { useValue } from '@tldraw/tldraw'
import type { ReactNode } from 'react'
import type { LayoutSetting } from '../../shared/layout'
import { useMenu } from '../ui/use-menu'
import { relayout } from '../editor/actions'
import { boardLayout, setLayoutSetting } from '../editor/layout-mode'
import { canEditBoard, boardContext } from '../editor/board-context'
import { openDrawer } from '../bet/state'
import { importOpen } from '../import/state'

/** The board's layout choices (everyone's: positions are shared), as the menu words them. */
const LAYOUTS: { setting: LayoutSetting; label: string; help: string }[] = [
  { setting: 'auto', label: 'Automatic', help: 'Compact once the tree gets too wide for a screen' },
  { setting: 'tidy', label: 'Tidy tree', help: 'Every level in one row' },
  { setting: 'compact', label: 'Compact', help: 'Solutions and assumptions stacked under their parent' },
]

export function MoreMenu({ editor, children }: { editor: Editor | null; children?: ReactNode }) {
  const { open, setOpen, ref, buttonRef, close } = useMenu('[role=menuitem]')
  const ctx = useValue('bet context', () => boardContext.get(), [])
  const drawer = useValue('drawer', () => openDrawer.get(), [])
  const layout = useValue('board layout', () => (editor ? boardLayout(editor).get() : null), [editor])
  const pick = (fn: () => void) => () => {
    setOpen(false)
    fn()
  }
  const canEdit = !!ctx && canEditBoard(ctx)
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') return close()
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role^=menuitem]:not([disabled])') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLElement)
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
  }
  return (
    <div className="ob-facil" ref={ref}>
      <button
        ref={buttonRef}
        className={`ob-btn ob-btn--ghost ob-small${open ? ' is-on' : ''}`}
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        aria-haspopup="menu"
        data-action="more"
      >
        More ▾
      </button>
      {open && (
        <div className="ob-popover ob-menu ob-moremenu" role="menu" aria-label="More" onKeyDown={onKeyDown}>
          {canEdit && editor && (
            <button role="menuitem" className="ob-menu__item" onClick={pick(() => relayout(editor))} data-action="tidy">
              <span className="ob-menu__icon" aria-hidden>
                ⤓
              </span>
              <span>
                <strong>Tidy layout</strong>
                <small>Lay the tree out again</small>
              </span>
            </button>
          )}
          {canEdit && editor && layout && (
            <div role="group" aria-label="Layout (for everyone on this board)" className="ob-menu__group">
              <p className="ob-menu__label ob-small ob-muted" aria-hidden>
                Layout, for everyone · now {layout.mode === 'compact' ? 'compact' : 'tidy tree'}
              </p>
              {LAYOUTS.map((l) => (
                <button
                  key={l.setting}
                  role="menuitemradio"
                  aria-checked={layout.setting === l.setting}
                  className="ob-menu__item"
                  onClick={pick(() => setLayoutSetting(editor, l.setting, relayout))}
                  data-layout={l.setting}
                >
                  <span className="ob-menu__icon" aria-hidden>
                    {layout.setting === l.setting ? '●' : '○'}
                  </span>
                  <span>
                    <strong>{l.label}</strong>
                    <small>{l.help}</small>
                  </span>
                </button>
              ))}
            </div>
          )}
          {ctx && (
            <button role="menuitem" className="ob-menu__item" onClick={pick(() => openDrawer.set(drawer === 'decisions' ? null : 'decisions'))} data-action="decisions">
              <span className="ob-menu__icon" aria-hidden>
                ☷
              </span>
              <span>
                <strong>Decisions</strong>
                <small>Every bet locked and unlocked on this board</small>
              </span>
            </button>
          )}
          {canEdit && (
            <button role="menuitem" className="ob-menu__item" onClick={pick(() => importOpen.set(true))} data-action="import">
              <span className="ob-menu__icon" aria-hidden>
                ⇪
              </span>
              <span>
                <strong>Import…</strong>
                <small>Add nodes from a markdown outline or Tree JSON</small>
              </span>
            </button>
          )}
          {children}
        </div>
      )}
    </div>
  )
}
