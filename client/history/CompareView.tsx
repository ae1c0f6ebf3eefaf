// Browsing a version: a read-only canvas and outline of the board as it was, in place of the live ones while
// open. It is a second tldraw editor on its own store built from the version's records (same shape utils), so
// nothing done here can reach the document; the live editor stays mounted underneath, keeps syncing and keeps
// its camera, so "Back to now" returns to where you were. What differs from now is marked on the cards, in the
// outline and listed in the history panel, in words as well as colour.

import { Tldraw, react, useEditor, useValue } from '@tldraw/tldraw'
import type { Editor, TLComponents, TLShapeId } from '@tldraw/tldraw'
import { useEffect, useMemo, useState } from 'react'
import type { KeyboardEvent as ReactKeyboardEvent } from 'react'
import type { TreeNode } from '../../shared/tree'
import { ApiError } from '../platform/api'
import { assetUrls } from '../editor/assets'
import { boardState } from '../editor/state'
import { KIND_ICON, KIND_LABEL } from '../editor/kinds'
import { Connectors } from '../shapes/Connectors'
import { nodeShapeUtils } from '../shapes'
import { versionsApi } from './api'
import type { VersionInfo, VersionRecords } from './api'
import { changeText, changeTone, diffCards } from './diff'
import type { CardDiff } from './diff'
import { addedGhosts, canRestore, compareEditor, currentDiffs, historyContext, viewing, whyNoRestore } from './state'
import { askRestore } from './RestoreDialog'
import { absoluteTime, relativeTime, versionTitle } from './words'
import { buildVersionStore } from './versionStore'

declare global {
  interface Window {
    /** The read-only editor showing a version, while one is open (end-to-end tests). */
    versionEditor?: Editor
  }
}

/** Marks on the version's canvas, in page space under the cards: a coloured frame with a label around each
 *  card that differs, and a dashed outline with its title where a card added since sits now. */
function DiffMarks() {
  const editor = useEditor()
  const marks = useValue(
    'diff marks',
    () => {
      const out: { id: string; tone: string; label: string; title?: string; x: number; y: number; w: number; h: number }[] = []
      const ghosts = addedGhosts.get()
      for (const d of currentDiffs.get().values()) {
        const tone = changeTone(d)
        if (tone === 'added') {
          const g = ghosts.get(d.id)
          if (g) out.push({ id: d.id, tone, label: 'Added since (not in this version)', title: d.title || `Untitled ${KIND_LABEL[d.kind].toLowerCase()}`, ...g })
          continue
        }
        const b = editor.getShapePageBounds(d.id as TLShapeId)
        if (b) out.push({ id: d.id, tone, label: changeText(d), x: b.x, y: b.y, w: b.w, h: b.h })
      }
      return out
    },
    [editor],
  )
  return (
    <div className="ob-diffmarks" aria-hidden>
      {marks.map((m) => (
        <div
          key={m.id}
          className={`ob-diffmark ob-diffmark--${m.tone}`}
          data-id={m.id}
          data-change={m.tone}
          style={{ left: m.x - 8, top: m.y - 8, width: m.w + 16, height: m.h + 16 }}
        >
          <span className="ob-diffmark__label">{m.label}</span>
          {m.title && <span className="ob-diffmark__title">{m.title}</span>}
        </div>
      ))}
    </div>
  )
}

function OnTheCanvas() {
  return (
    <>
      <Connectors />
      <DiffMarks />
    </>
  )
}

// One page per board, and nothing to style or share in a read-only past: those menus stay out.
const components: TLComponents = { OnTheCanvas, StylePanel: null, SharePanel: null, PageMenu: null }

/** Bring a card into view on the version's canvas (a card added since: where it sits on the board now). */
export function zoomToCard(id: string) {
  const editor = compareEditor.get()
  if (!editor) return
  const shape = editor.getShape(id as TLShapeId)
  if (shape) editor.select(shape.id)
  else editor.selectNone()
  const bounds = shape ? editor.getShapePageBounds(shape.id) : addedGhosts.get().get(id)
  if (!bounds) return
  editor.zoomToBounds(bounds, { inset: 120, targetZoom: Math.min(1, editor.getZoomLevel()), animation: { duration: 240 } })
}

export function CompareView({ liveEditor, licenseKey }: { liveEditor: Editor; licenseKey?: string }) {
  const version = useValue('viewing', () => viewing.get(), [])
  if (!version) return null
  return <Compare key={version.id} version={version} liveEditor={liveEditor} licenseKey={licenseKey} />
}

