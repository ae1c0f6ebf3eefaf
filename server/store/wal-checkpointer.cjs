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

function checkpoint(mode) {
  try {
    const [result] = db.pragma(`wal_checkpoint(${mode})`)
    return { ok: true, busy: result.busy, log: result.log, checkpointed: result.checkpointed }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

const timer = setInterval(() => {
  const r = checkpoint('PASSIVE')
  if (!r.ok) parentPort.postMessage({ type: 'error', error: r.error })
}, intervalMs)

parentPort.on('message', (msg) => {
  if (msg && msg.type === 'checkpoint') {
    parentPort.postMessage({ type: 'checkpointed', id: msg.id, ...checkpoint('PASSIVE') })
  } else if (msg && msg.type === 'close') {
    clearInterval(timer)
    db.close()
    parentPort.postMessage({ type: 'closed' })
    parentPort.close()
  }
})

parentPort.postMessage({ type: 'ready' })
