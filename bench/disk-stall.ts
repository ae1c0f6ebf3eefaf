// What a busy disk does to the server's appends. The server stores each update before it relays it, with a
// synchronous SQLite write on its event loop (see bench/README.md, "What a slow disk costs"): when the kernel
// makes that write wait, every room on the server waits with it. This appends through the server's own store
// (openSqliteStore, checkpoint worker and all) at the fan-out writer's rate, 100 updates/s, first on a quiet
// disk, then while another process writes DISK_STALL_MB (4,000 MiB) to the same file system and syncs it,
// then for a few seconds after, and prints each phase's append times.
// Not part of `npm run bench` (it writes gigabytes): run `npx tsx bench/disk-stall.ts`.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { openSqliteStore } from '../server/store/sqlite'
import { sleep, tempDir } from './lib/servers'
import { summarize } from './lib/stats'

const megabytes = Number(process.env.DISK_STALL_MB ?? 4000)
const QUIET_MS = 10_000
const AFTER_MS = 5_000
const EVERY_MS = 10
/** An append at least this long is listed by the time it ended. */
const SLOW_MS = 20

// Writes `megabytes` MiB in 1 MiB blocks and syncs them once at the end, as `dd conv=fsync` would.
const WRITER = `
const fs = require('node:fs')
const [file, mb] = process.argv.slice(1)
const block = Buffer.alloc(1 << 20, 1)
const fd = fs.openSync(file, 'w')
for (let i = 0; i < Number(mb); i++) fs.writeSync(fd, block)
fs.fsyncSync(fd)
fs.closeSync(fd)
`

interface Phase {
  name: string
  times: number[]
  slow: string[]
}

const dir = tempDir('disk-stall')
const free = fs.statfsSync(dir)
if (free.bavail * free.bsize < 2 * megabytes * 2 ** 20) {
  console.error(`disk-stall: needs ${2 * megabytes} MiB free in ${dir}, has ${Math.floor((free.bavail * free.bsize) / 2 ** 20)}`)
  process.exit(1)
}
const store = openSqliteStore(dir, { onWarning: (message) => console.warn(`store: ${message}`) })
await store.createBoard({ id: 'disk-stall', title: 'disk stall', ownerToken: 'o', editToken: 'e', viewToken: 'v' })
const update = new Uint8Array(60).fill(7) // the size of one of the fan-out writer's edits

/** Appends every EVERY_MS until `until` resolves, timing each. */
async function appendUntil(name: string, until: Promise<unknown>): Promise<Phase> {
  const phase: Phase = { name, times: [], slow: [] }
  let done = false
  void until.then(() => (done = true))
  while (!done) {
    await sleep(EVERY_MS)
    const started = performance.now()
    if (store.appendUpdatesNow?.('disk-stall', [update]) == null) await store.appendUpdates('disk-stall', [update])
    const ms = performance.now() - started
    phase.times.push(ms)
    if (ms >= SLOW_MS) phase.slow.push(`${new Date().toISOString().slice(11, 23)} ${ms.toFixed(1)} ms`)
  }
  return phase
}

const bigFile = path.join(dir, 'other-process.bin')
const phases: Phase[] = []
try {
  phases.push(await appendUntil('quiet disk', sleep(QUIET_MS)))
  const writer = spawn(process.execPath, ['-e', WRITER, bigFile, String(megabytes)], { stdio: 'inherit' })
  const writerStarted = performance.now()
  const writerExited = new Promise<number | null>((resolve) => writer.once('exit', resolve))
  phases.push(await appendUntil(`another process writes ${megabytes} MiB and syncs it`, writerExited))
  const code = await writerExited
  console.log(`the other process ${code === 0 ? 'wrote and synced' : `exited ${code} after`} in ${((performance.now() - writerStarted) / 1000).toFixed(1)} s`)
  fs.rmSync(bigFile, { force: true })
  phases.push(await appendUntil(`the ${AFTER_MS / 1000} s after`, sleep(AFTER_MS)))
} finally {
  fs.rmSync(bigFile, { force: true })
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

console.log(`\nAppends of one ${update.byteLength}-byte update every ${EVERY_MS} ms through the server's store (ms):`)
for (const { name, times, slow } of phases) {
  const s = summarize(times)
  console.log(`  ${name}: ${s.n} appends, p50 ${s.p50.toFixed(2)}, p99 ${s.p99.toFixed(2)}, longest ${s.max.toFixed(1)}; ${slow.length} took ${SLOW_MS} ms or more`)
  for (const line of slow.slice(0, 12)) console.log(`    ${line}`)
  if (slow.length > 12) console.log(`    … and ${slow.length - 12} more`)
}
