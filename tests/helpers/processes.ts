// Several server processes for a test (README, "Running several processes"): a throwaway PostgreSQL
// database, a Redis server of the test's own, N child processes (`node --import tsx server/main.ts`) sharing
// them, and optionally Debian's nginx in front, started from deploy/nginx.conf.example. Redis and nginx are
// started by bench/lib/cluster.ts (shared with the `processes` bench). Used by
// tests/integration/processes.test.ts and tests/e2e/processes.test.ts.
import net from 'node:net'
import { NGINX, REDIS, type Started, startNginx, startRedis } from '../../bench/lib/cluster'
import { type ChildServer, startChildServer } from './child-server'
import { createTempDatabase, postgresAvailable, type TempDatabase } from './postgres'
import { tempDir } from './server'

export const PROCESSES_METRICS_TOKEN = 'processes-test-metrics-token'

/** What is missing to run several processes ([] when nothing is). Throws with CI=true, where all of it must
 *  be there; otherwise warns that the caller's tests are skipped. */
export async function missingForProcesses(): Promise<string[]> {
  const pgUp = await postgresAvailable()
  const missing = [!pgUp && 'PostgreSQL', !NGINX && 'nginx', !REDIS && 'redis-server'].filter((m): m is string => !!m)
  if (missing.length) {
    const why = `several-process tests need ${missing.join(', ')}`
    if (process.env.CI === 'true') throw new Error(`${why} (CI installs nginx in .ci/run; PostgreSQL and Redis run on every machine)`)
    console.warn(`skipping: ${why}`)
  }
  return missing
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface Cluster {
  db: TempDatabase
  redis: Started
  redisPort: number
  /** The processes, in start order; replace an entry after restarting it with startProcess. */
  procs: ChildServer[]
  /** nginx in front of every process (round-robin), when asked for. */
  nginx: Started | null
  /** What every process was started with (DATABASE_URL, REDIS_URL, …). */
  env: Record<string, string>
  /** Starts one more process (or one again) on `port` with the cluster's env and a fresh DATA_DIR. */
  startProcess(port: number): Promise<ChildServer>
  /** Restarts Redis on its port after the test stopped it. */
  restartRedis(): Promise<Started>
  /** Stops everything started, and drops the database. */
  stop(): Promise<void>
}

export async function startCluster({
  processes = 2,
  nginx = true,
  env: extra = {},
}: { processes?: number; nginx?: boolean; env?: Record<string, string> } = {}): Promise<Cluster> {
  const db = await createTempDatabase()
  const redisPort = await freePort()
  const cluster: Cluster = {
    db,
    redis: await startRedis(redisPort),
    redisPort,
    procs: [],
    nginx: null,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      METRICS_TOKEN: PROCESSES_METRICS_TOKEN,
      TRUST_PROXY: '127.0.0.1',
      // Every process must sign voter cookies alike (README): a cookie from one is then good on the other.
      VOTER_SECRET: 'processes-test-voter-secret-0123456789abcdef',
      ...extra,
    },
    startProcess: (port) => startChildServer(tempDir(), { ...cluster.env, PORT: String(port) }),
    restartRedis: async () => (cluster.redis = await startRedis(redisPort)),
    async stop() {
      await cluster.nginx?.stop()
      for (const p of cluster.procs) p.proc.kill('SIGKILL')
      await Promise.all(cluster.procs.map((p) => p.exited))
      await cluster.redis.stop()
      await db.drop()
    },
  }
  try {
    const ports: number[] = []
    for (let i = 0; i < processes; i++) ports.push(await freePort())
    for (const port of ports) cluster.procs.push(await cluster.startProcess(port))
    if (nginx) cluster.nginx = await startNginx(await freePort(), ports)
  } catch (err) {
    await cluster.stop().catch(() => {})
    throw err
  }
  return cluster
}

/** One sample of a process's /metrics (NaN when absent). */
export async function processMetric(base: string, name: string): Promise<number> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${PROCESSES_METRICS_TOKEN}` } })
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.slice(name.length + 1)) : Number.NaN
}
