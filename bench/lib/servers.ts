// The two servers under test, each in its own child process so memory and CPU are measured per server:
//  - ours: `node --import tsx server/main.ts` with PORT/HOST/DATA_DIR (and any extra env);
//  - the reference: `@y/websocket-server` 0.1.1 (src/server.js), no persistence, GC on (its default).
// Both get the same preload (mem-probe.cjs) and --expose-gc, so heap numbers are taken the same way.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Pause } from './pauses'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')
/** Where our server is run from: this checkout, or BENCH_OURS_DIR (another checkout of the repo with its own
 *  server/ and shared/, e.g. to compare a change against the reference in the same conditions). */
export const OURS_DIR = path.resolve(process.env.BENCH_OURS_DIR ?? ROOT)
const PROBE = path.join(import.meta.dirname, 'mem-probe.cjs')
const REFERENCE_MAIN = path.join(ROOT, 'node_modules', '@y', 'websocket-server', 'src', 'server.js')
const BARE_MAIN = path.join(import.meta.dirname, 'bare-relay.cjs')
const HOST = '127.0.0.1'
const CLK_TCK = 100 // Linux USER_HZ

export type ServerKind = 'ours' | 'reference' | 'bare'

export interface Room {
  id: string
  /** ws:// URL an editor connects to. */
  wsUrl: string
  /** Our board tokens (none for the reference). */
  tokens?: { owner: string; edit: string; view: string }
  /** Where client i connects, when not all to wsUrl (a room spread over several processes). */
  clientUrl?: (i: number) => string
}

export interface MemoryUsage {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}

export interface ServerProc {
  kind: ServerKind
  port: number
  httpUrl: string
  pid: number
  dataDir?: string
  createRoom(): Promise<Room>
  /** process.memoryUsage() inside the server, after a full GC when `gc`. */
  memory(gc?: boolean): Promise<MemoryUsage>
  /** GC pauses and event-loop delay in the server since the last call with `reset` (the first call starts
   *  watching). */
  stalls(reset: boolean): Promise<Stalls>
  /** Seconds of CPU (user + system) the server process has used so far. */
  cpuSeconds(): number
  /** GET /metrics as a name{labels} → value map (ours only). */
  metrics(): Promise<Map<string, number>>
  /** Last lines the server wrote (for error messages). */
  output(): string
  /** SIGTERM, wait for exit (SIGKILL after a timeout). */
  stop(): Promise<void>
}

export interface Stalls {
  gcCount: number
  gcMs: number
  gcMaxMs: number
  loopP99Ms: number
  loopMaxMs: number
  /** The longest stall (a late wake-up of a 5 ms timer) and the wall-clock time it ended. */
  longest: Pause
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `outcome-bench-${prefix}-`))
}

let roomCounter = 0

export interface StartOurs {
  dataDir?: string
  /** A fixed port (to restart on the same address); a free one by default. */
  port?: number
  env?: Record<string, string>
  /** The checkout to run (OURS_DIR by default). */
  dir?: string
}

/** /metrics is served only with a token (METRICS_TOKEN); the bench gives its servers this one. */
const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789'

