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
  /** Stops the worker; its connection is closed before this resolves. */
  close(): Promise<void>
}

export interface WalCheckpointOptions {
  intervalMs?: number
  onError?: (message: string) => void
}

export function startWalCheckpointer(db: Database.Database, file: string, options: WalCheckpointOptions = {}): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpointer.cjs', import.meta.url), {
    workerData: { file, intervalMs: options.intervalMs ?? 1000 },
  })
  // The server's lifetime is its HTTP listener's; this thread must not hold the process open.
  worker.unref()
  let closing = false
  let fellBack = false
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
    } else if (msg.type === 'error' && msg.error) {
      options.onError?.(`WAL checkpoint failed: ${msg.error}`)
    }
  })
  worker.on('error', (err) => fallBack(`WAL checkpoint worker failed: ${err.message}`))
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!closing) fallBack(`WAL checkpoint worker exited (${code})`)
      resolve()
    })
  })

  return {
    async close() {
      if (closing) return exited
      closing = true
      worker.postMessage({ type: 'close' })
      // A worker stuck in a long checkpoint is stopped rather than waited for; the main connection's final
      // checkpoint still folds the WAL in.
      const timer = setTimeout(() => void worker.terminate(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
