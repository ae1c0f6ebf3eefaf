// /b/:id?token= — resolves who we are on this board (or what we remember of it when offline), then mounts
// the live editor. A wrong or revoked token stops here with a clear message instead of retrying forever.

import { useEffect, useState } from 'react'
import { ApiError, getBoard, getConfig } from '../api'
import type { BoardInfo, ClientConfig, Role } from '../api'
import { cacheConfig, cachedConfig, findRecent, rememberBoard } from '../local'
import { navigate } from '../router'
import { BoardEditor } from './BoardEditor'

export interface BoardMeta {
  id: string
  token: string
  title: string
  role: Role | null
  offline: boolean
}

type State =
  | { phase: 'loading' }
  | { phase: 'ready'; meta: BoardMeta }
  | { phase: 'denied'; status: number; message: string }

export function BoardPage({ boardId, token }: { boardId: string; token: string }) {
  const [state, setState] = useState<State>({ phase: 'loading' })
  const [config, setConfig] = useState<ClientConfig | null>(() => cachedConfig())

  useEffect(() => {
    let cancelled = false
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
        rememberBoard({ id: info.id, title: info.title, token, role: info.role })
        setState({ phase: 'ready', meta: { id: info.id, token, title: info.title, role: info.role, offline: false } })
      },
      (error: unknown) => {
        if (cancelled) return
        if (error instanceof ApiError && error.status === 0) {
          // Offline: open what this browser has (IndexedDB) with what we remember about the board.
          const recent = findRecent(boardId, token)
          setState({
            phase: 'ready',
            meta: { id: boardId, token, title: recent?.title ?? 'Board', role: recent?.role ?? null, offline: true },
          })
        } else if (error instanceof ApiError) {
          setState({ phase: 'denied', status: error.status, message: deniedMessage(error.status, error.message) })
        } else {
          setState({ phase: 'denied', status: 500, message: String(error) })
        }
      },
    )
    return () => {
      cancelled = true
    }
  }, [boardId, token])

  useEffect(() => {
    if (state.phase === 'ready') document.title = `${state.meta.title} · Outcome board`
  }, [state])

  if (state.phase === 'loading') {
    return (
      <main className="ob-page ob-center" aria-busy="true">
        <div className="ob-spinner" />
        <p className="ob-muted">Opening board…</p>
      </main>
    )
  }
  if (state.phase === 'denied') return <AccessDenied message={state.message} />
  return <BoardEditor meta={state.meta} licenseKey={config?.tldrawLicenseKey ?? undefined} />
}

export function deniedMessage(status: number, fallback: string) {
  if (status === 404) return 'This board does not exist (or was deleted).'
  if (status === 401) return 'This link is not valid for this board. It may have been rotated; ask the owner for a new one.'
  if (status === 403) return 'Your link does not allow this.'
  return fallback
}

export function AccessDenied({ message }: { message: string }) {
  return (
    <main className="ob-page ob-center" data-testid="access-denied">
      <div className="ob-panel-card ob-denied">
        <span className="ob-status ob-status--denied" data-status="denied">
          Access denied
        </span>
        <h1>Can’t open this board</h1>
        <p>{message}</p>
        <button className="ob-btn ob-btn--primary" onClick={() => navigate('/')}>
          Go to your boards
        </button>
      </div>
    </main>
  )
}