function Compare({ version, liveEditor, licenseKey }: { version: VersionInfo; liveEditor: Editor; licenseKey?: string }) {
  const ctx = useValue('history context', () => historyContext.get(), [])
  const [data, setData] = useState<VersionRecords | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!ctx) return
    let cancelled = false
    setError(null)
    versionsApi.records(ctx.boardId, ctx.token, version.id).then(
      (d) => !cancelled && setData(d),
      (e) => !cancelled && setError(e instanceof ApiError && e.status === 0 ? 'Offline: versions live on the server.' : `Could not open this version: ${e instanceof Error ? e.message : e}`),
    )
    return () => {
      cancelled = true
    }
  }, [ctx, version.id, attempt])

  // While a version is open the live board keeps syncing but takes no keys: nothing typed here may edit it.
  useEffect(() => {
    liveEditor.selectNone()
    liveEditor.blur()
  }, [liveEditor])

  // What differs from now, recomputed as the live board changes underneath.
  useEffect(() => {
    if (!data) return
    const stop = react('version differences', () => {
      const now = liveEditor.getCurrentPageShapes()
      const diffs = diffCards(data.records, now)
      const ghosts = new Map<string, { x: number; y: number; w: number; h: number }>()
      for (const d of diffs.values()) {
        if (d.changes[0] !== 'added') continue
        const b = liveEditor.getShapePageBounds(d.id as TLShapeId)
        if (b) ghosts.set(d.id, { x: b.x, y: b.y, w: b.w, h: b.h })
      }
      currentDiffs.set(diffs)
      addedGhosts.set(ghosts)
    })
    return () => {
      stop()
      currentDiffs.set(new Map())
      addedGhosts.set(new Map())
    }
  }, [data, liveEditor])

  const built = useMemo(() => (data ? buildVersionStore(data.records) : null), [data])
  const [editor, setEditor] = useState<Editor | null>(null)

  useEffect(() => {
    if (!editor) return
    compareEditor.set(editor)
    window.versionEditor = editor
    return () => {
      if (compareEditor.get() === editor) compareEditor.set(null)
      if (window.versionEditor === editor) delete window.versionEditor
    }
  }, [editor])

  const restoreBlocked = whyNoRestore(ctx)
  const backToNow = () => viewing.set(null)
  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.stopPropagation()
      backToNow()
    }
  }

  return (
    <section className="ob-compare" aria-label={`Version ${version.id}, read-only`} data-testid="compare-view" data-version={version.id} onKeyDown={onKeyDown}>
      <div className="ob-compare__banner" role="status">
        <span className="ob-compare__what">
          <strong>Viewing version {version.id}</strong> · {versionTitle(version)} ·{' '}
          <time dateTime={version.at} title={absoluteTime(version.at)}>
            {relativeTime(version.at)}
          </time>{' '}
          <span className="ob-compare__ro">Read-only</span>
        </span>
        <span className="ob-compare__actions">
          <button className="ob-btn ob-small" onClick={backToNow} data-action="back-to-now">
            Back to now
          </button>
          <button
            className="ob-btn ob-btn--primary ob-small"
            onClick={() => askRestore({ version })}
            disabled={!canRestore(ctx)}
            title={restoreBlocked ?? 'Make the board equal to this version (the present is saved first)'}
            aria-describedby={restoreBlocked ? 'ob-compare-why' : undefined}
            data-action="banner-restore"
          >
            Restore…
          </button>
          {restoreBlocked && (
            <span id="ob-compare-why" className="ob-visually-hidden">
              {restoreBlocked}
            </span>
          )}
        </span>
      </div>
      <div className="ob-compare__main">
        {error && (
          <div className="ob-center ob-fill">
            <p className="ob-error" role="alert">
              {error}
            </p>
            <button className="ob-btn ob-small" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </div>
        )}
        {!error && !built && (
          <div className="ob-center ob-fill" aria-busy="true">
            <div className="ob-spinner" />
            <p className="ob-muted">Opening version {version.id}…</p>
          </div>
        )}
        {editor && <VersionOutline editor={editor} />}
        {built && (
          <div
            className="ob-compare__canvas"
            onPointerDown={() => {
              liveEditor.blur()
              editor?.focus()
            }}
          >
            <Tldraw
              store={built.store}
              shapeUtils={nodeShapeUtils}
              assetUrls={assetUrls}
              licenseKey={licenseKey}
              components={components}
              autoFocus={false}
              onMount={(ed) => {
                ed.updateInstanceState({ isReadonly: true })
                // Start where the live board is looking, so the two line up; fit if nothing of the version is there.
                ed.setCamera(liveEditor.getCamera())
                const ids = [...ed.getCurrentPageShapeIds()]
                const seen = ed.getViewportPageBounds()
                if (ids.length && !ids.some((id) => { const b = ed.getShapePageBounds(id); return !!b && seen.collides(b) })) {
                  ed.zoomToFit()
                  if (ed.getZoomLevel() > 1) ed.resetZoom(ed.getViewportScreenCenter())
                }
                setEditor(ed)
                return () => setEditor(null)
              }}
            />
            {built.skipped > 0 && (
              <p className="ob-compare__skipped ob-small" role="note">
                {built.skipped} {built.skipped === 1 ? 'record' : 'records'} of this version could not be shown.
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  )
}

interface Row {
  node: TreeNode
  depth: number
}

/** The version's tree as a read-only outline, each card that differs from now labelled. */
function VersionOutline({ editor }: { editor: Editor }) {
  const tree = useValue('version tree', () => boardState(editor).tree.get(), [editor])
  const diffs = useValue('diffs', () => currentDiffs.get(), [])
  const [active, setActive] = useState(0)
  const rows = useMemo(() => {
    const out: Row[] = []
    const stack: Row[] = tree.roots.map((node) => ({ node, depth: 0 })).reverse()
    while (stack.length) {
      const row = stack.pop()!
      out.push(row)
      for (let i = row.node.children.length - 1; i >= 0; i--) stack.push({ node: row.node.children[i], depth: row.depth + 1 })
    }
    return out
  }, [tree])
  const addedCount = [...diffs.values()].filter((d) => d.changes[0] === 'added').length

  const focusRow = (i: number, list: HTMLElement | null) => {
    if (i < 0 || i >= rows.length) return
    setActive(i)
    list?.querySelectorAll<HTMLElement>('[role=treeitem]')[i]?.focus()
  }

  return (
    <aside className="ob-outline ob-voutline" aria-label="Outline of this version">
      <div className="ob-outline__head">
        <h2>Outline then</h2>
      </div>
      {rows.length === 0 ? (
        <p className="ob-muted ob-outline__empty">This version has no tree.</p>
      ) : (
        <div className="ob-outline__scroll">
          <ul className="ob-voutline__list" role="tree" aria-label="Tree as it was">
            {rows.map((row, i) => {
              const { node } = row
              const d: CardDiff | undefined = diffs.get(node.id)
              const title = node.props.title || `Untitled ${KIND_LABEL[node.kind].toLowerCase()}`
              const label = d ? changeText(d) : null
              return (
                <li
                  key={node.id}
                  role="treeitem"
                  aria-level={row.depth + 1}
                  aria-selected={false}
                  aria-label={`${KIND_LABEL[node.kind]}: ${title}${label ? ` (${label})` : ''}`}
                  tabIndex={i === Math.min(active, rows.length - 1) ? 0 : -1}
                  data-id={node.id}
                  data-change={d ? changeTone(d) : undefined}
                  className={`ob-orow ob-orow--${node.kind}${d ? ` ob-orow--diff-${changeTone(d)}` : ''}`}
                  style={{ paddingLeft: 8 + row.depth * 16 }}
                  onClick={() => {
                    setActive(i)
                    zoomToCard(node.id)
                  }}
                  onKeyDown={(e) => {
                    const list = e.currentTarget.parentElement
                    if (e.key === 'ArrowDown') focusRow(i + 1, list)
                    else if (e.key === 'ArrowUp') focusRow(i - 1, list)
                    else if (e.key === 'Home') focusRow(0, list)
                    else if (e.key === 'End') focusRow(rows.length - 1, list)
                    else if (e.key === 'Enter' || e.key === ' ') zoomToCard(node.id)
                    else return
                    e.preventDefault()
                    e.stopPropagation()
                  }}
                >
                  <div className="ob-orow__line">
                    <span className="ob-orow__icon" aria-hidden>
                      {KIND_ICON[node.kind]}
                    </span>
                    <span className={`ob-orow__title${node.props.title ? '' : ' is-empty'}`}>{title}</span>
                    {d && <span className={`ob-difftag ob-difftag--${changeTone(d)}`}>{label}</span>}
                  </div>
                </li>
              )
            })}
          </ul>
        </div>
      )}
      {addedCount > 0 && (
        <p className="ob-outline__help ob-small ob-muted">
          {addedCount} {addedCount === 1 ? 'card was' : 'cards were'} added since: not in this version, marked with dashes on the canvas.
        </p>
      )}
    </aside>
  )
}
