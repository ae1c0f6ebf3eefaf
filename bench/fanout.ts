// 1. Fan-out latency. A room of N clients on loopback on each server: one writer at a fixed rate, every
// client sending awareness at 10 Hz on its own clock, every other client timing each update's trip (see
// lib/fanout-room.ts).
// Each server runs as FANOUT_PROCESSES processes, all taking turns in short slices (rotating order) while
// their rooms stay connected, so a busy spell of this shared machine falls on all of them alike. A server's
// figures pool its processes, because one process can stay slower than another of the same code for its whole
// life (where the JIT and the scheduler put it; bench/README.md), which no number of slices averages out. The
// ratio between a server's first two processes is shown as the noise floor. FANOUT_CONTROL_DIR=<checkout> adds
// our server from another checkout, to A/B a change in the same turns; FANOUT_BARE=1 adds a relay that
// does nothing (lib/bare-relay.cjs), to show how far below the reference any server could get. Then a ramp:
// the writer rate doubles until p99 passes a bound or updates are not all delivered; the last rate that
// passed is the throughput ceiling.
import { config } from './lib/config'
import { keepAwake } from './lib/keep-awake'
import { startPauseWitness, type PauseWitness } from './lib/pause-witness'
import { longest, type Pause, sharedShare } from './lib/pauses'
import { openFanoutRoom, runRoomsInTurns, type SliceResult } from './lib/fanout-room'
import { ms, count, pct, ratioText } from './lib/format'
import { check, row, type BenchResult } from './lib/result'
import type { ServerProc } from './lib/servers'
import { sleep, startBareRelay, startOurs, startReference } from './lib/servers'
import { median, pairedRatioInterval, ratio, summarize, type Summary } from './lib/stats'

/** Our server's SQLite synchronous mode in this run (SQLITE_SYNCHRONOUS is passed through to it; with
 *  BENCH_OURS_DIR set to an older checkout, that checkout's own default applies). */
const SYNCHRONOUS = process.env.BENCH_OURS_DIR ? "that checkout's" : (process.env.SQLITE_SYNCHRONOUS?.trim().toLowerCase() || 'normal')

/** Unmeasured time at the start of each slice, so the previous slice's traffic has settled. */
const SLICE_SETTLE_MS = 100

/** One room on one server, run as a single stretch (the throughput ramp). */
async function runRoom(
  server: ServerProc,
  opts: { roomSize: number; rate: number; seconds: number; warmupSeconds: number; awarenessHz: number },
): Promise<SliceResult> {
  const room = await openFanoutRoom(server, opts.roomSize)
  try {
    return await room.runSlice({ rate: opts.rate, awarenessHz: opts.awarenessHz, warmupMs: opts.warmupSeconds * 1000, measureMs: opts.seconds * 1000 })
  } finally {
    await room.close()
  }
}

interface Merged {
  summary: Summary
  delivered: number
  expected: number
  serverCpu: number
  clientCpu: number
  clientLoopDelayP99: number
  /** Server GC: pause time per second, longest pause; event-loop delay: median of the slices' p99, max. */
  serverGcMsPerSecond: number
  serverGcMaxMs: number
  serverLoopP99Ms: number
  serverLoopMaxMs: number
  /** The server's longest stall over all slices, and when it ended. */
  serverLongest: Pause
}

function merge(slices: SliceResult[]): Merged {
  const sum = (f: (r: SliceResult) => number) => slices.reduce((s, r) => s + f(r), 0)
  const wall = sum((r) => r.wall)
  return {
    summary: summarize(slices.flatMap((r) => r.latencies)),
    delivered: sum((r) => r.delivered),
    expected: sum((r) => r.expected),
    serverCpu: sum((r) => r.serverCpuSeconds) / wall,
    clientCpu: sum((r) => r.clientCpuSeconds) / wall,
    clientLoopDelayP99: Math.max(...slices.map((r) => r.clientLoopDelayP99)),
    serverGcMsPerSecond: sum((r) => r.serverStalls.gcMs) / wall,
    serverGcMaxMs: Math.max(...slices.map((r) => r.serverStalls.gcMaxMs)),
    serverLoopP99Ms: median(slices.map((r) => r.serverStalls.loopP99Ms)),
    serverLoopMaxMs: Math.max(...slices.map((r) => r.serverStalls.loopMaxMs)),
    serverLongest: longest(slices.map((r) => r.serverStalls.longest)) ?? { ms: 0, endedAt: 0 },
  }
}

