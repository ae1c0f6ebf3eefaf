// Liveness, and Prometheus metrics (prom-client, metrics.ts) for whoever holds METRICS_TOKEN (Authorization: Bearer). Without the
// variable /metrics is not served at all (404): room counts and traffic are not for strangers.
import type { RouteModule } from '../deps'
import { jsonError } from '../http'
import { tokensEqual } from '../tokens'

export const healthRoutes: RouteModule = (app, deps) => {
  // Serving, but relaying to this process's own clients only while the link to the other processes is down.
  app.get('/healthz', (c) => (deps.fanout.healthy ? c.json({ ok: true }) : c.json({ ok: true, degraded: 'redis unreachable: relaying to this process only' })))
  app.get('/metrics', async (c) => {
    const expected = deps.config.metricsToken
    if (!expected) return jsonError(c, 404, 'not found')
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
    if (!bearer || !tokensEqual(bearer, expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"')
      return jsonError(c, 401, 'a metrics token is required (Authorization: Bearer METRICS_TOKEN)')
    }
    deps.metrics.rooms = deps.rooms.size
    deps.metrics.connections = deps.conns.size
    deps.metrics.rateLimitClients = deps.limits.api.size + deps.limits.createBoard.size
    return c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' })
  })
}
