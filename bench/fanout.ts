// 1. Fan-out latency. A room of N clients on loopback: one writer sets {seq, t} in a Y.Map at a fixed rate
// (t = performance.now() just before the frame is sent), every client sends an awareness state at 10 Hz,
// and every other client records arrival − t for each seq. All clients live in this process, so send and
// receipt use the same clock. Then a ramp: the writer rate doubles until p99 passes a bound or updates are
// not all delivered; the last rate that passed is the throughput ceiling.
import { config } from './lib/config'
import { ms, count, pct, ratioText } from './lib/format'
import { startLoadMonitor } from './lib/load'
import { check, row, type BenchResult } from './lib/result'
import type { ServerProc } from './lib/servers'
import { sleep, startOurs, startReference, waitFor } from './lib/servers'
import { ratio, summarize, type Summary } from './lib/stats'
import { closeAll, connectMany } from './lib/yclient'

/** Our server's SQLite synchronous mode in this run (SQLITE_SYNCHRONOUS is passed through to it; with
 *  BENCH_OURS_DIR set to an older checkout, that checkout's own default applies). */
const SYNCHRONOUS = process.env.BENCH_OURS_DIR ? "that checkout's" : (process.env.SQLITE_SYNCHRONOUS?.trim().toLowerCase() || 'normal')

export interface RoomRun {
  server: string
  roomSize: number
  rate: number
  seconds: number
  sent: number
  latencies: number[]
  /** Deliveries of measured updates observed / expected (receivers × measured updates). */
  delivered: number
  expected: number
  /** CPU seconds per wall second: server process, and this (client) process. */
  serverCpu: number
  clientCpu: number
  clientLoopDelayP99: number
  awarenessFramesIn: number
  /** Ours: SQLite appends during the run, and their mean latency (ms). */
  storeWrites: number
  storeWriteMeanMs: number
}

interface Ping {
  seq: number
  t: number
}

export async function runRoom(
  server: ServerProc,
  opts: { roomSize: number; rate: number; seconds: number; warmupSeconds: number; awarenessHz: number },
): Promise<RoomRun> {
  const room = await server.createRoom()
  const clients = await connectMany(room.wsUrl, opts.roomSize)
  const m0 = await server.metrics()
  try {
    const writer = clients[0]
    const receivers = clients.slice(1)
    const pingMap = writer.doc.getMap<Ping>('bench')
    let seq = 0
    let firstMeasured = Infinity
    let lastMeasured = 0
    const latencies: number[] = []
    let delivered = 0
    for (const r of receivers) {
      const map = r.doc.getMap<Ping>('bench')
      let last = 0
      r.onRemoteUpdate = (arrival) => {
        const p = map.get('ping')
        if (!p || p.seq <= last) return
        last = p.seq
        if (p.seq >= firstMeasured && p.seq <= lastMeasured) {
          latencies.push(arrival - p.t)
          delivered++
        }
      }
    }
    // Awareness: every client at awarenessHz, phases spread evenly so the load is smooth.
    const period = 1000 / Math.max(opts.awarenessHz, 1e-9)
    const nextAwareness = clients.map((_, i) => (i * period) / clients.length)
    const awarenessOn = opts.awarenessHz > 0
    let awarenessSent = 0

    const warmupMs = opts.warmupSeconds * 1000
    const measureMs = opts.seconds * 1000
    const start = performance.now()
    let load: ReturnType<typeof startLoadMonitor> | null = null
    let cpu0 = 0
    let measureStart = 0
    let sentInWindow = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now()
        const elapsed = now - start
        if (load === null && elapsed >= warmupMs) {
          load = startLoadMonitor()
          cpu0 = server.cpuSeconds()
          measureStart = now
          firstMeasured = seq + 1
          lastMeasured = Infinity
        }
        if (elapsed >= warmupMs + measureMs) {
          clearInterval(timer)
          lastMeasured = seq
          resolve()
          return
        }
        const due = Math.floor((elapsed / 1000) * opts.rate)
        // Never burst more than 50 ms worth at once if this process fell behind.
        const maxBurst = Math.max(1, Math.ceil(opts.rate / 20))
        for (let k = 0; seq < due && k < maxBurst; k++) {
          seq++
          if (load) sentInWindow++
          pingMap.set('ping', { seq, t: performance.now() })
        }
        if (awarenessOn) {
          for (let i = 0; i < clients.length; i++) {
            if (elapsed >= nextAwareness[i]) {
              nextAwareness[i] += period
              if (nextAwareness[i] < elapsed) nextAwareness[i] = elapsed + period
              clients[i].sendAwareness({
                user: { name: `user ${i}`, color: '#3b82f6' },
                cursor: { x: Math.round(elapsed) % 1000, y: i * 10 },
                selectedShapeIds: [],
              })
              awarenessSent++
            }
          }
        }
      }, 2)
    })
    const measured = lastMeasured - firstMeasured + 1
    const expected = Math.max(0, measured) * receivers.length
    // Let the tail arrive (bounded): late arrivals count, they are the latency we want to see.
    await waitFor(() => delivered >= expected, 3000, 10)
    const wall = (performance.now() - measureStart) / 1000
    const clientLoad = (load as ReturnType<typeof startLoadMonitor> | null)?.stop() ?? { cpu: NaN, loopDelayP99: NaN }
    const serverCpu = (server.cpuSeconds() - cpu0) / wall
    void awarenessSent
    void sentInWindow
    const m1 = await server.metrics()
    const d = (k: string) => (m1.get(k) ?? NaN) - (m0.get(k) ?? NaN)
    const storeWrites = d('outcome_board_store_write_seconds_count')
    return {
      server: server.kind,
      roomSize: opts.roomSize,
      rate: opts.rate,
      seconds: opts.seconds,
      sent: measured,
      latencies,
      delivered,
      expected,
      serverCpu,
      clientCpu: clientLoad.cpu,
      clientLoopDelayP99: clientLoad.loopDelayP99,
      awarenessFramesIn: clients.reduce((s, c) => s + c.awarenessFramesIn, 0),
      storeWrites,
      storeWriteMeanMs: (d('outcome_board_store_write_seconds_sum') / storeWrites) * 1000,
    }
  } finally {
    await closeAll(clients)
  }
}

