// The seed worker's thread (seed-pool.ts): prepares board creations' big bodies (board-seed.ts) off the
// server's event loop. Plain JavaScript so that it starts under plain Node, in tests as in `npm start`; it
// loads the TypeScript through tsx, as `npm start` does.
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

// This thread's work can wait; the event loop's cannot: on a busy machine, the scheduler serves the event loop
// first. Linux only (a thread's own id from /proc/thread-self); elsewhere the thread keeps its priority.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10)
} catch {
  // not Linux, or not allowed: run at the process's priority
}

const { prepareBoard } = await tsImport('./board-seed.ts', import.meta.url)

parentPort.on('message', ({ id, bytes, limits }) => {
  let result
  try {
    result = prepareBoard(bytes, limits)
  } catch (err) {
    result = { ok: false, status: 500, error: 'internal error', detail: String(err?.stack ?? err) }
  }
  parentPort.postMessage({ id, result }, result.ok ? [...new Set(result.updates.map((u) => u.buffer))] : [])
})