const stallText = (m: Merged) =>
  `${m.serverGcMsPerSecond.toFixed(1)}, ${ms(m.serverGcMaxMs)} / ${ms(m.serverLoopP99Ms)}, ${ms(m.serverLoopMaxMs)}`

const bystanderText = (witness: PauseWitness) => {
  const seen = witness.all()
  const top = longest(seen)
  return top ? `${seen.length}, ${ms(top.ms)}` : '0'
}

/** Stalls from here on are set beside what the bystander saw (below it, both are the scheduler's usual). */
const WITNESSED_STALL_MS = 50

/** "1,061 ms at 03:55:12 UTC; the bystander was kept from running for 97% of it": a server's longest stall, and
 *  whether the machine paused then (the bystander process, lib/pause-witness.ts, was held up too) or only
 *  the server did. */
function longestStallText(m: Merged, witness: PauseWitness): string {
  const stall = m.serverLongest
  if (stall.ms < WITNESSED_STALL_MS) return `${ms(stall.ms)}`
  const at = new Date(stall.endedAt).toISOString().slice(11, 19)
  const share = sharedShare(stall, witness.all())
  return `${ms(stall.ms)} at ${at} UTC; the bystander was kept from running for ${pct(share)} of it`
}

interface RampStep {
  rate: number
  achieved: number
  p50: number
  p99: number
  delivered: number
  serverCpu: number
  clientCpu: number
  ok: boolean
  keptUp: boolean
}
/** "1,600/s: 5.3 ms, 3,200/s: 7.3 ms": the ramp's p99 from 1,600/s up, where the servers part. */
const rampP99s = (steps: RampStep[]) =>
  steps
    .filter((s) => s.rate >= 1600)
    .map((s) => `${count(s.rate, '/s')}: ${ms(s.p99)}`)
    .join(', ')

/** The p99 of the latencies of some slices, pooled. */
const p99Of = (slices: SliceResult[]) => summarize(slices.flatMap((r) => r.latencies)).p99

/** The p99 of `a`'s latencies over `b`'s, round by round. */
function roundRatios(a: SliceResult[][], b: SliceResult[][]): string {
  return a.map((round, i) => ratioText(ratio(p99Of(round), p99Of(b[i])))).join(', ')
}

/** The 95% interval of `a`'s p99 over `b`'s, resampling the slices they took in turns. */
function p99Interval(a: SliceResult[][], b: SliceResult[][]): string {
  const [lo, hi] = pairedRatioInterval(
    a.flat().map((s) => s.latencies),
    b.flat().map((s) => s.latencies),
    99,
  )
  return `${ratioText(lo)}–${ratioText(hi)}`
}

/** Rooms of `size` on every server, taking turns slice by slice (lib/fanout-room.ts); per server, per round,
 *  its slices. */
function runInTurns(servers: ServerProc[], size: number, label: (s: ServerProc) => string, log: (s: string) => void): Promise<SliceResult[][][]> {
  const c = config.fanout
  return runRoomsInTurns(servers, (server) => openFanoutRoom(server, size), { ...c, settleMs: SLICE_SETTLE_MS }, (round) =>
    log(`  fan-out: ${size} clients, ${c.rate}/s, round ${round + 1}/${c.rounds}: ${servers.map(label).join(', ')} in turns of ${c.sliceSeconds} s`),
  )
}

/** One server under test as its processes (FANOUT_PROCESSES of them), pooled in the table. */
interface Group {
  name: 'reference' | 'ours' | 'control' | 'bare'
  procs: ServerProc[]
}

/** Starts `n` processes; if one fails, stops those already running. */
async function startGroup(name: Group['name'], n: number, start: () => Promise<ServerProc>): Promise<Group> {
  const procs: ServerProc[] = []
  try {
    for (let i = 0; i < n; i++) procs.push(await start())
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()))
    throw err
  }
  return { name, procs }
}

