// Runs SQLite's WAL checkpoints off the main thread, on a connection of its own.
//
// A checkpoint copies the WAL's pages into the database file and syncs both (13–17 ms here). Left to SQLite,
// it runs inside whichever commit crosses 1,000 WAL pages: on the server's event loop, in front of that
// update's relay. Here it runs every `intervalMs` in this worker thread instead; PASSIVE never waits for the
// writer nor blocks it.
//
// The writer starts the WAL over from its beginning only when a checkpoint has copied every frame in it. Under
// writes that never pause, each checkpoint ends behind by the frames committed while it synced, so the WAL
// would only grow, until the main connection's backstop checkpointed on the event loop (40 ms at 40 MiB).
// So when a checkpoint leaves the WAL at `resetPages` frames or more, this asks the main thread to hold its
// appends for a moment ('pause' → 'paused'), copies the few frames left with no writer racing it, and lets
// the appends go on ('resumed'): the next one starts the WAL over. The hold costs one sync of the files.
//
// Plain CommonJS so that it loads as it is under tsx, vitest and node alike.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const Database = require('better-sqlite3')

const { file, intervalMs, resetPages } = workerData
const db = new Database(file, { fileMustExist: true })
db.pragma('busy_timeout = 0')

/** A PASSIVE checkpoint: the WAL's size in frames afterwards, or the error's message if it failed. */
function checkpoint() {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    return { frames: result.log }
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) }
  }
}

let holding = false
const timer = setInterval(() => {
  if (holding) return
  const { frames, error } = checkpoint()
  if (error) parentPort.postMessage({ type: 'error', error })
  else if (frames >= resetPages) {
    holding = true
    parentPort.postMessage({ type: 'pause' })
  }
}, intervalMs)

parentPort.on('message', (msg) => {
  if (msg && msg.type === 'paused') {
    const { error } = checkpoint()
    holding = false
    parentPort.postMessage({ type: 'resumed', error })
  } else if (msg && msg.type === 'close') {
    clearInterval(timer)
    db.close()
    parentPort.close() // nothing else keeps this thread alive: it exits, which the main side waits for
  }
})

parentPort.postMessage({ type: 'ready' })
