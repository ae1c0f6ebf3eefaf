// Home: start a board, reopen a recent one (remembered in this browser), or paste a link someone shared.
import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { ApiError, createBoard } from '../platform/api'
import { clearHomeNotice, forgetBoard, homeNotice, parseBoardLink, recentBoards, rememberBoard } from '../platform/local'
import type { RecentBoard } from '../platform/local'
import { boardPath, navigate } from '../platform/router'
import { TemplatePicker, templateById } from './TemplatePicker'
import type { TemplateId } from './TemplatePicker'

const ROLE_LABEL = { owner: 'Owner', editor: 'Editor', viewer: 'View only' } as const

export function HomePage() {
  const [title, setTitle] = useState('')
  const [template, setTemplate] = useState<TemplateId>('empty')
  const [creating, setCreating] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [link, setLink] = useState('')
  const [linkError, setLinkError] = useState<string | null>(null)
  const [recent, setRecent] = useState<RecentBoard[]>(() => recentBoards())
  const [notice] = useState(() => homeNotice())
  // Shown once: cleared after the first render (not while rendering, which React may do twice).
  useEffect(() => clearHomeNotice(), [])

  async function onCreate(e: FormEvent) {
    e.preventDefault()
    setCreating(true)
    setError(null)
    try {
      const tree = templateById(template).tree
      const board = await createBoard(title.trim() || (tree ? '' : 'Untitled board'), tree ?? undefined)
      rememberBoard({
        id: board.id,
        title: board.title,
        token: board.ownerToken,
        role: 'owner',
        links: { owner: board.ownerUrl, edit: board.editUrl, view: board.viewUrl },
      })
      navigate(boardPath(board.id, board.ownerToken))
    } catch (err) {
      setError(err instanceof ApiError && err.status === 0 ? 'The server cannot be reached. Check your connection.' : String((err as Error).message))
      setCreating(false)
    }
  }

  function onOpenLink(e: FormEvent) {
    e.preventDefault()
    const parsed = parseBoardLink(link)
    if (!parsed) {
      setLinkError('That does not look like a board link (it should contain /b/… and ?token=…).')
      return
    }
    navigate(boardPath(parsed.id, parsed.token))
  }

  return (
    <main className="ob-page ob-home">
      <header className="ob-home__header">
        <div className="ob-logo" aria-hidden>
          <img src="/favicon.svg" alt="" width={36} height={36} />
        </div>
        <div>
          <h1>Outcome board</h1>
          <p className="ob-muted">Map one outcome to the opportunities, solutions and assumptions behind it — together, live.</p>
        </div>
      </header>

      {notice && (
        <p className="ob-panel-card ob-home__notice" role="status" data-testid="home-notice">
          {notice}
        </p>
      )}

      <section className="ob-home__grid">
        <form className="ob-panel-card" onSubmit={onCreate}>
          <h2>Start a board</h2>
          <label className="ob-field">
            <span>Board title</span>
            <input
              name="title"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="e.g. Q3 activation discovery"
              maxLength={200}
              autoFocus
            />
          </label>
          <TemplatePicker value={template} onChange={setTemplate} />
          <button className="ob-btn ob-btn--primary" type="submit" disabled={creating}>
            {creating ? 'Creating…' : 'Create board'}
          </button>
          {error && <p className="ob-error" role="alert">{error}</p>}
          <p className="ob-muted ob-small">You get an owner link, an edit link and a view-only link to share.</p>
        </form>

        <form className="ob-panel-card" onSubmit={onOpenLink}>
          <h2>Open a shared link</h2>
          <label className="ob-field">
            <span>Edit or view link</span>
            <input
              name="link"
              value={link}
              onChange={(e) => {
                setLink(e.target.value)
                setLinkError(null)
              }}
              placeholder="https://…/b/abc123?token=…"
            />
          </label>
          <button className="ob-btn" type="submit" disabled={!link.trim()}>
            Open board
          </button>
          {linkError && <p className="ob-error" role="alert">{linkError}</p>}
        </form>
      </section>

      <section className="ob-panel-card ob-recent">
        <h2>Recent boards</h2>
        {recent.length === 0 ? (
          <p className="ob-muted">Boards you open in this browser appear here.</p>
        ) : (
          <ul>
            {recent.map((board) => (
              <li key={board.id}>
                <a
                  href={boardPath(board.id, board.token)}
                  onClick={(e) => {
                    e.preventDefault()
                    navigate(boardPath(board.id, board.token))
                  }}
                >
                  <strong>{board.title || 'Untitled board'}</strong>
                  <span className={`ob-role ob-role--${board.role}`}>{ROLE_LABEL[board.role]}</span>
                  <span className="ob-muted ob-small">{new Date(board.openedAt).toLocaleString()}</span>
                </a>
                <button
                  className="ob-btn ob-btn--ghost ob-small"
                  title="Remove from this list (the board itself is kept)"
                  onClick={() => {
                    forgetBoard(board.id)
                    setRecent(recentBoards())
                  }}
                >
                  Forget
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  )
}
