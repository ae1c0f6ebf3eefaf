// This browser's Yjs client ids for a board, remembered across reloads: an edit made offline is written with the
// id of the page that made it, and must still count as ours when a concurrent edit replaces it after a reload.

import type * as Y from 'yjs'

/** How many earlier client ids of this browser are remembered per board. */
const REMEMBERED_CLIENTS = 16

const clientIdsKey = (boardId: string) => `outcome-board:client-ids:${boardId}`

export class OwnClientIds {
  /** This page's id and earlier pages' on this board. */
  private readonly ids: Set<number>
  private saved = false

  constructor(
    private readonly boardId: string,
    private readonly doc: Y.Doc,
  ) {
    this.ids = new Set([doc.clientID, ...readClientIds(boardId)])
    // The previous build re-applied whole offline edits from here; field-level merging replaced it.
    try {
      localStorage.removeItem(`outcome-board:offline-edits:${boardId}`)
    } catch {
      // no storage: nothing kept there either
    }
  }

  /** Whether writes by `client` are this browser's. */
  has(client: number): boolean {
    return this.ids.has(client)
  }

  /** Keeps this page's client id among this browser's for the board, once it writes. */
  remember() {
    if (this.saved) return
    this.saved = true
    const id = this.doc.clientID
    try {
      const ids = [id, ...readClientIds(this.boardId).filter((earlier) => earlier !== id)]
      localStorage.setItem(clientIdsKey(this.boardId), JSON.stringify(ids.slice(0, REMEMBERED_CLIENTS)))
    } catch {
      // no storage: only this page's edits count as ours
    }
  }
}

/** Client ids this browser wrote this board with before (newest first). */
function readClientIds(boardId: string): number[] {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(clientIdsKey(boardId)) ?? '[]')
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : []
  } catch {
    return []
  }
}