export async function fanoutBench(log: (s: string) => void): Promise<BenchResult> {
  const n = config.fanout.processes
  // FANOUT_CONTROL_DIR=<another checkout>: our server from there takes turns too (an A/B of a change).
  const controlDir = process.env.FANOUT_CONTROL_DIR
  const bareWanted = process.env.FANOUT_BARE === '1'
  const groups: Group[] = []
  try {
    groups.push(await startGroup('reference', n, () => startReference()))
    // startOurs raises the flood limit (300 msg/s per connection by default), which would close the ramp's writer.
    groups.push(await startGroup('ours', n, () => startOurs()))
    if (controlDir) groups.push(await startGroup('control', n, () => startOurs({ dir: controlDir })))
    // FANOUT_BARE=1: a relay that does nothing (lib/bare-relay.cjs) takes turns too: how far below the
    // reference any server could get in this run.
    if (bareWanted) groups.push(await startGroup('bare', n, () => startBareRelay()))
    return await measure(groups, controlDir ?? null, log)
  } finally {
    await Promise.all(groups.flatMap((g) => g.procs.map((p) => p.stop())))
  }
}

/** Each round's slices of all of a group's processes together, process by process in the same order for every
 *  group, so slice i of one group ran in the same cycle of turns as slice i of another. */
function pooledRounds(group: Group, results: Map<ServerProc, SliceResult[][]>): SliceResult[][] {
  const perProc = group.procs.map((p) => results.get(p)!)
  return perProc[0].map((_, round) => perProc.flatMap((rounds) => rounds[round]))
}

/** "0.93× (95% interval 0.80×–1.08×; rounds: …)": `a`'s p99 over `b`'s, for the noise-floor and control rows. */
function ratioWithInterval(a: SliceResult[][], b: SliceResult[][]): string {
  return `${ratioText(ratio(p99Of(a.flat()), p99Of(b.flat())))} (95% interval ${p99Interval(a, b)}; rounds: ${roundRatios(a, b)})`
}

