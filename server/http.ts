// HTTP helpers shared by route files: every error body is `{error: string}`.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'
import type { Config } from './config'

export function jsonError(c: Context, status: ContentfulStatusCode, error: string): Response {
  return c.json({ error }, status)
}

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message)
  }
}

/** Nesting and size of JSON request bodies when no setting is given (config.ts: MAX_JSON_DEPTH,
 *  JSON_BODY_LIMIT_BYTES). */
export const DEFAULT_MAX_JSON_DEPTH = 128
export const DEFAULT_JSON_BODY_LIMIT_BYTES = 64 * 1024

/** The request body as JSON; an empty body reads as `{}`. Throws HttpError: 413 past JSON_BODY_LIMIT_BYTES,
 *  400 on nesting deeper than MAX_JSON_DEPTH (both found as the body comes in) or on bad JSON. */
export async function readJsonBody(c: Context): Promise<unknown> {
  // The app's deps as far as a body needs them (absent in a bare Hono app, e.g. a unit test).
  const config = (c as Context<{ Variables: { deps?: { config: Pick<Config, 'jsonBodyLimitBytes' | 'maxJsonDepth'> } } }>).get('deps')?.config
  const bytes = await readBodyBytes(c, config?.jsonBodyLimitBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES, config?.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH)
  return parseJsonBytes(bytes)
}

/** JSON bytes as a value (an empty body reads as `{}`), refusing nesting deeper than `maxDepth` before
 *  parsing when given (readBodyBytes has checked it otherwise). */
export function parseJsonBytes(bytes: Uint8Array, maxDepth?: number): unknown {
  if (maxDepth !== undefined && new DepthScan(maxDepth).feed(bytes)) throw tooDeep(maxDepth)
  const text = new TextDecoder().decode(bytes)
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
}

/** The request body's bytes, at most `maxBytes` (413) and nested at most `maxDepth` deep (400), both checked
 *  chunk by chunk as it arrives: a refused body is never gathered, decoded or parsed (JSON.parse takes
 *  seconds on a few MB of brackets nested millions deep). The rest of a refused body is read and dropped
 *  before the answer: a server that answers and closes while the client still sends resets the connection,
 *  and the client may never see the answer. (Its size was already checked against BODY_LIMIT_BYTES.) */
export async function readBodyBytes(c: Context, maxBytes: number, maxDepth: number): Promise<Uint8Array> {
  const body = c.req.raw.body
  if (!body) return new Uint8Array(0)
  const length = Number(c.req.header('content-length'))
  const declared = Number.isSafeInteger(length) && length > 0 ? Math.min(length, maxBytes) : 0
  // Small at first: a body refused in its first chunks (too deep) never costs its declared size in memory.
  let buffer = new Uint8Array(Math.min(declared || 16 * 1024, 64 * 1024, maxBytes))
  let size = 0
  const scan = new DepthScan(maxDepth)
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const refusal = size + value.byteLength > maxBytes ? tooLarge(maxBytes) : scan.feed(value) ? tooDeep(maxDepth) : null
    if (refusal) {
      await drain(reader)
      throw refusal
    }
    if (size + value.byteLength > buffer.byteLength) {
      const wanted = size + value.byteLength <= declared ? declared : Math.max(size + value.byteLength, buffer.byteLength * 2)
      const grown = new Uint8Array(Math.min(maxBytes, wanted))
      grown.set(buffer.subarray(0, size))
      buffer = grown
    }
    buffer.set(value, size)
    size += value.byteLength
  }
  reader.releaseLock()
  return size === buffer.byteLength ? buffer : buffer.subarray(0, size)
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.read()).done) {
      // dropped
    }
  } catch {
    // the client went away: nothing to drain
  } finally {
    reader.releaseLock()
  }
}

const tooLarge = (maxBytes: number) => new HttpError(413, `request body is larger than ${maxBytes} bytes`)
const tooDeep = (maxDepth: number) => new HttpError(400, `request body nests deeper than ${maxDepth} levels`)

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d

/** Nesting of arrays and objects in JSON bytes fed in pieces: one pass, no allocation; brackets inside
 *  strings don't count (UTF-8 continuation bytes are never ASCII, so bytes do as well as characters).
 *  Malformed JSON is left for JSON.parse to refuse. */
export class DepthScan {
  private depth = 0
  private inString = false
  private escaped = false

  constructor(private readonly max: number) {}

  /** True once some array or object has nested deeper than `max`. */
  feed(bytes: Uint8Array): boolean {
    let { depth, inString, escaped } = this
    const max = this.max
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]
      if (inString) {
        if (escaped) escaped = false
        else if (b === BACKSLASH) escaped = true
        else if (b === QUOTE) inString = false
      } else if (b === QUOTE) inString = true
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (++depth > max) return true
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--
    }
    this.depth = depth
    this.inString = inString
    this.escaped = escaped
    return false
  }
}

/** Validates a JSON body against a schema: 400 when it isn't an object, 422 naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object')
  }
  const result = schema.safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new HttpError(422, `${issue.path.join('.') || 'body'}: ${issue.message}`)
  }
  return result.data
}
