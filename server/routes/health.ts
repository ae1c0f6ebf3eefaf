// Liveness and Prometheus metrics.
import type { RouteModule } from '../deps'

export const healthRoutes: RouteModule = (app, deps) => {
  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/metrics', (c) => {
    deps.metrics.rooms = deps.rooms.size
    deps.metrics.connections = deps.conns.size
    deps.metrics.rateLimitClients = deps.limits.api.size + deps.limits.createBoard.size
    return c.body(deps.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
  })
}
