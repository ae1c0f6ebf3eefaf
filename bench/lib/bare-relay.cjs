// A bare relay for the fan-out (FANOUT_BARE=1): the least a relay can do. It answers a client's sync step 1 with an
// empty sync step 2 (so the client counts as synced), and forwards every other frame as it came to the other
// sockets of its room: no Yjs, no storage, no checks, no presence of its own. What it measures against the
// reference is how far below the reference any server could get on this machine in this run; it is not a
// server anyone should run. Plain CommonJS, run with node as it is (PORT and HOST from the environment).
'use strict'
const http = require('node:http')
const { WebSocketServer } = require('ws')

const rooms = new Map()
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
// messageSync (0), syncStep2 (1), an update of 2 bytes: no structs (0), an empty delete set (0).
const EMPTY_SYNC_STEP_2 = Buffer.from([0, 1, 2, 0, 0])

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok')
  res.writeHead(404).end()
})
server.on('upgrade', (req, socket, head) => {
  const room = (req.url || '/').split('?')[0]
  wss.handleUpgrade(req, socket, head, (ws) => {
    let peers = rooms.get(room)
    if (!peers) rooms.set(room, (peers = new Set()))
    peers.add(ws)
    ws.on('message', (data) => {
      if (data[0] === 0 && data[1] === 0) return void ws.send(EMPTY_SYNC_STEP_2)
      for (const peer of peers) if (peer !== ws) peer.send(data)
    })
    ws.on('close', () => peers.delete(ws))
  })
})
server.listen(Number(process.env.PORT), process.env.HOST)
process.on('SIGTERM', () => server.close(() => process.exit(0)))
