// Brainstorm, then structure: free sticky notes become tree cards. Pure helpers for the client's
// "Turn into cards…" (client/notes/notes-to-cards.ts): the card text a note's text makes, and the order in
// which a cluster of notes becomes siblings.

import { NODE_TITLE_MAX } from './records'

export interface CardText {
  title: string
  notes: string
}

const ELLIPSIS = '…'

/** A sticky note's plain text as a card's title and notes. The whole text, its lines joined with spaces, is the
 *  title while it fits the title cap; past it the title stops at a word boundary with "…" and the rest goes into
 *  the notes (starting with "…"), so nothing written on the note is lost. */
export function cardTextFromNote(text: string, max = NODE_TITLE_MAX): CardText {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (oneLine.length <= max) return { title: oneLine, notes: '' }
  const room = max - ELLIPSIS.length
  // The last space that keeps the title within the cap; cut mid-word only when a word is that long.
  let cut = oneLine.lastIndexOf(' ', room)
  if (cut < room / 2) cut = room
  return { title: oneLine.slice(0, cut).trimEnd() + ELLIPSIS, notes: ELLIPSIS + oneLine.slice(cut).trimStart() }
}

export interface PlacedNote {
  x: number
  y: number
  h: number
}

/** Notes in reading order, as a team reads a cluster on a wall: rows top to bottom (a note starting above the
 *  middle of a row's first note is in that row), each row left to right. */
export function readingOrder<T extends PlacedNote>(notes: readonly T[]): T[] {
  const byTop = [...notes].sort((a, b) => a.y - b.y || a.x - b.x)
  const rows: T[][] = []
  for (const note of byTop) {
    const row = rows[rows.length - 1]
    if (row && note.y < row[0].y + row[0].h / 2) row.push(note)
    else rows.push([note])
  }
  return rows.flatMap((row) => row.sort((a, b) => a.x - b.x))
}
