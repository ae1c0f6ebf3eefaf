// Response headers that limit what a page of ours may load, where it may be framed, and what it leaks.
// Tokens sit in page URLs and in localStorage, so an injected script or a framing page must get nowhere.
import { createHash } from 'node:crypto'
import type { Context } from 'hono'

const CSP = 'Content-Security-Policy'

/** ws(s)://host of the request, when its Host header is a plain host[:port]; else null. */
function socketOrigin(c: Context): string | null {
  const host = c.req.header('host') ?? ''
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return null
  const https = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
  return `${https ? 'wss' : 'ws'}://${host}`
}

/** CSP hashes ('sha256-…') of the inline scripts of an HTML page: the build adds one to index.html (it
 *  preloads the editor's code on board pages), and the policy allows exactly those, nothing else inline. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = []
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1])) continue
    hashes.push(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`)
  }
  return hashes
}

/** The Content-Security-Policy for a response. Everything is this origin's own (no request
 *  leaves for another host); each exception below is what tldraw or the app needs. */
export function contentSecurityPolicy(c: Context, frameAncestors: string, scriptHashes: string[] = []): string {
  const ws = socketOrigin(c)
  return [
    "default-src 'self'",
    ['script-src', "'self'", ...scriptHashes].join(' '),
    // tldraw positions and colours shapes with inline style attributes and injects <style> elements.
    "style-src 'self' 'unsafe-inline'",
    // Exports and tldraw's canvas: images as data: and blob: URLs (PNG export draws an SVG blob to a canvas).
    "img-src 'self' data: blob:",
    // Exported SVGs and PNGs embed tldraw's self-hosted fonts as data: URLs.
    "font-src 'self' data:",
    // The API, and the board's websocket (named too: older browsers do not count ws: as 'self'); data: for
    // tldraw's English translations, which the build inlines as a data: URL (the file is `{}`).
    `connect-src 'self'${ws ? ` ${ws}` : ''} data:`,
    // The offline shell's service worker; tldraw may start helpers from blob: URLs.
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ')
}

/** Every response's headers; a page that set its own policy (with its inline scripts' hashes) keeps it. */
export function setSecurityHeaders(c: Context, frameAncestors: string): void {
  if (!c.res.headers.has(CSP)) c.header(CSP, contentSecurityPolicy(c, frameAncestors))
  // For browsers without frame-ancestors; only when nobody may frame the app.
  if (frameAncestors === "'none'") c.header('X-Frame-Options', 'DENY')
  // Board links carry their token in the URL: no Referer may take it anywhere, this origin included.
  c.header('Referrer-Policy', 'no-referrer')
  // No content sniffing: an export or a static file is only ever what its Content-Type says.
  c.header('X-Content-Type-Options', 'nosniff')
}
