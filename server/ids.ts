// Board ids: 96 random bits, url-safe. Every route checks the format before touching the store, so odd ids
// (too long, path tricks, unicode) are a cheap 404.
import { randomBytes } from 'node:crypto'

const BOARD_ID = /^[A-Za-z0-9_-]{16}$/

export function generateBoardId(): string {
  return randomBytes(12).toString('base64url')
}

export function isBoardId(value: unknown): value is string {
  return typeof value === 'string' && BOARD_ID.test(value)
}
