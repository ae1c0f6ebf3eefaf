// Moves WAL checkpoints off the event loop (see wal-checkpointer.cjs for why). The main connection keeps an
// automatic checkpoint only as a backstop, at a threshold the worker never lets the WAL reach, and goes back
// to SQLite's default if the worker cannot start or dies.
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

/** SQLite's own default threshold (pages). */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000
/** While the worker runs: only if it falls far behind (40 MiB of WAL) does a commit checkpoint by itself. */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000

export interface WalCheckpointer {
  /** While the worker asks appends to hold (see wal-checkpointer.cjs): a promise that settles when they may
   *  go on; null otherwise. Writers on the hot path wait for it before they commit. */
  writesHeld(): Promise<void> | null
  /** Stops the worker; its connection is closed before this resolves. */
  close(): Promise<void>
}

export interface WalCheckpointOptions {
  intervalMs?: number
  /** WAL frames (pages) from which the worker holds appends for a moment to start the WAL over. */
  resetPages?: number
  onError?: (message: string) => void
}

/** 4 MiB of WAL: what a busy board writes in a few seconds; below it the WAL starts over in a natural pause. */
const DEFAULT_RESET_PAGES = 1024
/** The longest appends are held, should the worker not answer (a checkpoint syncs in ~15 ms here). */
const MAX_HOLD_MS = 100

export function startWalCheckpointer(db: Database.Database, file: string, options: WalCheckpointOptions = {}): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpointer.cjs', import.meta.url), {
    workerData: { file, intervalMs: options.intervalMs ?? 1000, resetPages: options.resetPages ?? DEFAULT_RESET_PAGES },
  })
  // The server's lifetime is its HTTP listener's; this thread must not hold the process open.
  worker.unref()
  let closing = false
  let fellBack = false
  let hold: { done: Promise<void>; release: () => void } | null = null
  const releaseHold = () => {
    const h = hold
    hold = null
    h?.release()
  }
  // Once: a worker that fails emits 'error' and then 'exit'.
  const fallBack = (message: string) => {
    if (fellBack) return
    fellBack = true
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`)
    if (!closing) options.onError?.(message)
  }
  worker.on('message', (msg: { type: string; error?: string }) => {
    if (msg.type === 'ready' && !closing) {
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`)
    } else if (msg.type === 'pause' && !closing && !hold) {
      // No append is running now (they are synchronous on this thread): from here on they wait.
      let release!: () => void
      const done = new Promise<void>((resolve) => (release = resolve))
      const timer = setTimeout(releaseHold, MAX_HOLD_MS)
      hold = { done, release: () => (clearTimeout(timer), release()) }
      worker.postMessage({ type: 'paused' })
    } else if (msg.type === 'resumed') {
      releaseHold()
    }
    // A checkpoint that failed, on the worker's schedule ('error') or during a hold ('resumed').
    if (msg.error) options.onError?.(`WAL checkpoint failed: ${msg.error}`)
  })
  worker.on('error', (err) => fallBack(`WAL checkpoint worker failed: ${err.message}`))
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      releaseHold()
      if (!closing) fallBack(`WAL checkpoint worker exited (${code})`)
      resolve()
    })
  })

  return {
    writesHeld: () => hold?.done ?? null,
    async close() {
      if (closing) return exited
      closing = true
      releaseHold()
      worker.postMessage({ type: 'close' })
      // A worker stuck in a long checkpoint is stopped rather than waited for; the main connection's final
      // checkpoint still folds the WAL in.
      const timer = setTimeout(() => void worker.terminate(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
