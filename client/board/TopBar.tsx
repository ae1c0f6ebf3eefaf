// The board's top bar: home, title, connection status, tree actions, share links, and the owner's board menu.

import type { Editor } from '@tldraw/tldraw'
import { useEffect, useState } from 'react'
import { getBoard, renameBoard, rotateTokens } from '../platform/api'
import { findRecent, rememberBoard } from '../platform/local'
import type { RecentBoard } from '../platform/local'
import { boardPath, navigate } from '../platform/router'
import type { BoardMeta } from '../platform/api'
import { showNotice } from '../ui/notice'
import { createNode } from '../editor/actions'
import type { ConnectionState } from '../sync/BoardSync'
import { SessionControls } from '../facilitation/SessionControls'
import { BetTopBar } from '../bet/BetTopBar'
import { ExportMenu } from '../exports/ExportMenu'
import { HistoryButton } from '../history/HistoryButton'
import { DeleteBoardDialog } from './DeleteBoardDialog'
import { MoreMenu } from './MoreMenu'

const STATUS: Record<ConnectionState | 'readonly', { label: string; title: string }> = {
  connecting: { label: 'Connecting…', title: 'Connecting to the board server' },
  live: { label: 'Live', title: 'Connected: changes reach everyone at once' },
  readonly: { label: 'Read-only', title: 'Connected with a view link: you can look, not edit' },
  offline: { label: 'Offline', title: 'Not connected: your changes are saved on this device and merge when you reconnect' },
  denied: { label: 'Access denied', title: 'This link no longer gives access to the board' },
}

export function ConnectionBadge({ connection, role }: { connection: ConnectionState; role: BoardMeta['role'] }) {
  const key = connection === 'live' && role === 'viewer' ? 'readonly' : connection
  return (
    <span className={`ob-status ob-status--${key}`} data-status={key} title={STATUS[key].title} role="status">
      <span className="ob-status__dot" aria-hidden />
      <span className="ob-topbar__label">{STATUS[key].label}</span>
    </span>
  )
}

export function TopBar(props: {
  meta: BoardMeta
  editor: Editor | null
  connection: ConnectionState
  showOutline: boolean
  onToggleOutline: () => void
}) {
  const { meta, editor, connection } = props
  const [shareOpen, setShareOpen] = useState(false)
  const canEdit = meta.role !== 'viewer'
  return (
    <header className="ob-topbar">
      <a
        className="ob-topbar__home"
        href="/"
        title="All boards"
        onClick={(e) => {
          e.preventDefault()
          navigate('/')
        }}
      >
        <img src="/favicon.svg" alt="Outcome board" width={26} height={26} />
      </a>
      <button className={`ob-btn ob-btn--ghost ob-small${props.showOutline ? ' is-on' : ''}`} onClick={props.onToggleOutline} aria-pressed={props.showOutline} title="Outline">
        <span aria-hidden>☰</span> <span className="ob-topbar__label">Outline</span>
      </button>
      <BoardTitle meta={meta} canRename={canEdit && !meta.offline} />
      <ConnectionBadge connection={connection} role={meta.role} />
      <div className="ob-topbar__spacer" />
      <SessionControls editor={editor} />
      {canEdit && editor && (
        <button className="ob-btn ob-small" onClick={() => createNode(editor, 'outcome', { edit: true })} data-action="add-outcome">
          + Outcome
        </button>
      )}
      <BetTopBar editor={editor}>{editor && <ExportMenu editor={editor} />}</BetTopBar>
      <HistoryButton />
      <MoreMenu editor={editor} />
      <div className="ob-share">
        <button className="ob-btn ob-btn--primary ob-small" onClick={() => setShareOpen((v) => !v)} aria-expanded={shareOpen}>
          Share
        </button>
        {shareOpen && <SharePopover meta={meta} onClose={() => setShareOpen(false)} />}
      </div>
      {meta.role === 'owner' && !meta.offline && <BoardMenu meta={meta} />}
    </header>
  )
}

