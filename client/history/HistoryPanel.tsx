// The history side panel: the board's versions newest first (when, why, who took part, what changed), a form
// for editors to name the present, and, once a version is opened, how it differs from now and the restore
// actions. Keyboard: ↑/↓ (Home/End) move through the list, Enter opens a version, Escape goes back to now or,
// when already there, closes the panel. The list is polled every few seconds while the panel is open.

import { useValue } from '@tldraw/tldraw'
import { useEffect, useRef, useState } from 'react'
import type { FormEvent, KeyboardEvent as ReactKeyboardEvent } from 'react'
import { FORMAT_LABEL } from '../../shared/formats/export-format'
import type { ExportFormat } from '../../shared/formats/export-format'
import { ApiError } from '../platform/api'
import { downloadText } from '../platform/files'
import { showNotice } from '../ui/notice'
import { displayName } from '../editor/board-context'
import { KIND_LABEL } from '../editor/kinds'
import { versionExport, versionsApi } from './api'
import type { VersionInfo } from './api'
import { zoomToCard } from './CompareView'
import { changeText, changeTone } from './diff'
import type { CardDiff } from './diff'
import { askRestore } from './RestoreDialog'
import { canEdit, canRestore, closeHistory, currentDiffs, historyContext, listStamp, refreshList, viewing, whyNoRestore } from './state'
import type { HistoryContext } from './state'
import { absoluteTime, peopleText, relativeTime, summaryText, versionSubtitle, versionTitle } from './words'

const POLL_MS = 4000

function errorText(e: unknown): string {
  if (e instanceof ApiError && e.status === 0) return 'Offline: the history lives on the server.'
  return e instanceof Error ? e.message : String(e)
}

