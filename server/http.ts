// HTTP helpers shared by route files: every error body is `{error: string}`.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

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

/** The request body as JSON; an empty body reads as `{}`. Throws HttpError(400) on bad JSON. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
}
