#!/usr/bin/env node
// Builds the client with Vite only when dist/client is missing or older than its sources (client/, shared/,
// vite.config.ts, package-lock.json). Used by `npm start` and by the e2e global setup.
//   node scripts/ensure-client-build.mjs [--force]
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const builtIndex = join(root, 'dist/client/index.html')
const sources = ['client', 'shared', 'vite.config.ts', 'package-lock.json'].map((p) => join(root, p))

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(join(path, name)))
  }
  return newest
}

export function clientBuildIsStale() {
  if (!existsSync(builtIndex)) return 'dist/client is missing'
  const builtAt = statSync(builtIndex).mtimeMs
  const sourceAt = Math.max(...sources.map(newestMtime))
  return sourceAt > builtAt ? 'client sources changed since the last build' : null
}

export function ensureClientBuild({ force = false, log = console.log } = {}) {
  const reason = force ? 'forced' : clientBuildIsStale()
  if (!reason) return false
  log(`building the client (${reason})…`)
  const vite = join(root, 'node_modules/vite/bin/vite.js')
  // NODE_ENV must be 'production' for a production bundle; vitest sets it to 'test' in the e2e global setup.
  const env = { ...process.env, NODE_ENV: 'production' }
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env })
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`)
  return true
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureClientBuild({ force: process.argv.includes('--force') })
  } catch (error) {
    console.error(String(error?.message ?? error))
    process.exit(1)
  }
}
