// Builds the Hono app: shared middleware (deps, request log, security headers, rate limits, body limit), every route module, JSON errors.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppDeps, AppEnv } from './deps'
import { HttpError, jsonError } from './http'
import { redactUrl } from './log'
import { rateLimit } from './rate-limit'
import { routeModules } from './routes/index'

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.use('*', async (c, next) => {
    c.set('deps', deps)
    const started = performance.now()
    await next()
    // Board links carry their token in the URL: no Referer may take it to another site. And no content
    // sniffing: an export or a static file is only ever what its Content-Type says.
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Content-Type-Options', 'nosniff')
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
  app.use('/api/*', rateLimit(deps.limits.api, 'requests'))
  app.post('/api/boards', rateLimit(deps.limits.createBoard, 'boards created'))
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
