// Runs `tsx server/main.ts` as a child process (for kill -9, signals and env validation), reading the
// listening URL from its JSON log.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface ChildServer {
  proc: ChildProcess
  url: string
  wsUrl: string
  stdout: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function spawnServer(env: Record<string, string>): {
  proc: ChildProcess
  stdout: string[]
  stderr: string[]
  exited: ChildServer['exited']
} {
  // `node --import tsx`, not the tsx CLI: the CLI runs the server in a grandchild process, so a SIGKILL
  // would hit only the wrapper and leave the real server running.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout: string[] = []
  const stderr: string[] = []
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(...chunk.split('\n').filter(Boolean)))
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return { proc, stdout, stderr, exited }
}

/** Starts the server as a child with DATA_DIR and waits for its "listening" log line. */
export async function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env })
  const deadline = Date.now() + 90_000
  for (;;) {
    const line = child.stdout.find((l) => l.includes('"msg":"listening"'))
    if (line) {
      const url = JSON.parse(line).url as string
      return { ...child, url, wsUrl: url.replace(/^http/, 'ws') + '/ws' }
    }
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      child.proc.kill('SIGKILL')
      throw new Error(`server child did not start: ${child.stderr.join('')}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}
