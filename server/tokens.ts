// Board secrets: random tokens and ids, and a constant-time token comparison.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** 192 random bits, url-safe. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url')
}

/** Compares two tokens in constant time. Both sides are hashed first, so neither the length of the stored
 *  token nor where the first differing byte sits leaks through timing. */
export function tokensEqual(given: string, stored: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest()
  const b = createHash('sha256').update(stored, 'utf8').digest()
  return timingSafeEqual(a, b)
}
