// The built client (production): static files from CLIENT_DIR, and index.html for the SPA routes `/` and
// `/b/*`. Without a build those routes answer 503 with a page saying how to build. Files the build
// compressed (vite.config.ts: .br and .gz twins) go out compressed to browsers that accept it, and the
// hashed files under /assets/ may be cached for good (a new build gives them new names).
import fs from 'node:fs'
import path from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, RouteModule } from '../deps'
import { contentSecurityPolicy, inlineScriptHashes } from '../security-headers'

const MISSING_BUILD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>outcome board: client not built</title></head>
<body><h1>The client is not built</h1>
<p>This server serves the built client from <code>dist/client</code>, which does not exist yet.
Run <code>npm run build</code> (or <code>npm start</code>, which builds when needed), or use
<code>npm run dev</code> during development.</p></body></html>`

export const staticRoutes: RouteModule = (app, deps) => {
  const dir = deps.config.clientDir
  const indexFile = path.join(dir, 'index.html')
  let files: MiddlewareHandler<AppEnv> | null = null
  // The page's inline scripts are allowed by hash; computed once per build of index.html.
  let hashed: { html: string; hashes: string[] } | null = null

  const spa: MiddlewareHandler<AppEnv> = async (c) => {
    let html: string
    try {
      html = await fs.promises.readFile(indexFile, 'utf8')
    } catch {
      return c.html(MISSING_BUILD, 503, { 'cache-control': 'no-store' })
    }
    if (hashed?.html !== html) hashed = { html, hashes: inlineScriptHashes(html) }
    // No Referer from the page, whatever a proxy in front does with the other headers (the token is in its URL).
    return c.html(html, 200, {
      'cache-control': 'no-cache',
      'content-security-policy': contentSecurityPolicy(c, deps.config.frameAncestors, hashed.hashes),
      'referrer-policy': 'no-referrer',
    })
  }
  app.get('/', spa)
  app.get('/b/*', spa)

  app.get('*', async (c, next) => {
    const p = c.req.path
    if (p.startsWith('/api/') || p.startsWith('/ws/') || !fs.existsSync(dir)) return next()
    // Created on first use so a build made after start is picked up, and serveStatic never warns early.
    files ??= serveStatic<AppEnv>({
      root: dir,
      precompressed: true,
      onFound: (_path, c) => {
        c.header('cache-control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
    return files(c, next)
  })
}
