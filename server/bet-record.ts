// The locked bet's place of record is SQL (the bets and decisions tables); the document's `board.bet`, which
// every client renders, is a copy derived from it. Locking writes SQL, then the copy: should the process stop
// between the two, the copy is stale. So whenever a board's room loads, the copy is checked against the record
// and rewritten when they differ; the record is never derived from the copy.
import { readLockedBet } from '../shared/bet'
import { betPathIds, markBet, readBet } from './board-doc'
import type { Logger } from './log'
import type { Store } from './store/types'
import type { Rooms } from './sync/rooms'

export async function reconcileBet(rooms: Rooms, store: Store, log: Logger, boardId: string): Promise<void> {
  const record = await store.getBet(boardId)
  const copy = await rooms.withDoc(boardId, (doc) => readBet(doc))
  if (JSON.stringify(copy ?? null) === JSON.stringify(record ?? null)) return
  log.warn({ boardId, record: record?.solutionId ?? null, copy: copy?.solutionId ?? null }, "the board's copy of its bet differed from the record; rewritten")
  const stale = readLockedBet(copy).bet
  await rooms.applyServerChange(boardId, (doc) => {
    // Unmark the stale copy's path first (its cards would stay locked), then mark the record's.
    if (stale && stale.solutionId !== record?.solutionId) markBet(doc, null, betPathIds(stale))
    markBet(doc, record, record ? betPathIds(record) : [])
  })
}
