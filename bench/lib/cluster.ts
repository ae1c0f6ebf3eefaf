// What several server processes stand on (README, "Running several processes"), started for one run and
// gone after it: a Redis server of its own (so stopping it disturbs nobody else), Debian's nginx started from
// deploy/nginx.conf.example (its upstreams and listen port replaced) and a throwaway PostgreSQL database.
// Shared by the `processes` bench and tests/integration/processes.test.ts. Each start cleans up after
// itself when it fails; `onSignalCleanup` covers the bench being interrupted.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p))
export const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p))
/** The machine's PostgreSQL (trust auth), or PG_TEST_URL. */
export const PG_ADMIN_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface Started {
  proc: ChildProcess
  url: string
  /** Stop it and wait until it is gone (redis-server: SIGKILL, nothing of it needs a clean shutdown; nginx:
   *  SIGTERM, whose master stops its workers before it exits — a SIGKILLed master leaves them running). */
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

function exitOf(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
    proc.once('exit', () => resolve())
  })
}

/** Stops `proc` with `signal` (SIGKILL after 5 s) and waits until it is gone; its pipes are closed too, so
 *  nothing it left behind (an nginx worker, when the master was killed) keeps this process alive. */
async function kill(proc: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const gone = exitOf(proc)
  if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000)
  await gone
  clearTimeout(timer)
  proc.stdout?.destroy()
  proc.stderr?.destroy()
}

/** Polls until `check` holds; throws (after stopping `proc` with `signal`) when the process exits or 20 s
 *  pass first. */
async function until(proc: ChildProcess, what: string, output: string[], check: () => Promise<boolean>, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    if (await check().catch(() => false)) return
    if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
      await kill(proc, signal)
      throw new Error(`${what} did not come up (${proc.exitCode !== null ? `exit code ${proc.exitCode}` : 'timed out'}): ${output.join('').slice(-2000)}`)
    }
    await sleep(50)
  }
}

function collect(proc: ChildProcess): string[] {
  const out: string[] = []
  proc.stdout?.setEncoding('utf8').on('data', (s: string) => out.push(s))
  proc.stderr?.setEncoding('utf8').on('data', (s: string) => out.push(s))
  return out
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end()
      resolve(true)
    })
    s.on('error', () => resolve(false))
  })

/** A Redis server on 127.0.0.1:`port`, no persistence. */
export async function startRedis(port: number): Promise<Started> {
  if (!REDIS) throw new Error('redis-server is not installed')
  const proc = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
  await until(proc, 'redis-server', collect(proc), () => accepts(port))
  return { proc, url: `redis://127.0.0.1:${port}`, stop: () => kill(proc) }
}

/** nginx from the shipped example (round-robin, websocket upgrade), its upstreams and listen port replaced,
 *  in a prefix directory of its own (removed on stop). */
export async function startNginx(port: number, upstreams: number[]): Promise<Started> {
  if (!NGINX) throw new Error('nginx is not installed')
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'ob-nginx-'))
  const example = fs.readFileSync(path.join(ROOT, 'deploy/nginx.conf.example'), 'utf8')
  const conf = example
    .replace(/upstream outcome_board \{[^}]*\}/, `upstream outcome_board {\n${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}\n  }`)
    .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`)
  if (!conf.includes(`listen 127.0.0.1:${port};`)) throw new Error('deploy/nginx.conf.example: no `listen 127.0.0.1:8080;` line to replace')
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf)
  const proc = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const url = `http://127.0.0.1:${port}`
  const removePrefix = () => fs.rmSync(prefix, { recursive: true, force: true })
  try {
    await until(proc, 'nginx', collect(proc), async () => (await fetch(`${url}/healthz`)).ok, 'SIGTERM')
  } catch (err) {
    removePrefix()
    throw err
  }
  return {
    proc,
    url,
    async stop() {
      await kill(proc, 'SIGTERM')
      removePrefix()
    },
  }
}

export interface TempDatabase {
  url: string
  drop(): Promise<void>
}

/** True when PostgreSQL answers at PG_ADMIN_URL. */
export async function postgresUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/** A database with a random name on the machine's PostgreSQL, dropped (its connections closed) by drop(). */
export async function createDatabase(prefix: string): Promise<TempDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** Runs `cleanup` if this process is interrupted (SIGINT, SIGTERM) before the returned function is called,
 *  then exits: a bench stopped with Ctrl-C leaves no redis-server, nginx or database behind. */
export function onSignalCleanup(cleanup: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: stopping what this run started\n`)
    cleanup()
      .catch((err) => process.stderr.write(`cleanup: ${String(err)}\n`))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
