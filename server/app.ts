// Builds the Hono app: shared middleware (deps, request log, security headers, rate limits, body limit), every route module, JSON errors.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppDeps, AppEnv } from './deps'
import { HttpError, jsonError } from './http'
import { redactUrl } from './log'
import { rateLimit } from './rate-limit'
import { routeModules } from './routes/index'
import { setSecurityHeaders } from './security-headers'

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.use('*', async (c, next) => {
    c.set('deps', deps)
    const started = performance.now()
    await next()
    // CSP, frame-ancestors, no Referer, no sniffing: see security-headers.ts.
    setSecurityHeaders(c, deps.config.frameAncestors)
    const url = new URL(c.req.url)
    deps.log.info(
      {
        method: c.req.method,
        url: redactUrl(url.pathname + url.search),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    )
  })
  // Before the body is read: a flood costs a map lookup, not a parse.
  app.use('/api/*', rateLimit(deps.limits.api, 'requests', deps.metrics))
  app.post('/api/boards', rateLimit(deps.limits.createBoard, 'boards created', deps.metrics))
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: (c) => {
        // The rest of the body is never read: close the connection, so the client does not send its next
        // request on a socket the server is about to drop.
        c.header('connection', 'close')
        return jsonError(c, 413, `request body is larger than ${deps.config.bodyLimitBytes} bytes`)
      },
    }),
  )

  for (const register of routeModules) register(app, deps)

  app.notFound((c) => jsonError(c, 404, 'not found'))
  app.onError((err, c) => {
    if (err instanceof HttpError) return jsonError(c, err.status, err.message)
    deps.log.error({ err, method: c.req.method, path: c.req.path }, 'request failed')
    return jsonError(c, 500, 'internal error')
  })
  return app
}
