// Mounted once per board next to the canvas: keeps the locked bet in step with the document (the server
// writes `board.bet`) and hosts the lock dialog, the bet panel and the decision log.

import type { Editor } from '@tldraw/tldraw'
import { useEffect } from 'react'
import { readLockedBet } from '../../shared/bet'
import { lockedBet } from '../editor/bet'
import type { BoardSync } from '../sync/BoardSync'
import { BetPanel } from './BetPanel'
import { DecisionLog } from './DecisionLog'
import { LockDialog } from './LockDialog'
import { lockDialogFor, openDrawer } from './state'

export function BetHost({ sync, editor }: { sync: BoardSync; editor: Editor }) {
  useEffect(() => {
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
      sync.board.unobserve(read)
      lockedBet.set(null)
      lockDialogFor.set(null)
      openDrawer.set(null)
    }
  }, [sync])

  return (
    <>
      <LockDialog editor={editor} />
      <BetPanel editor={editor} />
      <DecisionLog />
    </>
  )
}
