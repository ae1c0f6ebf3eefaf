// Run-time settings for the browser. Only what the client may see: never a tracker credential or token.
import type { RouteModule } from '../deps'

export const clientConfigRoutes: RouteModule = (app, deps) => {
  app.get('/api/config', (c) =>
    c.json({
      tldrawLicenseKey: deps.config.tldrawLicenseKey ?? null,
      trackers: [] as string[], // tracker names configured on the server arrive with the push feature
    }),
  )
}