export function HistoryPanel() {
  const ctx = useValue('history context', () => historyContext.get(), [])
  const open = useValue('viewing', () => viewing.get(), [])
  const stamp = useValue('list stamp', () => listStamp.get(), [])
  const [versions, setVersions] = useState<VersionInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [, setTick] = useState(0) // re-render now and then so "5 minutes ago" stays true
  const headRef = useRef<HTMLHeadingElement>(null)
  const returnTo = useRef<HTMLElement | null>(null)

  useEffect(() => {
    if (!ctx) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | null = null
    const load = () => {
      versionsApi.list(ctx.boardId, ctx.token).then(
        (list) => {
          if (cancelled) return
          setVersions(list)
          setError(null)
          setTick((n) => n + 1)
        },
        (e) => !cancelled && setError(errorText(e)),
      )
      timer = setTimeout(load, POLL_MS)
    }
    load()
    return () => {
      cancelled = true
      if (timer) clearTimeout(timer)
    }
  }, [ctx, stamp])

  // Focus the panel on open and give it back on close.
  useEffect(() => {
    returnTo.current = document.activeElement as HTMLElement | null
    const first = document.querySelector<HTMLElement>('.ob-history [role=option][tabindex="0"]')
    ;(first ?? headRef.current)?.focus()
    return () => {
      const el = returnTo.current
      if (el && document.contains(el)) el.focus()
    }
    // Only on open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return
    e.stopPropagation()
    if (viewing.get()) viewing.set(null)
    else closeHistory()
  }

  return (
    <aside className="ob-history" role="complementary" aria-labelledby="ob-history-title" data-testid="history-panel" onKeyDown={onKeyDown}>
      <header className="ob-history__head">
        <h2 id="ob-history-title" ref={headRef} tabIndex={-1}>
          History
        </h2>
        <button className="ob-btn ob-btn--ghost ob-small" onClick={closeHistory} aria-label="Close the history" data-action="close-history">
          ✕
        </button>
      </header>
      <div className="ob-history__body">
        {ctx && canEdit(ctx) && <SaveVersion ctx={ctx} />}
        {open && <Differences version={open} ctx={ctx} />}
        {error && (
          <p className="ob-error" role="alert">
            {error}
          </p>
        )}
        {!versions && !error && (
          <div className="ob-history__loading" aria-busy="true">
            <div className="ob-spinner" aria-hidden />
            <span className="ob-muted ob-small">Loading versions…</span>
          </div>
        )}
        {versions && versions.length === 0 && (
          <p className="ob-muted ob-history__empty" data-testid="history-empty">
            No versions yet. The board saves one after a burst of edits goes quiet, before every bet lock, import and restore, and whenever
            someone names one.
          </p>
        )}
        {versions && versions.length > 0 && <VersionList versions={versions} openId={open?.id ?? null} />}
      </div>
    </aside>
  )
}

function VersionList({ versions, openId }: { versions: VersionInfo[]; openId: number | null }) {
  const [activeId, setActiveId] = useState<number | null>(null)
  const listRef = useRef<HTMLOListElement>(null)
  const active = versions.find((v) => v.id === activeId) ?? versions.find((v) => v.id === openId) ?? versions[0]
  const move = (index: number) => {
    const v = versions[Math.max(0, Math.min(versions.length - 1, index))]
    setActiveId(v.id)
    listRef.current?.querySelector<HTMLElement>(`[data-version="${v.id}"]`)?.focus()
  }
  const onKeyDown = (e: ReactKeyboardEvent, v: VersionInfo, index: number) => {
    switch (e.key) {
      case 'ArrowDown':
        move(index + 1)
        break
      case 'ArrowUp':
        move(index - 1)
        break
      case 'Home':
        move(0)
        break
      case 'End':
        move(versions.length - 1)
        break
      case 'Enter':
      case ' ':
        viewing.set(v)
        break
      default:
        return
    }
    e.preventDefault()
    e.stopPropagation()
  }
  return (
    <ol className="ob-history__list" role="listbox" aria-label="Versions, newest first" ref={listRef}>
      {versions.map((v, i) => {
        const sub = versionSubtitle(v)
        const isOpen = v.id === openId
        return (
          <li
            key={v.id}
            role="option"
            aria-selected={isOpen}
            tabIndex={v.id === active.id ? 0 : -1}
            className={`ob-version${isOpen ? ' is-open' : ''}`}
            data-version={v.id}
            data-reason={v.reason}
            data-testid="version"
            onClick={() => {
              setActiveId(v.id)
              viewing.set(v)
            }}
            onKeyDown={(e) => onKeyDown(e, v, i)}
          >
            <div className="ob-version__line">
              <strong className="ob-version__title">{versionTitle(v)}</strong>
              <span className="ob-version__id ob-muted ob-small">v{v.id}</span>
            </div>
            {sub && <div className="ob-version__reason ob-small">{sub}</div>}
            <div className="ob-version__when ob-small ob-muted">
              <time dateTime={v.at}>{relativeTime(v.at)}</time> · {absoluteTime(v.at)}
            </div>
            <div className="ob-version__summary ob-small">{summaryText(v.summary)}</div>
            <div className="ob-version__people ob-small ob-muted">{peopleText(v)}</div>
            {isOpen && <span className="ob-version__open ob-small">Showing on the canvas</span>}
          </li>
        )
      })}
    </ol>
  )
}

/** Editors: name the present ("after the interview synthesis"); named versions are kept for good. */
function SaveVersion({ ctx }: { ctx: HistoryContext }) {
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) return
    setBusy(true)
    setError(null)
    try {
      const v = await versionsApi.save(ctx.boardId, ctx.token, trimmed, displayName())
      setSaved(`Saved “${versionTitle(v)}” as version ${v.id}.`)
      setName('')
      setOpen(false)
      refreshList()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  if (!open) {
    return (
      <div className="ob-history__save">
        <button
          className="ob-btn ob-small"
          onClick={() => {
            setOpen(true)
            setSaved(null)
          }}
          data-action="save-version"
        >
          Save version…
        </button>
        {saved && (
          <p className="ob-small ob-history__saved" role="status">
            {saved}
          </p>
        )}
      </div>
    )
  }
  return (
    <form className="ob-history__form" onSubmit={submit} aria-label="Save a version">
      <label className="ob-field">
        Name this version
        <input
          autoFocus
          value={name}
          maxLength={120}
          placeholder="e.g. After the interview synthesis"
          onChange={(e) => setName(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation()
              setOpen(false)
            }
          }}
          name="version-name"
        />
      </label>
      {error && (
        <p className="ob-error ob-small" role="alert">
          {error}
        </p>
      )}
      <div className="ob-history__formactions">
        <button type="button" className="ob-btn ob-btn--ghost ob-small" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="ob-btn ob-btn--primary ob-small" disabled={busy || !name.trim()} data-action="confirm-save-version">
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

const GROUPS: { tone: 'removed' | 'added' | 'changed'; heading: string }[] = [
  { tone: 'removed', heading: 'Removed since' },
  { tone: 'added', heading: 'Added since' },
  { tone: 'changed', heading: 'Changed since' },
]

/** The open version against now: the cards that differ (each zooms the canvas to it), and restore. */
function Differences({ version, ctx }: { version: VersionInfo; ctx: HistoryContext | null }) {
  const diffs = useValue('diffs', () => currentDiffs.get(), [])
  const all = [...diffs.values()]
  const removed = all.filter((d) => changeTone(d) === 'removed')
  const blocked = whyNoRestore(ctx)
  return (
    <section className="ob-history__diff" aria-labelledby="ob-history-diff-title" data-testid="differences">
      <h3 id="ob-history-diff-title">
        Version {version.id} compared with now
      </h3>
      {all.length === 0 ? (
        <p className="ob-small ob-muted">No card differs from the board now.</p>
      ) : (
        GROUPS.map(({ tone, heading }) => {
          const list = all.filter((d) => changeTone(d) === tone)
          if (!list.length) return null
          return (
            <div key={tone} className="ob-history__group">
              <h4>
                {heading} ({list.length})
              </h4>
              <ul>
                {list.map((d) => (
                  <DiffRow key={d.id} d={d} />
                ))}
              </ul>
            </div>
          )
        })
      )}
      <div className="ob-history__restore">
        <button className="ob-btn ob-btn--primary ob-small" disabled={!canRestore(ctx)} onClick={() => askRestore({ version })} data-action="restore-version">
          Restore this version…
        </button>
        <button
          className="ob-btn ob-small"
          disabled={!canRestore(ctx) || removed.length === 0}
          onClick={() => askRestore({ version, ids: removed.map((d) => d.id) })}
          data-action="restore-deleted"
          title={removed.length === 0 ? 'No card was deleted since this version' : undefined}
        >
          Bring back deleted cards{removed.length ? ` (${removed.length})` : ''}…
        </button>
        <button className="ob-btn ob-btn--ghost ob-small" onClick={() => viewing.set(null)}>
          Back to now
        </button>
        <ExportVersion version={version} ctx={ctx} />
        {blocked && (
          <p className="ob-small ob-muted ob-history__why" data-testid="restore-why">
            {blocked}
          </p>
        )}
      </div>
    </section>
  )
}

function DiffRow({ d }: { d: CardDiff }) {
  const title = d.title || `Untitled ${KIND_LABEL[d.kind].toLowerCase()}`
  const tone = changeTone(d)
  return (
    <li>
      <button className={`ob-diffrow ob-diffrow--${tone}`} onClick={() => zoomToCard(d.id)} data-id={d.id} data-change={tone}>
        <span className={`ob-difftag ob-difftag--${tone}`}>{changeText(d)}</span>
        <span className="ob-diffrow__title">
          {KIND_LABEL[d.kind]}: {title}
        </span>
      </button>
    </li>
  )
}

/** Save the version's tree as a file, in the formats the live tree exports to. */
function ExportVersion({ version, ctx }: { version: VersionInfo; ctx: HistoryContext | null }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null)
  const save = async (format: ExportFormat) => {
    if (!ctx) return
    setBusy(format)
    try {
      downloadText(await versionExport(ctx.boardId, ctx.token, version.id, format), `${versionTitle(version)}-version-${version.id}`, format)
    } catch (e) {
      showNotice(`Could not export version ${version.id}: ${errorText(e)}`, 'warn')
    } finally {
      setBusy(null)
    }
  }
  return (
    <div className="ob-history__export ob-small" role="group" aria-label={`Export version ${version.id}`}>
      <span className="ob-muted">Export this version:</span>
      {(['md', 'json', 'csv'] as const).map((f) => (
        <button key={f} className="ob-linkbtn ob-small" onClick={() => save(f)} disabled={busy !== null} data-action={`export-version-${f}`}>
          {busy === f ? 'Exporting…' : FORMAT_LABEL[f]}
        </button>
      ))}
    </div>
  )
}