interface Merged {
  summary: Summary
  delivered: number
  expected: number
  serverCpu: number
  clientCpu: number
  clientLoopDelayP99: number
  storeWriteMeanMs: number
}

function merge(runs: RoomRun[]): Merged {
  const lat = runs.flatMap((r) => r.latencies)
  const avg = (f: (r: RoomRun) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length
  return {
    summary: summarize(lat),
    delivered: runs.reduce((s, r) => s + r.delivered, 0),
    expected: runs.reduce((s, r) => s + r.expected, 0),
    serverCpu: avg((r) => r.serverCpu),
    clientCpu: avg((r) => r.clientCpu),
    clientLoopDelayP99: Math.max(...runs.map((r) => r.clientLoopDelayP99)),
    storeWriteMeanMs: runs.reduce((s, r) => s + r.storeWriteMeanMs * r.storeWrites, 0) / runs.reduce((s, r) => s + r.storeWrites, 0),
  }
}

export async function fanoutBench(log: (s: string) => void): Promise<BenchResult> {
  const reference = await startReference()
  // A second reference process, measured in the same rounds: the ratio between two identical servers is the
  // noise floor that our ratio should be read against.
  const control = config.fanout.control ? await startReference() : null
  try {
    // startOurs raises the flood limit (300 msg/s per connection by default), which would close the ramp's writer.
    const ours = await startOurs()
    try {
      return await measure(ours, reference, control, log)
    } finally {
      await ours.stop()
    }
  } finally {
    await control?.stop()
    await reference.stop()
  }
}

async function measure(ours: ServerProc, reference: ServerProc, control: ServerProc | null, log: (s: string) => void): Promise<BenchResult> {
  const c = config.fanout
  const rows = []
  const data: Record<string, unknown> = {}
  const notes: string[] = []
  for (const size of c.roomSizes) {
    const runs: Record<string, RoomRun[]> = { ours: [], reference: [], control: [] }
    const label = (server: ServerProc) => (server === control ? 'control' : server.kind)
    for (let round = 0; round < c.rounds; round++) {
      // ABBA order so slow drift of the machine does not favour one server; the control sits at the ends.
      const forward = control ? [reference, ours, control] : [reference, ours]
      const order = round % 2 === 0 ? forward : [...forward].reverse()
      for (const server of order) {
        log(`  fan-out: ${label(server)}, ${size} clients, ${c.rate}/s, round ${round + 1}/${c.rounds}`)
        runs[label(server)].push(
          await runRoom(server, { roomSize: size, rate: c.rate, seconds: c.seconds, warmupSeconds: c.warmupSeconds, awarenessHz: c.awarenessHz }),
        )
        await sleep(300)
      }
    }
    const o = merge(runs.ours)
    const r = merge(runs.reference)
    const k = runs.control.length ? merge(runs.control) : null
    data[`room${size}`] = { ours: o, reference: r, ...(k ? { control: k } : {}) }
    const p99Ratio = ratio(o.summary.p99, r.summary.p99)
    const bench = `fan-out ${size} clients`
    rows.push(
      row({ bench, metric: 'p50 send→receipt', ours: ms(o.summary.p50), reference: ms(r.summary.p50), ratio: ratioText(ratio(o.summary.p50, r.summary.p50)), status: 'info' }),
      row({
        bench,
        metric: 'p99 send→receipt',
        ours: ms(o.summary.p99),
        reference: ms(r.summary.p99),
        ratio: ratioText(p99Ratio),
        target: size >= 50 ? 'ratio ≤ 1.0, < 100 ms' : 'ratio ≤ 1.0',
        status: check(Number.isFinite(p99Ratio) ? p99Ratio <= 1.0 && (size < 50 || o.summary.p99 < 100) : null),
      }),
      // The same ratio round by round (each round runs both servers back to back): how much of the difference
      // is the machine's drift rather than the servers.
      row({
        bench,
        metric: 'p99 ratio, round by round',
        ratio: runs.ours.map((run, i) => ratioText(ratio(summarize(run.latencies).p99, summarize(runs.reference[i].latencies).p99))).join(', '),
        status: 'info',
      }),
      ...(k
        ? [
            row({
              bench,
              metric: 'noise floor: a 2nd reference / the reference, p99',
              reference: ms(k.summary.p99),
              ratio:
                `${ratioText(ratio(k.summary.p99, r.summary.p99))} (rounds: ` +
                runs.control.map((run, i) => ratioText(ratio(summarize(run.latencies).p99, summarize(runs.reference[i].latencies).p99))).join(', ') +
                ')',
              status: 'info',
            }),
          ]
        : []),
      row({ bench, metric: 'delivered', ours: pct(o.delivered / o.expected), reference: pct(r.delivered / r.expected), status: 'info' }),
      row({ bench, metric: `SQLite append mean (synchronous=${SYNCHRONOUS})`, ours: ms(o.storeWriteMeanMs), reference: 'n/a', status: 'info' }),
      row({ bench, metric: 'server CPU (cores)', ours: count(o.serverCpu), reference: count(r.serverCpu), ratio: ratioText(ratio(o.serverCpu, r.serverCpu)), status: 'info' }),
      row({
        bench,
        metric: 'client process CPU / loop p99',
        ours: `${count(o.clientCpu)} / ${ms(o.clientLoopDelayP99)}`,
        reference: `${count(r.clientCpu)} / ${ms(r.clientLoopDelayP99)}`,
        status: 'info',
      }),
    )
  }

  // Throughput ceiling: ramp the writer's rate; stop at the first step that misses the bound.
  const ceilings: Record<string, number> = {}
  const steps: Record<string, unknown[]> = { ours: [], reference: [] }
  for (const server of [reference, ours]) {
    let best = 0
    for (const rate of c.rampRates) {
      log(`  ramp: ${server.kind}, ${c.rampRoomSize} clients, ${rate}/s`)
      const run = await runRoom(server, { roomSize: c.rampRoomSize, rate, seconds: c.rampStepSeconds, warmupSeconds: 0.5, awarenessHz: c.awarenessHz })
      const s = summarize(run.latencies)
      const frac = run.expected ? run.delivered / run.expected : 0
      const achieved = run.sent / run.seconds
      const ok = s.p99 <= c.rampP99BoundMs && frac >= 0.999 && achieved >= rate * 0.95
      steps[server.kind].push({ rate, achieved, p50: s.p50, p99: s.p99, delivered: frac, serverCpu: run.serverCpu, clientCpu: run.clientCpu, ok })
      if (!ok) break
      best = rate
      await sleep(300)
    }
    ceilings[server.kind] = best
  }
  data.ramp = { roomSize: c.rampRoomSize, boundMs: c.rampP99BoundMs, steps, ceilings }
  const top = c.rampRates[c.rampRates.length - 1]
  const fmtCeil = (v: number) => (v === top ? `≥ ${count(v, '/s')}` : v === 0 ? `< ${count(c.rampRates[0], '/s')}` : count(v, '/s'))
  rows.push(
    row({
      bench: `throughput ${c.rampRoomSize} clients`,
      metric: `writer rate with p99 ≤ ${c.rampP99BoundMs} ms`,
      ours: fmtCeil(ceilings.ours),
      reference: fmtCeil(ceilings.reference),
      ratio: ratioText(ratio(ceilings.ours, ceilings.reference)),
      target: 'higher is better',
      status: 'info',
    }),
  )
  notes.push(
    `Fan-out: one writer at ${c.rate} updates/s, awareness from every client at ${c.awarenessHz} Hz, ${c.seconds} s measured after ${c.warmupSeconds} s warm-up, ${c.rounds} round(s) per server in ABBA order${control ? ', with a second reference process as a control (its ratio to the first is the noise floor)' : ''}; all clients in the bench process (its CPU and event-loop delay are shown, since a saturated client process inflates both servers' figures).`,
    `Throughput ramp: rates ${c.rampRates.join(', ')}/s, ${c.rampStepSeconds} s each; a step passes when p99 ≤ ${c.rampP99BoundMs} ms, ≥ 99.9% delivered within 3 s and the writer kept up. Our server runs with its per-connection flood limit raised (FLOOD_RATE) so the ramp measures capacity; by default a single connection is closed above 300 msg/s sustained.`,
  )
  return { name: 'fanout', rows, data, notes }
}
