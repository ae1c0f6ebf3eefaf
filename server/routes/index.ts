// Every route module, in registration order. A new API area is one file in this folder exporting a
// RouteModule `(app, deps) => void`, plus one line here. The static client stays last: it answers `*`.
import type { RouteModule } from '../deps'
import { wsRoutes } from '../sync/ws-route'
import { betRoutes } from './bets'
import { boardRoutes } from './boards'
import { clientConfigRoutes } from './client-config'
import { exportRoutes } from './exports'
import { facilitationRoutes } from './facilitation'
import { healthRoutes } from './health'
import { staticRoutes } from './static'
import { versionRoutes } from './versions'

export const routeModules: RouteModule[] = [healthRoutes, clientConfigRoutes, boardRoutes, exportRoutes, betRoutes, versionRoutes, facilitationRoutes, wsRoutes, staticRoutes]
