// Mounted once per board next to the canvas: keeps the bet signals in step with the document (the server
// writes `board.bet`) and the server's configured trackers, and hosts the lock dialog, the bet panel, the
// decision log and the import dialog.

import type { Editor } from '@tldraw/tldraw'
import { useEffect } from 'react'
import { readLockedBet } from '../../shared/bet'
import { getConfig } from '../platform/api'
import type { Role } from '../platform/api'
import { cachedConfig } from '../platform/local'
import { ImportDialog } from '../import/ImportDialog'
import type { BoardSync } from '../sync/BoardSync'
import type { TrackerName } from './api'
import { BetPanel } from './BetPanel'
import { DecisionLog } from './DecisionLog'
import { LockDialog } from './LockDialog'
import { betContext, importOpen, lockDialogFor, lockedBet, openDrawer } from './state'

const TRACKERS: readonly TrackerName[] = ['github', 'jira', 'linear']
const onlyTrackers = (list: readonly string[] | undefined) => TRACKERS.filter((t) => list?.includes(t))

export function BetHost(props: { boardId: string; token: string; role: Role | null; title: string; viewUrl?: string; sync: BoardSync; editor: Editor }) {
  const { boardId, token, role, title, viewUrl, sync } = props

  useEffect(() => {
    betContext.set({ boardId, token, role, title, viewUrl, trackers: onlyTrackers(cachedConfig()?.trackers) })
    let cancelled = false
    getConfig().then(
      (config) => {
        const ctx = betContext.get()
        if (!cancelled && ctx) betContext.set({ ...ctx, trackers: onlyTrackers(config.trackers) })
      },
      () => {}, // offline: the cached list (or none) stands
    )
    let lastValue: unknown = undefined
    const read = () => {
      const value = sync.board.get('bet')
      if (value === lastValue) return // the map changed elsewhere (votes): nothing new to read or report
      lastValue = value
      // Server-written, but a stored document may hold a garbled or forged bet: show what can be read.
      const { bet, skipped } = readLockedBet(value)
      lockedBet.set(bet)
      sync.reportSkipped(skipped)
    }
    read()
    sync.board.observe(read)
    return () => {
      cancelled = true
      sync.board.unobserve(read)
      betContext.set(null)
      lockedBet.set(null)
      lockDialogFor.set(null)
      openDrawer.set(null)
      importOpen.set(false)
    }
  }, [boardId, token, role, title, viewUrl, sync])

  return (
    <>
      <LockDialog editor={props.editor} />
      <BetPanel editor={props.editor} />
      <DecisionLog />
      <ImportDialog editor={props.editor} />
    </>
  )
}
