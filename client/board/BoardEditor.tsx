// The live board: top bar, outline panel, the tldraw canvas bound to the Yjs document, and the node panel.

import { DefaultHelperButtons, DefaultStylePanel, Tldraw, getUserPreferences, react, useEditor, useValue } from '@tldraw/tldraw'
import type { Editor, TLComponents, TLUiHelperButtonsProps, TLUiOverrides, TLUiStylePanelProps } from '@tldraw/tldraw'
import { useEffect, useMemo, useState } from 'react'
import { mark } from '../platform/perf'
import { pageSettled } from '../platform/service-worker'
import type { BoardMeta } from '../platform/api'
import { NoticeToast } from '../ui/NoticeToast'
import { showNotice } from '../ui/notice'
import { AccessDenied, deniedMessage } from '../ui/AccessDenied'
import { assetUrls } from '../editor/assets'
import * as actions from '../editor/actions'
import { boardState } from '../editor/state'
import { installBoardKeys } from '../editor/keys'
import { ZOOM_STEPS, fitTree, keepEditingInView } from '../editor/camera'
import { createFoldState, installFolding } from '../editor/fold'
import type { BoardConnection } from '../sync/BoardConnection'
import { BoardSync } from '../sync/BoardSync'
import { nodeShapeUtils } from '../shapes'
import { boundedPatternShapeUtils } from '../shapes/pattern-fill'
import { Connectors } from '../shapes/Connectors'
import { DetailPanel } from '../panels/DetailPanel'
import type { NodeSection } from '../panels/DetailPanel'
import { Facilitation } from '../facilitation/Facilitation'
import { BetHost } from '../bet/BetHost'
import { ImportDialog } from '../import/ImportDialog'
import { CompareHost, ScoringTools } from '../scoring/ScoringTools'
import { BetNodeSection } from '../bet/BetNodeSection'
import { HistoryHost } from '../history/HistoryHost'
import { OutlinePanel } from '../panels/OutlinePanel'
import { ContextMenuWithNotesToCards, NotesToCardsDialog } from '../notes/NotesToCards'
import { addNotesToCardsAction } from '../notes/notes-to-cards'
import { BoardDeleted } from './DeleteBoardDialog'
import { DeleteDialog } from './DeleteDialog'
import { NamePrompt } from './NamePrompt'
import { SelectionToolbar } from './SelectionToolbar'
import { SyncNotices } from './SyncNotices'
import { TopBar } from './TopBar'
import { useBoardContext } from './use-board-context'

declare global {
  interface Window {
    editor?: Editor
    board?: BoardTestHook
  }
}

/** A small handle for end-to-end tests; every flow it offers is also reachable with buttons and keys. */
export interface BoardTestHook {
  sync: BoardSync
  actions: typeof actions
  tree: () => ReturnType<ReturnType<typeof boardState>['tree']['get']>
  connection: () => string
}

/** The style panel only makes sense for tldraw's own shapes; tree cards are styled by kind. */
function StylePanel(props: TLUiStylePanelProps) {
  const editor = useEditor()
  const show = useValue(
    'style panel wanted',
    () => {
      const selected = editor.getSelectedShapes()
      // Free shapes selected, or a drawing tool active (its next-shape styles); never for tree cards alone.
      return selected.length ? !selected.every(actions.isNodeShape) : !editor.isIn('select')
    },
    [editor],
  )
  return show ? <DefaultStylePanel {...props} /> : null
}

/** While following someone our banner (facilitation/Facilitation.tsx) names them and offers "Stop following";
 *  tldraw's own helper button would be a second, smaller way out, so its helper buttons step aside then. */
function HelperButtons(props: TLUiHelperButtonsProps) {
  const editor = useEditor()
  const following = useValue('following someone', () => !!editor.getInstanceState().followingUserId, [editor])
  return following ? null : <DefaultHelperButtons {...props} />
}

/** The cards, and tldraw's free shapes with their hatched fill drawn only up to the zoom it needs (see
 *  shapes/pattern-fill.tsx: the 1% zoom step made tldraw draw 8,192 px tiles on every load). */
const editorShapeUtils = [...boundedPatternShapeUtils, ...nodeShapeUtils]

const components: TLComponents = {
  OnTheCanvas: Connectors,
  InFrontOfTheCanvas: SelectionToolbar,
  ContextMenu: ContextMenuWithNotesToCards,
  StylePanel,
  HelperButtons,
}

const overrides: TLUiOverrides = {
  actions(editor, uiActions) {
    const del = uiActions['delete']
    if (del) {
      uiActions['delete'] = {
        ...del,
        onSelect() {
          const ids = editor.getSelectedShapeIds()
          if (ids.some((id) => actions.isNodeShape(editor.getShape(id)))) actions.requestDelete(editor, ids)
          else editor.deleteShapes(ids)
        },
      }
    }
    addNotesToCardsAction(editor, uiActions)
    return uiActions
  },
}

/** What the detail panel shows of the selected card beyond its own fields, in this order. */
const NODE_SECTIONS: readonly NodeSection[] = [BetNodeSection, ScoringTools]

