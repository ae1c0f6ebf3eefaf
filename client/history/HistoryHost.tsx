// Mounted once per board beside the canvas (inside the board's main row): keeps the history context in step
// with the board, and hosts the history panel, the read-only view of a version over the live canvas, the
// restore confirmation and the notice after a restore.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect } from 'react'
import type { Role } from '../platform/api'
import { CompareView } from './CompareView'
import { HistoryPanel } from './HistoryPanel'
import { RestoreDialog, RestoreNotice } from './RestoreDialog'
import { historyContext, historyOpen, lastRestore, viewing } from './state'

export function HistoryHost(props: { boardId: string; token: string; role: Role | null; offline: boolean; editor: Editor; licenseKey?: string }) {
  const { boardId, token, role, offline, editor } = props
  useEffect(() => {
    historyContext.set({ boardId, token, role, offline })
    return () => {
      historyContext.set(null)
      historyOpen.set(false)
      viewing.set(null)
      lastRestore.set(null)
    }
  }, [boardId, token, role, offline])
  const open = useValue('history open', () => historyOpen.get(), [])
  return (
    <>
      {open && <CompareView liveEditor={editor} licenseKey={props.licenseKey} />}
      {open && <HistoryPanel />}
      <RestoreDialog />
      <RestoreNotice />
    </>
  )
}