/** Owner only: what can be done to the board as a whole (for now, deleting it). */
function BoardMenu({ meta }: { meta: BoardMeta }) {
  const [open, setOpen] = useState(false)
  const [deleting, setDeleting] = useState(false)
  return (
    <div className="ob-share">
      <button
        className="ob-btn ob-btn--ghost ob-small"
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        aria-haspopup="menu"
        aria-label="Board menu"
        title="Board menu"
        data-action="board-menu"
      >
        ⋯
      </button>
      {open && (
        <div className="ob-popover ob-menu" role="menu" aria-label="Board menu" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <button
            role="menuitem"
            className="ob-btn ob-btn--ghost ob-btn--danger ob-small"
            onClick={() => {
              setOpen(false)
              setDeleting(true)
            }}
            data-action="delete-board"
          >
            Delete board…
          </button>
        </div>
      )}
      {deleting && <DeleteBoardDialog meta={meta} onClose={() => setDeleting(false)} />}
    </div>
  )
}

/** The board's name; owner and editor click it to rename the board (the server keeps it for everyone). */
function BoardTitle({ meta, canRename }: { meta: BoardMeta; canRename: boolean }) {
  const [title, setTitle] = useState(meta.title)
  const [draft, setDraft] = useState<string | null>(null)
  const save = async () => {
    const next = draft?.trim() ?? ''
    setDraft(null)
    if (!next || next === title) return
    const before = title
    setTitle(next)
    try {
      const saved = await renameBoard(meta.id, meta.token, next)
      setTitle(saved.title)
      document.title = saved.title
      const recent = findRecent(meta.id)
      if (recent) rememberBoard({ ...recent, title: saved.title })
    } catch (e) {
      setTitle(before)
      showNotice(`Could not rename the board: ${e instanceof Error ? e.message : String(e)}`, 'warn')
    }
  }
  if (draft !== null) {
    return (
      <input
        className="ob-topbar__title ob-topbar__title-input"
        aria-label="Board name"
        value={draft}
        maxLength={200}
        autoFocus
        onFocus={(e) => e.currentTarget.select()}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save()
          else if (e.key === 'Escape') setDraft(null)
        }}
        onBlur={() => void save()}
      />
    )
  }
  return (
    <h1 className="ob-topbar__title" title={title}>
      {canRename ? (
        <button className="ob-topbar__rename" onClick={() => setDraft(title)} title={`${title} (click to rename)`} data-action="rename-board">
          {title}
        </button>
      ) : (
        title
      )}
    </h1>
  )
}

function SharePopover({ meta, onClose }: { meta: BoardMeta; onClose: () => void }) {
  const [links, setLinks] = useState(() => findRecent(meta.id)?.links ?? {})
  // Editors and owners get the view link from the server (GET /api/boards/:id), asked again on opening so a
  // rotated one shows at once; offline, the one remembered (or the board page's) stands.
  const canInvite = meta.role === 'editor' || meta.role === 'owner'
  useEffect(() => {
    if (!canInvite || meta.offline) return
    let cancelled = false
    getBoard(meta.id, meta.token).then(
      (info) => {
        if (cancelled || !info.viewUrl) return
        const view = info.viewUrl
        setLinks((l) => (l.view === view ? l : { ...l, view }))
        rememberBoard({ id: meta.id, title: info.title, token: meta.token, role: info.role, links: { view } })
      },
      () => {},
    )
    return () => {
      cancelled = true
    }
  }, [canInvite, meta.id, meta.token, meta.offline])
  // The address bar no longer holds the token (see hideTokenFromAddressBar): the link is rebuilt.
  const here = `${window.location.origin}${boardPath(meta.id, meta.token)}`
  const edit = links.edit ?? (meta.role === 'editor' ? here : undefined)
  const view = links.view ?? meta.viewUrl ?? (meta.role === 'viewer' ? here : undefined)
  const owner = links.owner ?? (meta.role === 'owner' ? here : undefined)
  const rows: { label: string; url: string; note: string; id: string }[] = []
  if (edit) rows.push({ id: 'edit', label: 'Edit link', url: edit, note: 'Anyone with it can edit the tree.' })
  if (view) rows.push({ id: 'view', label: 'View link', url: view, note: 'Read-only, for stakeholders: anyone with it can see the board, not change it.' })
  if (!rows.length) rows.push({ id: 'this', label: 'This link', url: here, note: 'The link you opened this board with.' })
  if (owner) rows.push({ id: 'owner', label: 'Owner link', url: owner, note: 'Keep it to yourself: it can rotate tokens.' })
  return (
    <div className="ob-popover" role="dialog" aria-label="Share this board" data-testid="share-popover" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {rows.map((row) => (
        <CopyRow key={`${row.label} ${row.url}`} {...row} />
      ))}
      {meta.role === 'owner' && <ResetLinks meta={meta} onReset={setLinks} />}
    </div>
  )
}