export function BoardEditor({ meta, boardDoc, licenseKey }: { meta: BoardMeta; boardDoc: BoardConnection; licenseKey?: string }) {
  const [sync, setSync] = useState<BoardSync | null>(null)
  const [editor, setEditor] = useState<Editor | null>(null)
  const [needsName, setNeedsName] = useState(() => !getUserPreferences().name?.trim())
  const [showOutline, setShowOutline] = useState(true)
  // Folded subtrees: this person's view of this board only (kept in this browser).
  const fold = useMemo(() => createFoldState(meta.id), [meta.id])
  useBoardContext(meta)

  useEffect(() => {
    const s = new BoardSync({ boardId: meta.id, token: meta.token, role: meta.role, shapeUtils: nodeShapeUtils, connection: boardDoc })
    setSync(s)
    return () => {
      s.destroy()
      setSync(null)
    }
  }, [meta.id, meta.token, meta.role, boardDoc])

  const load = useValue('load', () => sync?.load.get() ?? { status: 'loading' as const }, [sync])
  const connection = useValue('connection', () => sync?.connection.get() ?? 'connecting', [sync])
  const denial = useValue('denial', () => sync?.denialReason.get() ?? null, [sync])

  useEffect(() => {
    if (!editor || !sync) return
    window.editor = editor
    window.board = {
      sync,
      actions,
      tree: () => boardState(editor).tree.get(),
      connection: () => sync.connection.get(),
    }
    const uninstallKeys = installBoardKeys(editor)
    const uninstallFolding = installFolding(editor, fold)
    const stopFollowingEdits = keepEditingInView(editor)
    // Fit once the panels beside the canvas are on screen (they render with the editor), so the tree is
    // fitted to the space they leave, not to the whole window.
    const fitFrame = requestAnimationFrame(() => fitTree(editor))
    // The server undid an edit of ours that would have broken the board; its undo has already arrived.
    const stopRefusals = sync.onBoardEvent((event) => {
      if (event.type === 'edit-refused') showNotice(`Your last change was undone by the server: ${String(event.reason ?? 'it was not valid')}`, 'warn', 8000)
    })
    // Offline edits merge field by field, so positions written before a reconnect can land on top of a
    // newer layout: tidy up once we are live again.
    let wasOffline = sync.connection.get() === 'offline'
    const stopTidy = react('tidy after reconnect', () => {
      const state = sync.connection.get()
      if (state === 'offline') wasOffline = true
      else if (state === 'live' && wasOffline) {
        wasOffline = false
        setTimeout(() => actions.relayout(editor), 400)
      }
    })
    return () => {
      cancelAnimationFrame(fitFrame)
      stopFollowingEdits()
      stopTidy()
      stopRefusals()
      uninstallKeys()
      uninstallFolding()
      if (window.editor === editor) {
        delete window.editor
        delete window.board
      }
    }
  }, [editor, sync, fold])

  const tldraw = useMemo(() => {
    if (!sync || load.status !== 'ready') return null
    return (
      <Tldraw
        store={sync.store}
        shapeUtils={editorShapeUtils}
        assetUrls={assetUrls}
        licenseKey={licenseKey}
        components={components}
        overrides={overrides}
        getShapeVisibility={fold.visibility}
        onMount={(ed) => {
          // Zoomed out far enough to fit a 1,000-card tree beside the panels.
          ed.setCameraOptions({ zoomSteps: ZOOM_STEPS })
          // A first fit at once (no frame showing the page origin); the real one follows with the panels.
          fitTree(ed)
          setEditor(ed)
          mark('editor-mounted')
          pageSettled()
          return () => setEditor(null)
        }}
      />
    )
  }, [sync, load.status, licenseKey, fold])

  if (connection === 'denied' && sync?.denialStatus === 410) return <BoardDeleted boardId={meta.id} />
  if (connection === 'denied') {
    const status = sync?.denialStatus
    const message = status ? deniedMessage(status, denial ?? '') : (denial ?? 'Access to this board was revoked.')
    return <AccessDenied message={message} />
  }

  return (
    <div className="ob-board">
      <TopBar meta={meta} editor={editor} connection={connection} showOutline={showOutline} onToggleOutline={() => setShowOutline((v) => !v)} />
      <div className="ob-board__main">
        {showOutline && (editor ? <OutlinePanel editor={editor} /> : <aside className="ob-outline" aria-hidden />)}
        <div className="ob-board__canvas">
          {load.status === 'loading' && (
            <div className="ob-center ob-fill" aria-busy="true">
              <div className="ob-spinner" />
              <p className="ob-muted">{connection === 'offline' ? 'Offline, and this board is not saved on this device yet.' : 'Syncing board…'}</p>
            </div>
          )}
          {load.status === 'error' && (
            <div className="ob-center ob-fill">
              <p className="ob-error">{load.message}</p>
            </div>
          )}
          {tldraw}
        </div>
        {editor && <DetailPanel editor={editor} sections={NODE_SECTIONS} />}
        {editor && <HistoryHost boardId={meta.id} token={meta.token} role={meta.role} offline={meta.offline} editor={editor} licenseKey={licenseKey} />}
      </div>
      {editor && <DeleteDialog editor={editor} />}
      {editor && <NotesToCardsDialog editor={editor} />}
      {editor && sync && <Facilitation boardId={meta.id} token={meta.token} role={meta.role} sync={sync} editor={editor} />}
      {editor && <CompareHost editor={editor} />}
      {editor && sync && <BetHost sync={sync} editor={editor} />}
      {editor && <ImportDialog editor={editor} />}
      <NoticeToast />
      {sync && <SyncNotices sync={sync} />}
      {needsName && <NamePrompt onDone={() => setNeedsName(false)} />}
    </div>
  )
}
