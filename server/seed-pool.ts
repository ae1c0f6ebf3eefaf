// Board creation's big bodies are prepared in a worker thread (seed-worker.mjs → board-seed.ts): parsing a
// few MB of JSON, laying out a 5,000-node tree and encoding it would otherwise hold the event loop, and with
// it every room and request, for a few hundred milliseconds per request anyone may send. Small bodies are
// prepared inline: the hand-off would cost more than the work.
// One worker for the process, started on first use and restarted after a failure; it does not keep the
// process alive. Requests wait in its queue, at most MAX_QUEUED; past that the answer is 503.
import { Worker } from 'node:worker_threads'
import { type PreparedBoard, prepareBoard, type SeedLimits } from './board-seed'
import { HttpError } from './http'

/** Bodies up to this many bytes are prepared inline. */
export const INLINE_MAX_BYTES = 32 * 1024
/** Bodies waiting for the worker at most (each holds its text in memory meanwhile). */
export const MAX_QUEUED = 16

type Pending = { resolve: (result: PreparedBoard) => void; reject: (err: Error) => void }

let worker: Worker | null = null
const pending = new Map<number, Pending>()
let nextId = 1

/** The prepared board for a creation body: inline when small, else in the worker (which `bytes` is handed
 *  to, not copied: the caller must not use it afterwards). */
export async function prepareBoardOffLoop(bytes: Uint8Array, limits: SeedLimits): Promise<PreparedBoard> {
  if (bytes.byteLength <= INLINE_MAX_BYTES) return prepareBoard(bytes, limits)
  if (pending.size >= MAX_QUEUED) throw new HttpError(503, 'too many boards being created right now; try again in a moment')
  const w = worker ?? start()
  const id = nextId++
  const result = await new Promise<PreparedBoard>((resolve, reject) => {
    pending.set(id, { resolve, reject })
    w.postMessage({ id, bytes, limits }, [bytes.buffer as ArrayBuffer])
    w.ref() // while it has work: a request waits for it
  })
  if (!result.ok && result.status === 500) throw new Error(`seed worker: ${(result as { detail?: string }).detail ?? result.error}`)
  return result
}

function start(): Worker {
  const w = new Worker(new URL('./seed-worker.mjs', import.meta.url))
  w.unref()
  w.on('message', (msg: { id?: number; result?: PreparedBoard }) => {
    if (msg.id === undefined || !msg.result) return
    const waiting = pending.get(msg.id)
    pending.delete(msg.id)
    if (pending.size === 0) w.unref()
    waiting?.resolve(msg.result)
  })
  const fail = (err: Error) => {
    if (worker !== w) return
    worker = null
    const waiting = [...pending.values()]
    pending.clear()
    for (const p of waiting) p.reject(err)
    void w.terminate()
  }
  w.on('error', fail)
  w.on('exit', (code) => fail(new Error(`seed worker exited (${code})`)))
  worker = w
  return w
}