type Links = NonNullable<RecentBoard['links']>

/** Owner only: new edit and view links; whoever still has the old ones loses access at once. */
function ResetLinks({ meta, onReset }: { meta: BoardMeta; onReset: (links: Links) => void }) {
  const [phase, setPhase] = useState<'idle' | 'confirm' | 'busy' | 'done'>('idle')
  const [error, setError] = useState<string | null>(null)
  const reset = async () => {
    setPhase('busy')
    setError(null)
    try {
      const fresh = await rotateTokens(meta.id, meta.token, ['editor', 'viewer'])
      const links: Links = { ...findRecent(meta.id)?.links }
      if (fresh.editUrl) links.edit = fresh.editUrl
      if (fresh.viewUrl) links.view = fresh.viewUrl
      if (fresh.ownerUrl) links.owner = fresh.ownerUrl
      // Remember the new links (and the new owner token, should the owner's own link have changed).
      rememberBoard({
        id: meta.id,
        title: meta.title,
        token: fresh.ownerToken ?? meta.token,
        role: 'owner',
        links,
      })
      onReset(links)
      setPhase('done')
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      setPhase('confirm')
    }
  }
  if (phase === 'idle' || phase === 'done') {
    return (
      <div className="ob-reset">
        {phase === 'done' && (
          <p className="ob-reset__done" role="status">
            New edit and view links are above. The old ones no longer work.
          </p>
        )}
        <button className="ob-btn ob-btn--ghost ob-small" onClick={() => setPhase('confirm')} data-action="reset-links">
          Reset edit &amp; view links…
        </button>
      </div>
    )
  }
  return (
    <div className="ob-reset ob-reset--confirm" role="group" aria-label="Reset edit and view links">
      <p>
        <strong>Reset the edit and view links?</strong> Everyone using the current edit or view link loses access at once,
        including people on the board right now. You get new links to share with the people who should keep access. Your
        owner link stays the same.
      </p>
      {error && <p className="ob-error ob-small">{error}</p>}
      <div className="ob-reset__actions">
        <button className="ob-btn ob-small" onClick={() => setPhase('idle')} disabled={phase === 'busy'}>
          Cancel
        </button>
        <button className="ob-btn ob-btn--danger ob-small" onClick={reset} disabled={phase === 'busy'} data-action="confirm-reset-links">
          {phase === 'busy' ? 'Resetting…' : 'Reset links'}
        </button>
      </div>
    </div>
  )
}

function CopyRow({ label, url, note, id }: { label: string; url: string; note: string; id: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <div className="ob-copyrow" data-link={id}>
      <div className="ob-copyrow__label">
        <strong>{label}</strong>
        <span className="ob-muted ob-small">{note}</span>
      </div>
      <div className="ob-copyrow__line">
        <input readOnly value={url} onFocus={(e) => e.currentTarget.select()} aria-label={label} />
        <button
          className="ob-btn ob-small"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(url)
              setCopied(true)
              setTimeout(() => setCopied(false), 1500)
            } catch {
              // clipboard blocked: the field is selectable
            }
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  )
}
