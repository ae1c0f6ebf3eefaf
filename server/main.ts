// Entry point: config from the environment, start, and shut down gracefully on SIGTERM/SIGINT
// (sockets closed with 1001, rooms flushed, SQLite checkpointed and closed).
import { ConfigError, loadConfig } from './config'
import { startServer } from './server'
import { loadTrackersConfig } from './trackers/config'

async function main(): Promise<void> {
  let config, trackers
  try {
    config = loadConfig(process.env)
    trackers = loadTrackersConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`outcome-board: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const server = await startServer({ ...config, trackers })
  const { log } = server.deps
  const storage = config.databaseUrl ? { engine: 'postgres' } : { engine: 'sqlite', dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous }
  log.info({ url: server.url, port: server.port, ...storage }, 'listening')
  if (config.databaseUrl && !config.redisUrl) {
    log.warn('DATABASE_URL without REDIS_URL: this process relays only to its own clients, so run just one of it')
  }
  if (config.databaseUrl && !config.voterSecret) {
    log.warn('DATABASE_URL without VOTER_SECRET: voter cookies are signed with a key of this process alone; give every process the same VOTER_SECRET')
  }

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal; exiting now')
      process.exit(1)
    }
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting')
      process.exit(1)
    }, 10_000)
    force.unref()
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err) => {
  process.stderr.write(`outcome-board: failed to start: ${err?.stack ?? err}\n`)
  process.exit(1)
})