export async function startOurs(opts: StartOurs = {}): Promise<ServerProc> {
  const dataDir = opts.dataDir ?? tempDir('data')
  const port = opts.port ?? (await freePort())
  const env = {
    ...process.env,
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // Abuse limits are not capacity: the bench creates boards and sends updates far faster than a person.
    API_RATE: '1000000',
    API_BURST: '1000000',
    BOARD_CREATE_PER_MINUTE: '1000000',
    FLOOD_RATE: '1000000',
    FLOOD_BURST: '1000000',
    // Every bench client connects from 127.0.0.1: the rooms bench holds 2,000 sockets at once.
    MAX_SOCKETS_PER_ADDRESS: '1000000',
    BOARD_CREATE_BYTES_PER_HOUR: String(1024 ** 4),
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...opts.env,
  }
  // BENCH_CPU_PROF_DIR=/tmp/prof: every one of our server processes writes a V8 CPU profile when it exits
  // (run.ts summarises them at the end, lib/cpuprofile.ts).
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--require', PROBE, ...prof, '--import', 'tsx', 'server/main.ts'],
    { cwd: opts.dir ?? OURS_DIR, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  )
  const proc = wrap('ours', child, port, dataDir)
  await waitHealthy(proc, `${proc.httpUrl}/healthz`)
  proc.createRoom = async () => {
    const res = await fetch(`${proc.httpUrl}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `bench ${++roomCounter}` }),
    })
    if (res.status !== 201) throw new Error(`POST /api/boards → ${res.status} ${await res.text()}`)
    const b = (await res.json()) as { id: string; ownerToken: string; editToken: string; viewToken: string }
    return {
      id: b.id,
      wsUrl: `ws://${HOST}:${port}/ws/${b.id}?token=${b.editToken}`,
      tokens: { owner: b.ownerToken, edit: b.editToken, view: b.viewToken },
    }
  }
  proc.metrics = async () =>
    parsePrometheus(await (await fetch(`${proc.httpUrl}/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })).text())
  return proc
}

export async function startReference(): Promise<ServerProc> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.YPERSISTENCE // no persistence: the reference as most people run it
  return startRoomRelay('reference', REFERENCE_MAIN, '/', env)
}

/** The bare relay (bare-relay.cjs), with the same probe as the servers. */
export function startBareRelay(): Promise<ServerProc> {
  return startRoomRelay('bare', BARE_MAIN, '/healthz', process.env)
}

/** A server with no boards of its own (the reference, the bare relay): any path is a room, PORT and HOST come
 *  from the environment, and the probe is preloaded as in ours. */
async function startRoomRelay(kind: ServerKind, main: string, healthPath: string, env: NodeJS.ProcessEnv): Promise<ServerProc> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--expose-gc', '--require', PROBE, main], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  const proc = wrap(kind, child, port)
  await waitHealthy(proc, `${proc.httpUrl}${healthPath}`)
  proc.createRoom = async () => {
    const id = `${kind}-${process.pid}-${++roomCounter}`
    return { id, wsUrl: `ws://${HOST}:${port}/${id}` }
  }
  return proc
}

function wrap(kind: ServerKind, child: ChildProcess, port: number, dataDir?: string): ServerProc {
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    if (lines.length > 50) lines.splice(0, lines.length - 50)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exited = child.exitCode !== null
  let exitedHow = ''
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true
      exitedHow = signal ? `killed by ${signal}` : `exit code ${code}`
      // A request in flight gets its answer now: the server is gone, and this is why.
      for (const [id, answer] of waiting) {
        waiting.delete(id)
        answer({})
      }
      resolve()
    }),
  )
  let nextId = 1
  const waiting = new Map<number, (answer: { usage?: MemoryUsage; stalls?: Stalls }) => void>()
  child.on('message', (m: { type?: string; id?: number; usage?: MemoryUsage; stalls?: Stalls }) => {
    if ((m?.type === 'bench:mem' || m?.type === 'bench:stalls') && m.id !== undefined) {
      waiting.get(m.id)?.(m)
      waiting.delete(m.id)
    }
  })
  /** One request to the probe (mem-probe.cjs) and its answer. */
  const ask = <T>(message: Record<string, unknown>, pick: (answer: { usage?: MemoryUsage; stalls?: Stalls }) => T | undefined, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`${kind} server has exited:\n${lines.join('\n')}`))
      const id = nextId++
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`${kind} server (pid ${child.pid}, still running) did not answer the probe (${String(message.type)}) in ${timeoutMs} ms:\n${lines.join('\n')}`))
      }, timeoutMs)
      waiting.set(id, (answer) => {
        clearTimeout(timer)
        const value = pick(answer)
        if (value === undefined && exited) reject(new Error(`${kind} server exited (${exitedHow}) during ${String(message.type)}:\n${lines.join('\n')}`))
        else if (value === undefined) reject(new Error(`${kind} server: empty answer to ${String(message.type)}`))
        else resolve(value)
      })
      child.send({ ...message, id })
    })
  return {
    kind,
    port,
    httpUrl: `http://${HOST}:${port}`,
    pid: child.pid!,
    dataDir,
    createRoom: async () => {
      throw new Error('not ready')
    },
    memory(gc = true) {
      return ask({ type: 'bench:mem', gc }, (a) => a.usage, 10_000)
    },
    stalls(reset: boolean) {
      return ask({ type: 'bench:stalls', reset }, (a) => a.stalls, 10_000)
    },
    cpuSeconds() {
      try {
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8')
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        return (Number(fields[11]) + Number(fields[12])) / CLK_TCK // utime, stime
      } catch {
        return Number.NaN
      }
    },
    metrics: async () => new Map(),
    output: () => lines.join('\n'),
    async stop() {
      if (exited) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exitPromise
      clearTimeout(timer)
    },
  }
}

async function waitHealthy(proc: ServerProc, url: string): Promise<void> {
  const deadline = Date.now() + 30_000
  let lastErr: unknown
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url)
      if (res.ok) {
        await res.arrayBuffer()
        return
      }
      lastErr = new Error(`${url} → ${res.status}`)
    } catch (err) {
      lastErr = err
    }
    await sleep(100)
  }
  await proc.stop()
  throw new Error(`${proc.kind} server did not become healthy at ${url}: ${String(lastErr)}\n${proc.output()}`)
}

/** Parses Prometheus text into `name{labels}` → value (comments skipped). */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const i = line.lastIndexOf(' ')
    out.set(line.slice(0, i), Number(line.slice(i + 1)))
  }
  return out
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Polls `check` every `every` ms until it returns true or `ms` pass; returns whether it did. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, every = 20): Promise<boolean> {
  const deadline = performance.now() + ms
  for (;;) {
    if (await check()) return true
    if (performance.now() >= deadline) return false
    await sleep(every)
  }
}
