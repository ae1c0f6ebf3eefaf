// Export menu in the top bar: the whole tree as markdown outline, Tree JSON or CSV (copy or download), a
// picture of the board (PNG or SVG, drawn by tldraw), and the locked bet's exports when there is one.
// Everything is computed here from the live document with the same shared functions the server uses, so it
// works for view links and offline too.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect, useState } from 'react'
import { FORMAT_LABEL } from '../../shared/formats/export-format'
import type { ExportFormat } from '../../shared/formats/export-format'
import { betExport } from '../../shared/bet'
import { copyText, downloadBlob, downloadText, fileName } from '../platform/files'
import { useMenu } from '../ui/use-menu'
import { showNotice } from '../ui/notice'
import { boardContext } from '../editor/board-context'
import { lockedBet } from '../editor/bet'
import { loadTreeFormats, treeExport, treePicture } from './files'

const TREE_NOTES: Record<ExportFormat, string> = {
  md: 'Outline: titles and structure',
  json: 'Tree JSON: everything, re-importable',
  csv: 'One row per node, for spreadsheets',
}
const BET_NOTES: Record<ExportFormat, string> = {
  md: 'A ready tracker issue',
  json: 'The bet with its frozen path',
  csv: 'Jira CSV import',
}

export function ExportMenu({ editor }: { editor: Editor }) {
  const { open, setOpen, ref, buttonRef, close } = useMenu('.ob-exportmenu button')
  return (
    <div className="ob-facil" ref={ref}>
      <button
        ref={buttonRef}
        className={`ob-btn ob-btn--ghost ob-small${open ? ' is-on' : ''}`}
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        aria-haspopup="menu"
        data-action="export"
        title="Export"
      >
        <span aria-hidden>⇩</span> <span className="ob-topbar__label">Export</span> ▾
      </button>
      {open && <Menu editor={editor} onClose={close} />}
    </div>
  )
}

function Menu({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const ctx = useValue('bet context', () => boardContext.get(), [])
  const bet = useValue('locked bet', () => lockedBet.get(), [])
  // The picture is of the selection when there is one (see pictureShapeIds): the menu says which.
  const selected = useValue('selected count', () => editor.getSelectedShapeIds().length, [editor])
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  useEffect(() => {
    loadTreeFormats().catch(() => {}) // offline before it was cached: the click says so
  }, [])
  if (!ctx) return null
  const flash = (key: string) => {
    setDone(key)
    setTimeout(() => setDone((d) => (d === key ? null : d)), 1600)
  }
  const copy = async (key: string, text: () => string | Promise<string>) => {
    try {
      await copyText(await text())
      flash(key)
    } catch (e) {
      showNotice(`Could not copy: ${e instanceof Error ? e.message : e}`, 'warn')
    }
  }
  const picture = async (format: 'png' | 'svg') => {
    setBusy(format)
    try {
      downloadBlob(await treePicture(editor, format), fileName(ctx.title, format))
      flash(format)
    } catch (e) {
      showNotice(`Could not draw the picture: ${e instanceof Error ? e.message : e}`, 'warn')
    } finally {
      setBusy(null)
    }
  }
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      onClose()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button:not(:disabled)')]
      const i = items.indexOf(document.activeElement as HTMLButtonElement)
      items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
    }
  }
  const download = async (text: () => string | Promise<string>, base: string, format: ExportFormat) => {
    try {
      downloadText(await text(), base, format)
    } catch (e) {
      showNotice(`Could not export: ${e instanceof Error ? e.message : e}`, 'warn')
    }
  }
  const row = (scope: 'tree' | 'bet', format: ExportFormat, note: string, text: () => string | Promise<string>, base: string) => {
    const key = `${scope}-${format}`
    return (
      <div className="ob-exportrow" key={key}>
        <span className="ob-exportrow__label">
          <strong>{FORMAT_LABEL[format]}</strong>
          <small className="ob-muted">{note}</small>
        </span>
        <button className="ob-btn ob-small" onClick={() => void copy(key, text)} data-action={`copy-${key}`}>
          {done === key ? '✓ Copied' : 'Copy'}
        </button>
        <button className="ob-btn ob-small" onClick={() => void download(text, base, format)} data-action={`download-${key}`}>
          Download
        </button>
      </div>
    )
  }
  const formats: ExportFormat[] = ['md', 'json', 'csv']
  return (
    <div className="ob-popover ob-dialog ob-exportmenu" role="dialog" aria-label="Export" onKeyDown={onKeyDown} data-testid="export-menu">
      {bet && (
        <section>
          <h2>The bet · {bet.title || 'untitled'}</h2>
          {formats.map((f) => row('bet', f, BET_NOTES[f], () => betExport(bet, ctx.viewUrl, f), `bet-${bet.title}`))}
        </section>
      )}
      <section>
        <h2>The whole tree</h2>
        {formats.map((f) => row('tree', f, TREE_NOTES[f], () => treeExport(editor, ctx.title, f), ctx.title))}
      </section>
      <section>
        <h2>Picture of the board</h2>
        <div className="ob-exportrow">
          <span className="ob-exportrow__label">
            <strong>Image</strong>
            <small className="ob-muted" data-testid="picture-scope">
              {selected ? `The ${selected} selected, as drawn` : 'The whole tree, as drawn'}
            </small>
          </span>
          {(['png', 'svg'] as const).map((format) => (
            <button key={format} className="ob-btn ob-small" disabled={!!busy} onClick={() => void picture(format)} data-action={`picture-${format}`}>
              {busy === format ? 'Drawing…' : done === format ? '✓ Saved' : format.toUpperCase()}
            </button>
          ))}
        </div>
      </section>
    </div>
  )
}
