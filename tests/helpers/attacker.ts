// The attacks of issue 18, run from a process of their own (node --import tsx tests/helpers/attacker.ts) so
// that building and sending them does not share the measuring test's event loop. Reads its target from
// ATTACK_TARGET (JSON: url, wsUrl, boardId, viewToken), builds every payload, prints "ready", then runs one
// round per "go" line on stdin and prints each round's outcome as a JSON line; "stop" (or end of stdin) ends
// it. Each round's attacks leave from their own 127.0.0.x addresses.
import http from 'node:http'
import readline from 'node:readline'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { MESSAGE_AWARENESS } from '../../shared/protocol'
import { bigTree } from './big-tree'

const target = JSON.parse(process.env.ATTACK_TARGET ?? '{}') as { url: string; wsUrl: string; boardId: string; viewToken: string }

export interface RoundOutcome {
  deep: number[]
  seeds: number[]
  presenceSockets: number
  crowd: (number | 'open')[]
}

function post(body: Buffer, from: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      `${target.url}/api/boards`,
      { method: 'POST', agent: false, localAddress: from, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', () => resolve(0))
    req.end(body)
  })
}

const sockets: WebSocket[] = []
/** Opens a viewer socket from `from` (unmasked frames: the cost of masking is the attacker's, not the server's). */
function open(from: string): Promise<WebSocket | number> {
  const ws = new WebSocket(`${target.wsUrl}/${target.boardId}?token=${target.viewToken}`, { localAddress: from, generateMask: (m) => m.fill(0) })
  ws.on('error', () => {})
  return new Promise((resolve) => {
    ws.once('open', () => {
      sockets.push(ws)
      resolve(ws)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
      ws.terminate()
    })
    ws.once('close', () => resolve(0))
  })
}

function awarenessFrame(id: number, state: string): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, id)
  encoding.writeVarUint(inner, 1)
  encoding.writeVarString(inner, state)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

// Built once, before any round: a 5.2 MB body of arrays nested 2.6 million deep, a ~4.8 MB seed of 5,000
// nodes, and 3.5 MB presence states.
const deepBody = Buffer.from(`{"tree":${'['.repeat(2_600_000)}${']'.repeat(2_600_000)}}`)
const seedBody = Buffer.from(JSON.stringify({ tree: bigTree(5000, 'n'.repeat(850)) }))
const presenceState = JSON.stringify({ user: { name: 'Mallory' }, blob: 'x'.repeat(3_500_000) })

async function round(n: number): Promise<RoundOutcome> {
  const out: RoundOutcome = { deep: [], seeds: [], presenceSockets: 0, crowd: [] }
  const deep = Array.from({ length: 12 }, async () => out.deep.push(await post(deepBody, `127.0.0.${10 + n}`)))
  const seeds = Array.from({ length: 4 }, async () => out.seeds.push(await post(seedBody, `127.0.0.${20 + n}`)))
  const presence = Array.from({ length: 20 }, async (_, i) => {
    const ws = await open(`127.0.0.${30 + n}`)
    if (typeof ws === 'number') return
    out.presenceSockets++
    await new Promise<void>((resolve) => ws.send(awarenessFrame(1_000_000 + n * 100 + i, presenceState), () => resolve()))
  })
  const crowd = Array.from({ length: 60 }, async () => {
    const ws = await open(`127.0.0.${40 + n}`)
    out.crowd.push(typeof ws === 'number' ? ws : 'open')
  })
  await Promise.all([...deep, ...seeds, ...presence, ...crowd])
  return out
}

console.log(JSON.stringify({ ready: true, deepBytes: deepBody.length, seedBytes: seedBody.length }))
let n = 0
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') break
  console.log(JSON.stringify({ round: n, outcome: await round(n) }))
  n++
}
for (const ws of sockets) ws.terminate()
process.exit(0)
