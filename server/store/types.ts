// The storage interface: everything the server keeps lives behind these few methods, so SQLite is one file
// (sqlite.ts) and a second engine would be one more. Methods are async so an engine may do I/O; the SQLite
// engine answers synchronously inside the promise.
//
// Durability contract (DESIGN.md): `appendUpdates` resolves only once the updates are durable; the sync
// room relays an update to other clients only after that. `compact` replaces rows up to a sequence number
// by one merged state in a single transaction, so a crash leaves either the old rows or the merged row.
//
// Growing the store: later features (bets, decisions) add methods here and a migration in the engine.

export type Role = 'viewer' | 'editor' | 'owner'

export interface Board {
  id: string
  title: string
  ownerToken: string
  editToken: string
  viewToken: string
  createdAt: string // ISO 8601
  updatedAt: string // ISO 8601
}

export type NewBoard = Pick<Board, 'id' | 'title' | 'ownerToken' | 'editToken' | 'viewToken'>

/** A board's stored Yjs updates, oldest first. Applying all of them in any order gives the document. */
export interface StoredUpdates {
  updates: Uint8Array[]
  /** Sequence number of the newest row (0 when there is none). */
  lastSeq: number
  bytes: number
}

export interface Store {
  createBoard(board: NewBoard): Promise<Board>
  getBoard(id: string): Promise<Board | null>
  /** Sets a board's updatedAt to now (appendUpdates does it too). */
  touchBoard(id: string): Promise<void>
  setTitle(id: string, title: string): Promise<Board | null>

  /** Appends updates for a board durably, in one transaction; resolves with the last sequence number. */
  appendUpdates(boardId: string, updates: Uint8Array[]): Promise<number>
  loadUpdates(boardId: string): Promise<StoredUpdates>
  /** In one transaction: delete the board's rows with seq ≤ uptoSeq and store `mergedState` in their place. */
  compact(boardId: string, mergedState: Uint8Array, uptoSeq: number): Promise<void>

  close(): Promise<void>
}
