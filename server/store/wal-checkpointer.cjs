// Runs SQLite's WAL checkpoints off the main thread, on a connection of its own.
//
// A checkpoint copies the WAL's pages into the database file and syncs both (13–17 ms here). Left to SQLite,
// it runs inside whichever commit crosses 1,000 WAL pages: on the server's event loop, in front of that
// update's relay. Here it runs every `intervalMs` in this worker thread instead; PASSIVE never waits for the
// writer nor blocks it, and the writer starts the WAL over from its beginning once a checkpoint has caught up.
//
// Plain CommonJS so that it loads as it is under tsx, vitest and node alike.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const Database = require('better-sqlite3')

const { file, intervalMs } = workerData
const db = new Database(file, { fileMustExist: true })
db.pragma('busy_timeout = 0')

/** A PASSIVE checkpoint; the error's message if it failed. */
function checkpoint() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    return null
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

const timer = setInterval(() => {
  const error = checkpoint()
  if (error) parentPort.postMessage({ type: 'error', error })
}, intervalMs)

parentPort.on('message', (msg) => {
  if (msg && msg.type === 'close') {
    clearInterval(timer)
    db.close()
    parentPort.close() // nothing else keeps this thread alive: it exits, which the main side waits for
  }
})

parentPort.postMessage({ type: 'ready' })
