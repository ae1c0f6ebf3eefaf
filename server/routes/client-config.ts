// Run-time settings for the browser. Only what the client may see: never a tracker credential or token.
import type { RouteModule } from '../deps'
import { configuredTrackers } from '../trackers/config'

export const clientConfigRoutes: RouteModule = (app, deps) => {
  app.get('/api/config', (c) =>
    c.json({
      tldrawLicenseKey: deps.config.tldrawLicenseKey ?? null,
      trackers: configuredTrackers(deps.trackers),
    }),
  )
}
