#!/usr/bin/env node
// `npm run dev`: the server with reload (tsx watch, port 8787) and Vite's dev server with hot reload
// (port 5173, proxying /api and /ws to the server). Ctrl+C stops both.
import { spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules/.bin', name)
const children = []

function run(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const prefix = (line) => `[${name}] ${line}`
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = ''
    stream.on('data', (chunk) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) process.stdout.write(prefix(line) + '\n')
    })
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(prefix(`exited (${signal ?? code})\n`))
    shutdown(code ?? 1)
  })
  children.push(child)
  return child
}

let stopping = false
function shutdown(code = 0) {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  setTimeout(() => process.exit(code), 500).unref()
}
process.on('SIGINT', () => shutdown(0))
process.on('SIGTERM', () => shutdown(0))

run('server', bin('tsx'), ['watch', '--clear-screen=false', 'server/main.ts'], { PORT: process.env.PORT ?? '8787' })
run('vite', bin('vite'), ['--strictPort'], { DEV_SERVER_URL: `http://127.0.0.1:${process.env.PORT ?? '8787'}` })
console.log('dev: open http://127.0.0.1:5173 (API and websockets are proxied to the server on :8787)')
