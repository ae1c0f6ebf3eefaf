// Preloaded (node --require) into both servers by bench/fanout-tail.ts: timestamps (process.hrtime, ns) the
// start and end of every websocket 'message' handler run for a document update frame (y-protocols sync
// message, update: first bytes 0, 2), in whichever copy of `ws` the server loads. On SIGUSR2 it writes the
// pairs seen so far to $HANDLER_PROBE_OUT.<pid> ("start end" lines) and starts over.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const copies = ['node_modules/ws/lib/websocket.js', 'node_modules/@y/websocket-server/node_modules/ws/lib/websocket.js']
let times = []
for (const rel of copies) {
  const file = path.resolve(rel)
  if (!fs.existsSync(file)) continue
  const WebSocket = require(file)
  const emit = WebSocket.prototype.emit
  WebSocket.prototype.emit = function (event, data, ...rest) {
    if (event !== 'message') return emit.call(this, event, data, ...rest)
    // A Buffer, an ArrayBuffer (the reference sets binaryType 'arraybuffer') or fragments.
    const head = data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(2, data.byteLength)) : Array.isArray(data) ? data[0] : data
    if (!head || head[0] !== 0 || head[1] !== 2) return emit.call(this, event, data, ...rest)
    const start = process.hrtime.bigint()
    try {
      return emit.call(this, event, data, ...rest)
    } finally {
      times.push(`${start} ${process.hrtime.bigint()}`)
    }
  }
}

process.on('SIGUSR2', () => {
  fs.writeFileSync(`${process.env.HANDLER_PROBE_OUT}.${process.pid}`, times.join('\n'))
  times = []
})
