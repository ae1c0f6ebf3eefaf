// Preloaded (node --require) into each benchmarked server process, ours and the reference alike, so memory
// is read the same way in both: on an IPC request it runs a full GC (node --expose-gc) and answers with
// process.memoryUsage(). It adds nothing else to the server.
'use strict'
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (!msg || msg.type !== 'bench:mem') return
    if (msg.gc && typeof global.gc === 'function') {
      global.gc()
      global.gc()
    }
    if (msg.snapshot) {
      // A heap snapshot for offline analysis (bench/lib/heap-diff.ts); only when asked for.
      const file = require('node:v8').writeHeapSnapshot(msg.snapshot)
      process.send({ type: 'bench:mem', id: msg.id, usage: process.memoryUsage(), file })
      return
    }
    process.send({ type: 'bench:mem', id: msg.id, usage: process.memoryUsage() })
  })
  // The IPC channel must not keep a server alive that would otherwise exit.
  if (process.channel && typeof process.channel.unref === 'function') process.channel.unref()
}
