// Random ids for tree node shapes. Uses Web Crypto (globalThis.crypto) so the same code runs in the browser
// and on the server; Math.random is not good enough for ids that several clients mint at once.

const ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict' // 64 url-safe chars
const ID_LENGTH = 21 // nanoid's length: collisions are negligible at any realistic board size

/** A fresh tldraw shape id: 'shape:' + 21 url-safe random characters. */
export function newShapeId(): string {
  const bytes = new Uint8Array(ID_LENGTH)
  globalThis.crypto.getRandomValues(bytes)
  let id = 'shape:'
  // 256 is a multiple of 64, so masking the low 6 bits keeps every character equally likely.
  for (const byte of bytes) id += ALPHABET[byte & 63]
  return id
}

/** Shape ids we accept from outside (imports): our own format or any short url-safe tail. */
export const SHAPE_ID_PATTERN = /^shape:[A-Za-z0-9_-]{1,64}$/

export function isValidShapeId(value: unknown): value is string {
  return typeof value === 'string' && SHAPE_ID_PATTERN.test(value)
}
