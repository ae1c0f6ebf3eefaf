// The SQLite engine (better-sqlite3): WAL journal, synchronous=FULL so a committed update survives kill -9
// and power loss, prepared statements, schema versions in PRAGMA user_version.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Board, NewBoard, Store, StoredUpdates } from './types'

/** One entry per schema version; append, never edit. */
const MIGRATIONS: string[] = [
  `CREATE TABLE boards (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     owner_token TEXT NOT NULL,
     edit_token TEXT NOT NULL,
     view_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE updates (
     seq INTEGER PRIMARY KEY,
     board_id TEXT NOT NULL REFERENCES boards(id),
     data BLOB NOT NULL
   );
   CREATE INDEX updates_board_seq ON updates(board_id, seq);`,
]

interface BoardRow {
  id: string
  title: string
  owner_token: string
  edit_token: string
  view_token: string
  created_at: string
  updated_at: string
}

const toBoard = (r: BoardRow): Board => ({
  id: r.id,
  title: r.title,
  ownerToken: r.owner_token,
  editToken: r.edit_token,
  viewToken: r.view_token,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export function openSqliteStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true })
  const db = new Database(path.join(dataDir, 'outcome-board.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)

  const insertBoard = db.prepare(
    `INSERT INTO boards (id, title, owner_token, edit_token, view_token, created_at, updated_at)
     VALUES (@id, @title, @ownerToken, @editToken, @viewToken, @now, @now)`,
  )
  const selectBoard = db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?')
  const touch = db.prepare('UPDATE boards SET updated_at = ? WHERE id = ?')
  const updateTitle = db.prepare('UPDATE boards SET title = ?, updated_at = ? WHERE id = ?')
  const insertUpdate = db.prepare('INSERT INTO updates (board_id, data) VALUES (?, ?)')
  const insertUpdateAt = db.prepare('INSERT INTO updates (seq, board_id, data) VALUES (?, ?, ?)')
  const selectUpdates = db.prepare<[string], { seq: number; data: Buffer }>(
    'SELECT seq, data FROM updates WHERE board_id = ? ORDER BY seq',
  )
  const deleteUpTo = db.prepare('DELETE FROM updates WHERE board_id = ? AND seq <= ?')

  const appendTx = db.transaction((boardId: string, updates: Uint8Array[]): number => {
    let seq = 0
    for (const u of updates) seq = Number(insertUpdate.run(boardId, u).lastInsertRowid)
    touch.run(new Date().toISOString(), boardId)
    return seq
  })
  const compactTx = db.transaction((boardId: string, state: Uint8Array, uptoSeq: number) => {
    deleteUpTo.run(boardId, uptoSeq)
    // The merged row takes the place of the newest row it replaces, so rows appended later stay after it.
    insertUpdateAt.run(uptoSeq, boardId, state)
  })

  let closed = false
  return {
    async createBoard(b: NewBoard) {
      insertBoard.run({ ...b, now: new Date().toISOString() })
      return toBoard(selectBoard.get(b.id)!)
    },
    async getBoard(id) {
      const row = selectBoard.get(id)
      return row ? toBoard(row) : null
    },
    async touchBoard(id) {
      touch.run(new Date().toISOString(), id)
    },
    async setTitle(id, title) {
      updateTitle.run(title, new Date().toISOString(), id)
      const row = selectBoard.get(id)
      return row ? toBoard(row) : null
    },
    async appendUpdates(boardId, updates) {
      if (updates.length === 0) return 0
      return appendTx(boardId, updates)
    },
    async loadUpdates(boardId): Promise<StoredUpdates> {
      const rows = selectUpdates.all(boardId)
      let bytes = 0
      const updates = rows.map((r) => {
        bytes += r.data.byteLength
        return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)
      })
      return { updates, lastSeq: rows.length ? rows[rows.length - 1].seq : 0, bytes }
    },
    async compact(boardId, mergedState, uptoSeq) {
      compactTx(boardId, mergedState, uptoSeq)
    },
    async close() {
      if (closed) return
      closed = true
      db.pragma('wal_checkpoint(TRUNCATE)')
      db.close()
    },
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > MIGRATIONS.length) {
    throw new Error(`database schema version ${version} is newer than this server knows (${MIGRATIONS.length})`)
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v])
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}
