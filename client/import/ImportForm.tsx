// The import dialog's form: paste a markdown outline or Tree JSON, or choose a .md/.txt/.json file. The format
// is detected, the input is checked as you go, and problems are listed with their line numbers; the board
// changes only when everything is valid. An outline's items may leave out their kind prefix: the preview
// then says that their kinds were inferred from depth. New trees are added beside the existing ones and laid out.

import type { Editor } from '@tldraw/tldraw'
import { useMemo, useRef, useState } from 'react'
import { Modal } from '../ui/Modal'
import { showNotice } from '../ui/notice'
import { boardContext, displayName } from '../editor/board-context'
import { KIND_LABEL } from '../editor/kinds'
import { saveBeforeImport } from './api'
import { countNodes, detectFormat, importTree, parseImport } from './importTree'
import type { ImportFormat } from './importTree'
import { importOpen } from './state'

const EXAMPLE = `# Q3 discovery
- Outcome: Increase weekly active teams
  - Opportunity: I can't tell what changed since my last visit
    - Solution: Weekly activity digest
      - Assumption: Teams read email digests
    - Solution: "What's new" panel`

const MAX_FILE = 5_000_000
const plural = (word: string, n: number) => (n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`)

export function ImportForm({ editor }: { editor: Editor }) {
  const [text, setText] = useState('')
  const [fileLabel, setFileLabel] = useState<string | null>(null)
  const [forced, setForced] = useState<ImportFormat | 'auto'>('auto')
  const [checked, setChecked] = useState(false)
  const [fileError, setFileError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const fileRef = useRef<HTMLInputElement>(null)
  const areaRef = useRef<HTMLTextAreaElement>(null)
  const close = () => importOpen.set(false)

  const format: ImportFormat = forced === 'auto' ? detectFormat(text) : forced
  const result = useMemo(() => (text.trim() ? parseImport(text, format) : null), [text, format])
  const counts = result?.ok ? countNodes(result.value.roots) : null
  const showErrors = checked && result && !result.ok

  const onFile = async (file: File | undefined) => {
    setFileError(null)
    if (!file) return
    if (file.size > MAX_FILE) {
      setFileError(`That file is too large (${Math.round(file.size / 1_000_000)} MB; at most 5 MB).`)
      return
    }
    const content = await file.text()
    setText(content)
    setFileLabel(file.name)
    setForced(/\.json$/i.test(file.name) ? 'json' : /\.(md|markdown|txt)$/i.test(file.name) ? 'outline' : 'auto')
    setChecked(true)
  }

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setChecked(true)
    if (!result || !result.ok) {
      areaRef.current?.focus()
      return
    }
    // The server saves the present as a version first ('before-import'), so the import can be undone from
    // the history. Offline (or refused), the import still goes ahead: it only adds cards.
    const ctx = boardContext.get()
    let saved = false
    setSaving(true)
    try {
      if (ctx) saved = !!(await saveBeforeImport(ctx.boardId, ctx.token, displayName()))
    } catch {
      saved = false
    } finally {
      setSaving(false)
    }
    try {
      const ids = importTree(editor, result.value)
      close()
      const note = saved ? ' The board before it is in the history.' : ' No version was saved first (the server could not be reached).'
      showNotice(`Imported ${ids.length} ${ids.length === 1 ? 'card' : 'cards'} beside the existing tree.${note}`, saved ? 'info' : 'warn', 5000)
    } catch (err) {
      showNotice(`Could not import: ${err instanceof Error ? err.message : err}`, 'error')
    }
  }

  return (
    <Modal labelledBy="ob-import-title" onClose={close} className="ob-dialog--import" testId="import-dialog" initialFocus={areaRef}>
      <form className="ob-import" onSubmit={submit}>
        <header>
          <h2 id="ob-import-title">Import into this board</h2>
          <p className="ob-muted ob-small">
            Paste a markdown outline (a nested list; start an item with <code>Outcome:</code>, <code>Opportunity:</code>, <code>Solution:</code> or <code>Assumption:</code>,
            or leave the prefix out and the kind follows the depth: outcome → opportunity → solution → assumption) or Tree JSON exported from a board. New
            trees go beside the existing ones.
          </p>
        </header>
        <div className="ob-import__bar">
          <button type="button" className="ob-btn ob-small" onClick={() => fileRef.current?.click()} data-action="choose-file">
            Choose a file…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".md,.markdown,.txt,.json,text/markdown,text/plain,application/json"
            hidden
            onChange={(e) => void onFile(e.currentTarget.files?.[0])}
            data-testid="import-file"
          />
          <span className="ob-small ob-muted ob-import__file">{fileLabel ?? '.md, .txt or .json'}</span>
          <label className="ob-import__format ob-small">
            Format
            <select value={forced} onChange={(e) => setForced(e.currentTarget.value as ImportFormat | 'auto')} name="format">
              <option value="auto">Detect ({detectFormat(text) === 'json' ? 'Tree JSON' : 'outline'})</option>
              <option value="outline">Markdown outline</option>
              <option value="json">Tree JSON</option>
            </select>
          </label>
        </div>
        <textarea
          ref={areaRef}
          className={`ob-import__text${showErrors ? ' is-invalid' : ''}`}
          name="import"
          spellCheck={false}
          value={text}
          placeholder={EXAMPLE}
          aria-label="Outline or Tree JSON to import"
          aria-invalid={!!showErrors}
          aria-describedby="ob-import-status"
          onChange={(e) => {
            setText(e.currentTarget.value)
            setFileLabel(null)
          }}
          onKeyDown={(e) => {
            // Tab indents in the outline instead of leaving the field (Escape then Tab leaves it).
            if (e.key === 'Tab' && !e.shiftKey && format === 'outline' && !e.nativeEvent.isComposing && text) {
              e.preventDefault()
              const el = e.currentTarget
              const { selectionStart: s, selectionEnd: t } = el
              const next = `${text.slice(0, s)}  ${text.slice(t)}`
              setText(next)
              requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2))
            }
          }}
        />
        <div id="ob-import-status" aria-live="polite">
          {fileError && <p className="ob-error">{fileError}</p>}
          {showErrors && !result.ok && (
            <div className="ob-import__errors" role="alert" data-testid="import-errors">
              <strong>
                {result.errors.length} {result.errors.length === 1 ? 'problem' : 'problems'} — nothing was imported
              </strong>
              <ul>
                {result.errors.map((err, i) => (
                  <li key={i}>{err}</li>
                ))}
              </ul>
            </div>
          )}
          {counts && (
            <p className="ob-import__ok ob-small" data-testid="import-summary">
              ✓ {format === 'json' ? 'Tree JSON' : 'Outline'} with{' '}
              {(['outcome', 'opportunity', 'solution', 'assumption'] as const)
                .filter((k) => counts[k])
                .map((k) => `${counts[k]} ${plural(KIND_LABEL[k].toLowerCase(), counts[k])}`)
                .join(', ')}
            </p>
          )}
          {counts && result?.ok && result.inferred ? (
            <p className="ob-hint ob-small" data-testid="import-inferred" data-inferred={result.inferred}>
              {result.inferred === counts.total ? 'No item has a kind prefix, so every kind was' : `${result.inferred} of ${counts.total} items have no kind prefix; their kinds were`}{' '}
              inferred from depth: outcome → opportunity → solution → assumption (under a prefixed item, the next kind down). Check the counts above; to set
              a kind yourself, start the item with <code>Opportunity:</code> (or another kind).
            </p>
          ) : null}
        </div>
        <div className="ob-dialog__actions">
          <button type="button" className="ob-btn ob-btn--ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="ob-btn ob-btn--primary" disabled={!text.trim() || saving} data-action="confirm-import">
            {saving ? 'Saving a version first…' : counts ? `Import ${counts.total} ${counts.total === 1 ? 'card' : 'cards'}` : 'Import'}
          </button>
        </div>
      </form>
    </Modal>
  )
}