async function measure(groups: Group[], controlDir: string | null, log: (s: string) => void): Promise<BenchResult> {
  const c = config.fanout
  const rows = []
  const data: Record<string, unknown> = {}
  const notes: string[] = []
  const [reference, ours] = groups
  const control = groups.find((g) => g.name === 'control') ?? null
  const bare = groups.find((g) => g.name === 'bare') ?? null
  // Interleaved (reference 1, ours 1, reference 2, ours 2…): in rotating turns each process follows each other
  // server's processes equally often.
  const servers = groups[0].procs.flatMap((_, i) => groups.map((g) => g.procs[i]))
  const label = (server: ServerProc) => {
    const g = groups.find((g) => g.procs.includes(server))!
    return g.procs.length > 1 ? `${g.name} ${g.procs.indexOf(server) + 1}` : g.name
  }
  for (const size of c.roomSizes) {
    const before = await Promise.all(ours.procs.map((p) => p.metrics()))
    // Only while latency is measured at a workshop's rate, when the machine is mostly idle: under the ramp's
    // load nothing idles, and spinners there only get in the way of the scheduler.
    const awake = keepAwake(c.keepAwake)
    const witness = startPauseWitness(WITNESSED_STALL_MS)
    const results = await runInTurns(servers, size, label, log).finally(() => Promise.all([awake.stop(), witness.stop()]))
    const byServer = new Map(servers.map((s, i) => [s, results[i]]))
    data.keepAwake = awake.how
    const after = await Promise.all(ours.procs.map((p) => p.metrics()))
    const d = (k: string) => after.reduce((sum, m, i) => sum + (m.get(k) ?? NaN) - (before[i].get(k) ?? NaN), 0)
    const storeWriteMeanMs = (d('outcome_board_store_write_seconds_sum') / d('outcome_board_store_write_seconds_count')) * 1000
    const refRounds = pooledRounds(reference, byServer)
    const ourRounds = pooledRounds(ours, byServer)
    const controlRounds = control ? pooledRounds(control, byServer) : null
    const bareRounds = bare ? pooledRounds(bare, byServer) : null
    const o = merge(ourRounds.flat())
    const r = merge(refRounds.flat())
    const k = controlRounds ? merge(controlRounds.flat()) : null
    data[`room${size}`] = { ours: o, reference: r, ...(k ? { control: k } : {}), processes: c.processes, storeWriteMeanMs }
    const p99Ratio = ratio(o.summary.p99, r.summary.p99)
    const bench = `fan-out ${size} clients`
    // A server's 2nd process over its 1st: what the same code measures as from one process to another.
    const processToProcess = (g: Group) => {
      const [first, second] = g.procs.map((p) => byServer.get(p)!)
      return `${g.name} 2 / ${g.name} 1: ${ratioWithInterval(second, first)}`
    }
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
      // The same ratio round by round: how much it moves with the machine rather than with the servers.
      row({ bench, metric: 'p99 ratio, round by round', ratio: roundRatios(ourRounds, refRounds), status: 'info' }),
      // How far the ratio could be from this run's by chance: a bootstrap over the slices, paired in time.
      row({ bench, metric: 'p99 ratio, 95% interval (bootstrap over slices)', ratio: p99Interval(ourRounds, refRounds), status: 'info' }),
      ...(c.processes >= 2
        ? [row({ bench, metric: 'noise floor: p99 from process to process', ratio: `${processToProcess(reference)}; ${processToProcess(ours)}`, status: 'info' })]
        : []),
      ...(control && k && controlRounds
        ? [
            row({
              bench,
              metric: `control: ours from ${controlDir} / the reference, p99`,
              reference: ms(k.summary.p99),
              ratio: ratioWithInterval(controlRounds, refRounds),
              status: 'info',
            }),
            row({ bench, metric: 'control: server stalls (as above)', reference: stallText(k), status: 'info' }),
          ]
        : []),
      ...(bareRounds
        ? [
            row({
              bench,
              metric: 'bare relay: one that does nothing (lib/bare-relay.cjs) / the reference, p99',
              reference: ms(p99Of(bareRounds.flat())),
              ratio: ratioWithInterval(bareRounds, refRounds),
              status: 'info',
            }),
          ]
        : []),
      row({ bench, metric: 'delivered', ours: pct(o.delivered / o.expected), reference: pct(r.delivered / r.expected), status: 'info' }),
      row({ bench, metric: 'CPUs kept from idling (lib/keep-awake.ts)', ours: awake.how, reference: awake.how, status: 'info' }),
      row({ bench, metric: `SQLite append mean (synchronous=${SYNCHRONOUS})`, ours: ms(storeWriteMeanMs), reference: 'n/a', status: 'info' }),
      row({ bench, metric: 'server CPU (cores)', ours: count(o.serverCpu), reference: count(r.serverCpu), ratio: ratioText(ratio(o.serverCpu, r.serverCpu)), status: 'info' }),
      row({
        bench,
        metric: 'server stalls: GC ms/s, longest GC / loop delay p99, max',
        ours: stallText(o),
        reference: stallText(r),
        status: 'info',
      }),
      row({
        bench,
        metric: 'longest server stall (vs a bystander process)',
        ours: longestStallText(o, witness),
        reference: longestStallText(r, witness),
        status: 'info',
      }),
      row({
        bench,
        metric: `bystander process: pauses ≥ ${WITNESSED_STALL_MS} ms, longest`,
        ratio: bystanderText(witness),
        status: 'info',
      }),
      row({
        bench,
        metric: 'client process CPU / loop p99',
        ours: `${count(o.clientCpu)} / ${ms(o.clientLoopDelayP99)}`,
        reference: `${count(r.clientCpu)} / ${ms(r.clientLoopDelayP99)}`,
        status: 'info',
      }),
    )
  }

  // Throughput ceiling: ramp the writer's rate, both servers (their first processes) step by step in turns
  // (alternating which goes first); a server stops at its first step that misses the bound.
  const [refProc, ourProc] = [reference.procs[0], ours.procs[0]]
  const ceilings: Record<string, number> = { reference: 0, ours: 0 }
  // A step where the writer (in this process) could not keep up says nothing about the server: the climb
  // stops there, and the ceiling is shown as at least the last rate that passed.
  const benchLimited: Record<string, number | null> = { reference: null, ours: null }
  const steps: Record<string, RampStep[]> = { ours: [], reference: [] }
  const climbing = new Set([refProc, ourProc])
  for (const [i, rate] of c.rampRates.entries()) {
    for (const server of i % 2 === 0 ? [refProc, ourProc] : [ourProc, refProc]) {
      if (!climbing.has(server)) continue
      log(`  ramp: ${server.kind}, ${c.rampRoomSize} clients, ${rate}/s`)
      const run = await runRoom(server, { roomSize: c.rampRoomSize, rate, seconds: c.rampStepSeconds, warmupSeconds: 0.5, awarenessHz: c.awarenessHz })
      const s = summarize(run.latencies)
      const frac = run.expected ? run.delivered / run.expected : 0
      const achieved = run.sent / run.wall
      const keptUp = achieved >= rate * 0.95
      const ok = s.p99 <= c.rampP99BoundMs && frac >= 0.999 && keptUp
      const cpu = { serverCpu: run.serverCpuSeconds / run.wall, clientCpu: run.clientCpuSeconds / run.wall }
      steps[server.kind].push({ rate, achieved, p50: s.p50, p99: s.p99, delivered: frac, ...cpu, ok, keptUp })
      if (ok) ceilings[server.kind] = rate
      else {
        if (!keptUp) benchLimited[server.kind] = rate
        climbing.delete(server)
      }
      await sleep(300)
    }
  }
  data.ramp = { roomSize: c.rampRoomSize, boundMs: c.rampP99BoundMs, steps, ceilings, benchLimited }
  const top = c.rampRates[c.rampRates.length - 1]
  const fmtCeil = (kind: string) => {
    const v = ceilings[kind]
    const limit = benchLimited[kind]
    if (limit !== null) return `≥ ${count(v, '/s')} (the bench's writer fell behind at ${count(limit, '/s')})`
    return v === top ? `≥ ${count(v, '/s')}` : v === 0 ? `< ${count(c.rampRates[0], '/s')}` : count(v, '/s')
  }
  const comparable = benchLimited.ours === null && benchLimited.reference === null
  rows.push(
    row({
      bench: `throughput ${c.rampRoomSize} clients`,
      metric: `writer rate with p99 ≤ ${c.rampP99BoundMs} ms`,
      ours: fmtCeil('ours'),
      reference: fmtCeil('reference'),
      ratio: comparable ? ratioText(ratio(ceilings.ours, ceilings.reference)) : '',
      target: 'higher is better',
      status: 'info',
    }),
    row({
      bench: `throughput ${c.rampRoomSize} clients`,
      metric: 'p99 at the upper rates',
      ours: rampP99s(steps.ours),
      reference: rampP99s(steps.reference),
      status: 'info',
    }),
  )
  notes.push(
    `Fan-out: one writer at ${c.rate} updates/s, awareness from every client at ${c.awarenessHz} Hz; ${c.processes} process(es) each of the reference${control ? `, ours and ours from ${controlDir} (the control)` : ' and ours'}, a room on each, connected throughout, taking turns of ${c.sliceSeconds} s (in rotating order, the first ${SLICE_SETTLE_MS} ms of each turn not measured) after a ${c.warmupSeconds} s warm-up each: ${c.rounds} round(s) of ${c.seconds} s measured per process; a server's figures pool its processes, and "noise floor" is the ratio of a server's 2nd process to its 1st. All clients are in the bench process (its CPU and event-loop delay are shown, since a saturated client process inflates both servers' figures).`,
    `CPUs kept awake during the fan-out rounds (not the ramp): ${String(data.keepAwake)}. An idle CPU of these VMs halts at once and takes the host a while to wake (tens to hundreds of µs, more on a busy host), which favoured whichever server kept the machine busier; FANOUT_KEEP_AWAKE=0 measures without.`,
    `Throughput ramp: rates ${c.rampRates.join(', ')}/s, ${c.rampStepSeconds} s each, the two servers in turns at each rate; a step passes when p99 ≤ ${c.rampP99BoundMs} ms, ≥ 99.9% delivered within 3 s and the writer kept up (≥ 95% of the rate; when it did not, the bench process was the limit and the climb stops there). Our server runs with its per-connection flood limit raised (FLOOD_RATE) so the ramp measures capacity; by default a single connection is closed above 300 msg/s sustained.`,
  )
  return { name: 'fanout', rows, data, notes }
}
