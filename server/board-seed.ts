// Board creation's body, from its bytes to the new board's first stored update: the JSON (nesting checked
// before it is parsed), the optional seed (Tree JSON or markdown outline), its records and the Yjs update
// holding them. Pure and synchronous, so it runs the same inline (small bodies) or in the seed worker
// (seed-pool.ts: big ones, off the event loop). No I/O, nothing from the running server.
import * as Y from 'yjs'
import { z } from 'zod'
import { parseOutline } from '../shared/formats/outline'
import { parseTreeJson, treeJsonToRecords, type TreeJson, type TreeJsonNode } from '../shared/formats/tree-json'
import type { JsonRecord } from '../shared/model'
import { makeBaseDocumentRecords } from '../shared/records'
import { writeRecords, writeSchema } from './board-doc'
import { HttpError, parseBody, parseJsonBytes } from './http'

export const TITLE_MAX = 200
export const DEFAULT_TITLE = 'Untitled board'

export const title = z.string().trim().max(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`)
const createBody = z.object({ title: title.optional(), tree: z.unknown().optional(), outline: z.unknown().optional() })

export interface SeedLimits {
  maxJsonDepth: number
  maxSeedNodes: number
}

export type PreparedBoard =
  /** `updates`: the new board's document, in pieces of about SEED_ROW_BYTES, each stored as a row of its own. */
  | { ok: true; title: string; updates: Uint8Array[] }
  | { ok: false; status: 400 | 413 | 422 | 500; error: string; errors?: string[] }

/** The title and first update of a board from a creation body, or the error to answer. */
export function prepareBoard(bytes: Uint8Array, limits: SeedLimits): PreparedBoard {
  try {
    const body = parseBody(createBody, parseJsonBytes(bytes, limits.maxJsonDepth))
    const seed = parseSeed(body)
    if (seed) {
      const nodes = countNodes(seed.roots)
      if (nodes > limits.maxSeedNodes) {
        return { ok: false, status: 413, error: `the seed has ${nodes} nodes, more than the ${limits.maxSeedNodes} allowed` }
      }
    }
    const boardTitle = body.title || seed?.title?.trim().slice(0, TITLE_MAX) || DEFAULT_TITLE
    return { ok: true, title: boardTitle, updates: firstUpdates(seed) }
  } catch (err) {
    if (err instanceof SeedError) return { ok: false, status: 422, error: err.message, errors: err.errors }
    if (err instanceof HttpError) return { ok: false, status: err.status as 400 | 413 | 422, error: err.message }
    throw err
  }
}

/** The seed of a new board, if one was sent: Tree JSON or a markdown outline (not both). Errors are the
 *  parsers' own: JSON paths or line numbers, so a person can find and fix the problem. */
function parseSeed(body: { tree?: unknown; outline?: unknown }): TreeJson | null {
  if (body.tree !== undefined && body.outline !== undefined) throw new HttpError(422, 'send either tree or outline, not both')
  if (body.tree === undefined && body.outline === undefined) return null
  if (body.outline !== undefined && typeof body.outline !== 'string') throw new HttpError(422, 'outline: must be markdown text')
  const parsed = body.tree !== undefined ? parseTreeJson(body.tree) : parseOutline(body.outline as string)
  if (!parsed.ok) throw new SeedError(body.tree !== undefined ? 'tree' : 'outline', parsed.errors)
  return parsed.value
}

class SeedError extends HttpError {
  constructor(
    readonly field: string,
    readonly errors: string[],
  ) {
    super(422, `${field}: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`)
  }
}

function countNodes(roots: readonly TreeJsonNode[]): number {
  let n = 0
  const stack = [...roots]
  while (stack.length) {
    n++
    stack.push(...stack.pop()!.children)
  }
  return n
}

/** Storing a row costs the event loop in proportion to its size: a big seed goes in as rows of about this
 *  many bytes, one transaction each, with other work in between (routes/boards.ts). */
export const SEED_ROW_BYTES = 256 * 1024

/** The new board's document as updates of about SEED_ROW_BYTES, in order: every board starts with its schema
 *  and page written by the server (`meta` is the server's to write), then the seed's nodes. */
function firstUpdates(seed: TreeJson | null): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  doc.transact(() => {
    writeSchema(doc)
    writeRecords(doc, makeBaseDocumentRecords())
  })
  let batch: JsonRecord[] = []
  let bytes = 0
  const flush = () => {
    if (batch.length > 0) writeRecords(doc, batch)
    batch = []
    bytes = 0
  }
  for (const record of seed ? treeJsonToRecords(seed) : []) {
    batch.push(record)
    bytes += JSON.stringify(record).length
    if (bytes >= SEED_ROW_BYTES) flush()
  }
  flush()
  doc.destroy()
  return updates
}
