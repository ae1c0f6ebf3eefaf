// How a version's records are kept: JSON of every record sorted by id, brotli-compressed (off the event
// loop), with a SHA-256 of the JSON so equal states are recognised without decompressing anything.
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import type { JsonRecord } from '../../shared/model'

const brotliCompress = promisify(zlib.brotliCompress)
const brotliDecompress = promisify(zlib.brotliDecompress)

/** Brotli quality: 11 (the default) costs many times longer than 5 on a big board for a few percent less. */
const QUALITY = 5

/** The canonical text of a set of records: same records, same text, in any process. */
export function recordsJson(records: Iterable<JsonRecord>): string {
  return JSON.stringify([...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
}

export const hashJson = (json: string): string => createHash('sha256').update(json).digest('hex')

export async function encodeRecords(json: string): Promise<Uint8Array> {
  const text = Buffer.from(json, 'utf8')
  const out = await brotliCompress(text, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: text.byteLength },
  })
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

export async function decodeRecords(bytes: Uint8Array): Promise<JsonRecord[]> {
  const text = await brotliDecompress(bytes)
  const parsed = JSON.parse(text.toString('utf8')) as unknown
  if (!Array.isArray(parsed)) throw new Error('a stored version is not a list of records')
  return parsed.filter((r): r is JsonRecord => !!r && typeof r === 'object' && typeof (r as JsonRecord).id === 'string')
}
