// HTTP helpers shared by route files: every error body is `{error: string}`.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'
import type { AppEnv } from './deps'

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

/** Nesting of JSON request bodies when no setting is given (config.ts, MAX_JSON_DEPTH). */
export const DEFAULT_MAX_JSON_DEPTH = 128

/** The request body as JSON; an empty body reads as `{}`. Throws HttpError(400) on bad JSON or nesting
 *  deeper than MAX_JSON_DEPTH. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const deps = (c as Context<AppEnv>).get('deps') as AppEnv['Variables']['deps'] | undefined
  return parseJsonText(await c.req.text(), deps?.config.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH)
}

/** JSON text as a value; see readJsonBody. */
export function parseJsonText(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return {}
  // JSON.parse takes seconds on a few MB of brackets nested millions deep; this scan takes milliseconds.
  if (nestsDeeperThan(text, maxDepth)) throw new HttpError(400, `request body nests deeper than ${maxDepth} levels`)
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d

/** True when some array or object in `text` sits more than `max` levels deep. One pass, no allocation;
 *  brackets inside strings don't count. Malformed text is left for JSON.parse to refuse. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === QUOTE) {
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i)
        if (inner === BACKSLASH) i++
        else if (inner === QUOTE) break
      }
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      if (++depth > max) return true
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
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
