// Where the slowest fan-out deliveries wait. The reference and ours each get a room of FANOUT_TAIL_SIZE
// clients (10) under the fan-out bench's load (lib/fanout-room.ts: one writer at 100 updates/s, presence
// from every client at 10 Hz), in turns of 1 s, FANOUT_TAIL_SLICES turns each (30). A preload in each server
// (lib/handler-probe.cjs) timestamps its websocket handler for every document update, which splits each
// delivery into three parts on the machine's one monotonic clock:
//   inbound: the writer hands the frame to its socket → the server's handler starts;
//   handler: until it returns (ours has stored the update and written it to every socket by then; the
//            reference has applied it and written it to every socket);
//   out:     the handler returns → the receiver's socket hands the frame over (negative when the receiver
//            had it before the handler returned).
// Printed for every delivery (p50/p99) and for the slowest 1% (the mean of each part, and how many of them
// each part was the largest in). Not part of `npm run bench`: run `npx tsx bench/fanout-tail.ts`.
import fs from 'node:fs'
import path from 'node:path'
import { openFanoutRoom, type FanoutRoom } from './lib/fanout-room'
import { keepAwake } from './lib/keep-awake'
import { type ServerProc, sleep, startOurs, startReference, tempDir, waitFor } from './lib/servers'
import { percentile } from './lib/stats'
import { type Delivery, type DeliveryParts, type HandlerRun, slowestPercent, splitDeliveries } from './lib/tail-split'

const size = Number(process.env.FANOUT_TAIL_SIZE ?? 10)
const slices = Number(process.env.FANOUT_TAIL_SLICES ?? 30)
const PROBE = path.join(import.meta.dirname, 'lib', 'handler-probe.cjs')
const out = path.join(tempDir('tail'), 'handler')

/** performance.now() (ms) → process.hrtime (ns): both read the same monotonic clock. */
const hrOffsetNs = Number(process.hrtime.bigint()) - performance.now() * 1e6
const toNs = (ms: number) => ms * 1e6 + hrOffsetNs

interface Subject {
  name: string
  server: ServerProc
  room: FanoutRoom
  deliveries: Delivery[]
}

async function subject(name: string, server: ServerProc): Promise<Subject> {
  const s: Subject = { name, server, room: null as unknown as FanoutRoom, deliveries: [] }
  s.room = await openFanoutRoom(server, size, {
    onDelivery: (seq, sentAt, arrival) => s.deliveries.push({ seq, sent: toNs(sentAt), arrival: toNs(arrival) }),
  })
  return s
}

/** The server's handler runs (start, end ns) since the last call. */
async function handlerRuns(server: ServerProc): Promise<HandlerRun[]> {
  const file = `${out}.${server.pid}`
  fs.rmSync(file, { force: true })
  process.kill(server.pid, 'SIGUSR2')
  if (!(await waitFor(() => fs.existsSync(file), 5000))) throw new Error(`${server.kind}: the handler probe wrote nothing`)
  await sleep(50) // written in one synchronous call; let it finish
  const text = fs.readFileSync(file, 'utf8').trim()
  return text ? text.split('\n').map((l) => l.split(' ').map(Number) as HandlerRun) : []
}

function report(s: Subject, runs: HandlerRun[]): string {
  const parts = splitDeliveries(s.deliveries, runs)
  const us = (v: number) => `${Math.round(v)} µs`
  const q = (key: keyof DeliveryParts, p: number) => us(percentile(parts.map((x) => x[key]), p))
  const tail = slowestPercent(parts, percentile(parts.map((x) => x.total), 99))
  return [
    `${s.name}: ${parts.length} of ${s.deliveries.length} deliveries matched to a handler run`,
    `  all:         total p50 ${q('total', 50)}, p99 ${q('total', 99)} | inbound ${q('inbound', 50)} / ${q('inbound', 99)} | handler ${q('handler', 50)} / ${q('handler', 99)} | out ${q('out', 50)} / ${q('out', 99)} (p50 / p99)`,
    `  slowest 1%:  mean inbound ${us(tail.mean.inbound)}, handler ${us(tail.mean.handler)}, out ${us(tail.mean.out)}; the largest part: inbound in ${tail.largest.inbound}, handler in ${tail.largest.handler}, out in ${tail.largest.out} of ${tail.count}`,
  ].join('\n')
}

const env = { HANDLER_PROBE_OUT: out }
const flags = ['--require', PROBE]
const subjects = [await subject('reference', await startReference({ env, nodeFlags: flags })), await subject('ours', await startOurs({ env, nodeFlags: flags }))]
const awake = keepAwake(true)
try {
  const slice = (s: Subject, measureMs: number) => s.room.runSlice({ rate: 100, awarenessHz: 10, warmupMs: 100, measureMs })
  for (const s of subjects) await slice(s, 1000) // warm-up, not kept
  for (const s of subjects) {
    s.deliveries = []
    await handlerRuns(s.server)
  }
  for (let k = 0; k < slices; k++) for (const s of k % 2 ? [...subjects].reverse() : subjects) await slice(s, 1000)
  for (const s of subjects) console.log(report(s, await handlerRuns(s.server)))
} finally {
  await awake.stop()
  for (const s of subjects) {
    await s.room.close()
    await s.server.stop()
  }
}
