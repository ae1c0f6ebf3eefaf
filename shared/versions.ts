// Version history's wire contract (README, "HTTP API"): what a version is, why it was made, who took part,
// what changed. A version holds the board's records as they were (plain JSON, independent of the document's
// Yjs layout and of compaction), so it can be read, compared and restored on its own.
import type { Role } from './api'
import type { JsonRecord } from './model'

/** Why a version was made. Named and decision versions are kept forever; automatic ones are thinned by age. */
export type VersionReason =
  | 'auto' // a burst of edits went quiet
  | 'named' // someone named the present
  | 'before-lock'
  | 'after-lock'
  | 'before-unlock'
  | 'after-unlock'
  | 'before-import'
  | 'before-restore' // the present, saved before a restore replaced it
  | 'after-restore'
  | 'before-layout' // the board as it was before its conversion to the per-field layout (record-layout.ts)

/** Someone connected to the board, or editing it, in the span a version closes. */
export interface VersionPerson {
  name: string
  role: Role
}

/** What changed since the version before (counts of cards; titles of the first few for a one-line summary). */
export interface VersionSummary {
  added: number
  removed: number
  renamed: number
  moved: number
  rescored: number
  /** Any other change to a card (notes, evidence, status…), or to free shapes. */
  edited: number
  /** Up to a few card titles per kind of change, for people reading the list. */
  examples: { added: string[]; removed: string[]; renamed: string[] }
}

/** `GET /api/boards/:id/versions` → VersionInfo[], newest first. */
export interface VersionInfo {
  id: number
  at: string // ISO 8601
  name: string | null
  reason: VersionReason
  people: VersionPerson[]
  summary: VersionSummary
}

/** `GET /api/boards/:id/versions/:v/records` → the version's records, to show it read-only on a canvas. */
export interface VersionRecords {
  version: VersionInfo
  records: JsonRecord[]
}

/** `POST /api/boards/:id/versions/:v/restore` `{ids?}` → what was restored and the version that saved the
 *  present first (restoring that one undoes the restore). `ids`: bring back only these records. */
export interface RestoreResult {
  restored: VersionInfo
  saved: VersionInfo
  /** The present right after the restore ('after-restore'). */
  after: VersionInfo
  /** Records written (brought back or set to the version's value) and deleted by the restore. */
  written: number
  deleted: number
}

/** `POST /api/boards/:id/versions` body. `by`: the display name of who names it (optional, as for bets). */
export interface NameVersionRequest {
  name: string
  by?: string
}

/** `POST /api/boards/:id/versions/:v/restore` body. */
export interface RestoreRequest {
  ids?: string[]
  by?: string
}

/** Board event (websocket message type 100) sent to everyone connected when a version is made, so a history
 *  panel that is open can add it without polling. */
export interface VersionEvent {
  type: 'version'
  version: VersionInfo
}

/** A version's name, trimmed: 1 to this many characters. */
export const VERSION_NAME_MAX = 100
/** Most record ids one restore may bring back. */
export const RESTORE_IDS_MAX = 5000

/** How one card differs between two sets of records. */
export type CardChange = 'added' | 'removed' | 'renamed' | 'moved' | 'rescored' | 'edited'
