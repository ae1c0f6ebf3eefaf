// /b/:id?token= — resolves who we are on this board (or what we remember of it when offline), then mounts
// the live editor. A wrong or revoked token stops here with a clear message instead of retrying forever.

import { Component, useEffect, useState } from 'react'
import type { ReactNode } from 'react'
import { ApiError, getBoard, getConfig } from '../platform/api'
import type { BoardInfo, BoardMeta, ClientConfig, Role } from '../platform/api'
import { loadOnce } from '../platform/load-once'
import { cacheConfig, cachedConfig, findRecent, hideTokenFromAddressBar, rememberBoard } from '../platform/local'
import { mark } from '../platform/perf'
import { boardPath } from '../platform/router'
import { AccessDenied, deniedMessage } from '../ui/AccessDenied'
import { BoardConnection } from '../sync/BoardConnection'

// The editor (tldraw and everything on the canvas) is most of the app's code: it loads while the board's
// info and document arrive, instead of before anything starts. It is rendered once its code is here rather
// than through React.lazy: React holds back the content of a Suspense boundary until 300 ms after its
// fallback appeared, which on a fast load was a wait of its own before the board could show.
type EditorModule = typeof import('../board/BoardEditor')
const loadEditor = loadOnce(() =>
  import('../board/BoardEditor').then((m) => {
    mark('editor-code')
    return m
  }),
)

/** A viewer's own link is the view link; editors and owners have it from GET /api/boards/:id (or remembered). */
function viewUrlFor(id: string, token: string, role: Role | null, fromServer?: string, remembered?: string): string | undefined {
  if (role === 'viewer') return `${window.location.origin}${boardPath(id, token)}`
  return fromServer ?? remembered
}

type State =
  | { phase: 'loading' }
  | { phase: 'ready'; meta: BoardMeta }
  | { phase: 'denied'; status: number; message: string }

export function BoardPage({ boardId, token }: { boardId: string; token: string }) {
  const [state, setState] = useState<State>({ phase: 'loading' })
  const [config, setConfig] = useState<ClientConfig | null>(() => cachedConfig())
  const [connection, setConnection] = useState<BoardConnection | null>(null)
  const [editorCode, setEditorCode] = useState<{ module: EditorModule } | { error: Error } | null>(null)

  useEffect(() => {
    let cancelled = false
    loadEditor().then(
      (module) => !cancelled && setEditorCode({ module }),
      (error: unknown) => !cancelled && setEditorCode({ error: error instanceof Error ? error : new Error(String(error)) }),
    )
    // The document starts loading now, alongside the board's info and the editor's code.
    const conn = token ? new BoardConnection({ boardId, token }) : null
    setConnection(conn)
    getConfig().then(
      (c) => {
        cacheConfig(c)
        if (!cancelled) setConfig(c)
      },
      () => {},
    )
    if (!token) {
      setState({ phase: 'denied', status: 401, message: 'This link has no token. Ask for an edit or view link.' })
      return
    }
    getBoard(boardId, token).then(
      (info: BoardInfo) => {
        if (cancelled) return
        mark('board-info')
        rememberBoard({ id: info.id, title: info.title, token, role: info.role, ...(info.viewUrl ? { links: { view: info.viewUrl } } : {}) })
        hideTokenFromAddressBar(info.id, token)
        const viewUrl = viewUrlFor(info.id, token, info.role, info.viewUrl)
        setState({ phase: 'ready', meta: { id: info.id, token, title: info.title, role: info.role, offline: false, viewUrl } })
      },
      (error: unknown) => {
        if (cancelled) return
        if (error instanceof ApiError && error.status === 0) {
          // Offline: open what this browser has (IndexedDB) with what we remember about the board.
          const recent = findRecent(boardId, token)
          setState({
            phase: 'ready',
            meta: {
              id: boardId,
              token,
              title: recent?.title ?? 'Board',
              role: recent?.role ?? null,
              offline: true,
              viewUrl: viewUrlFor(boardId, token, recent?.role ?? null, undefined, recent?.links?.view),
            },
          })
        } else if (error instanceof ApiError) {
          conn?.destroy()
          setState({ phase: 'denied', status: error.status, message: deniedMessage(error.status, error.message) })
        } else {
          conn?.destroy()
          setState({ phase: 'denied', status: 500, message: String(error) })
        }
      },
    )
    return () => {
      cancelled = true
      conn?.destroy()
    }
  }, [boardId, token])

  useEffect(() => {
    if (state.phase === 'ready') document.title = `${state.meta.title} · Outcome board`
  }, [state])

  const opening = (
    <main className="ob-page ob-center" aria-busy="true">
      <div className="ob-spinner" />
      <p className="ob-muted">Opening board…</p>
    </main>
  )
  if (state.phase === 'denied') return <AccessDenied message={state.message} />
  if (editorCode && 'error' in editorCode) return <EditorFailed error={editorCode.error} />
  if (state.phase === 'loading' || !connection || !editorCode) return opening
  const { BoardEditor } = editorCode.module
  return (
    <EditorBoundary>
      <BoardEditor meta={state.meta} boardDoc={connection} licenseKey={config?.tldrawLicenseKey ?? undefined} />
    </EditorBoundary>
  )
}

/** The editor failed to render: say so instead of a blank page. */
class EditorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null }

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  render() {
    return this.state.error ? <EditorFailed error={this.state.error} /> : this.props.children
  }
}

/** The editor's code failed to load (offline before the app was ever cached, or a deploy replaced it), or the
 *  editor failed to render: say which. */
function EditorFailed({ error }: { error: Error }) {
  const notLoaded = /dynamically imported module|importing a module script failed|failed to fetch/i.test(error.message)
  return (
    <main className="ob-page ob-center" role="alert">
      <div className="ob-panel-card ob-denied">
        <h1>{notLoaded ? 'The board’s editor did not load' : 'The board could not be shown'}</h1>
        <p>
          {notLoaded ? 'Check your connection, then reload the page.' : `Something went wrong (${error.message}). Reload the page to try again.`}{' '}
          Nothing on the board is lost.
        </p>
        <button className="ob-btn ob-btn--primary" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    </main>
  )
}
