// 7. Several processes (README, "Running several processes"): two of our server processes on one throwaway
// PostgreSQL database and a Redis of their own (lib/cluster.ts, as tests/integration/processes.test.ts), with
// nginx in front started from deploy/nginx.conf.example, side by side with one of our processes on SQLite
// and the reference (@y/websocket-server). Four fan-out rooms (lib/fanout-room.ts: one writer at a fixed rate,
// awareness from every client, every other client timing each update's trip) take turns slice by slice:
//  - 2 processes via nginx: every client connects to nginx (round-robin), so the room is split across the
//    two processes as nginx chooses; which process each client landed on is read from the processes'
//    connection counts as the clients connect one by one;
//  - 2 processes direct: client i connects to process i mod 2 (the writer to the first);
//  - 1 process on SQLite, and the reference: all clients on the one process.
// In the split rooms, a delivery to a client on the other process than the writer's is cross-process (stored
// in PostgreSQL by the writer's process, published through Redis, applied and relayed by the other); those
// are also shown on their own. Every delivery is counted (an update none of a room's receivers missed).
// PostgreSQL append times are the servers' own store-write histogram (/metrics), read before and after.
// Then throughput, as in the storage bench: updates/s acknowledged, a writer keeping a window in flight and
// an observer (on the other process for the split rooms) receiving each one.
import { config } from './lib/config'
import { createDatabase, NGINX, onSignalCleanup, postgresUp, REDIS, type Started, startNginx, startRedis, type TempDatabase } from './lib/cluster'
import { type FanoutRoom, openFanoutRoom, runRoomsInTurns, type SliceResult } from './lib/fanout-room'
import { count, ms, ratioText } from './lib/format'
import { longest } from './lib/pauses'
import { check, row, type BenchResult } from './lib/result'
import { freePort, type Room, type ServerProc, sleep, startOurs, startReference, type Stalls } from './lib/servers'
import { histogramQuantile, pairedRatioInterval, pooledPercentileInterval, ratio, summarize } from './lib/stats'
import { type BenchClient, closeAll, connectClient, withTimeout } from './lib/yclient'
import { openPair, type Pair, pump } from './storage'

/** Unmeasured time at the start of each slice, so the previous slice's traffic has settled. */
const SLICE_SETTLE_MS = 100
const CROSS_P99_BOUND_MS = 100

/** Our processes, seen as one server by the fan-out room: a room made on the first, its clients spread by
 *  `clientUrl`; CPU summed; stalls merged (sums of GC, the worst loop delay). */
function asOneServer(procs: ServerProc[], clientUrl: (room: Room, i: number) => string): ServerProc {
  const merge = (all: Stalls[]): Stalls => ({
    gcCount: all.reduce((s, x) => s + x.gcCount, 0),
    gcMs: all.reduce((s, x) => s + x.gcMs, 0),
    gcMaxMs: Math.max(...all.map((x) => x.gcMaxMs)),
    loopP99Ms: Math.max(...all.map((x) => x.loopP99Ms)),
    loopMaxMs: Math.max(...all.map((x) => x.loopMaxMs)),
    longest: longest(all.map((x) => x.longest)) ?? { ms: 0, endedAt: 0 },
  })
  return {
    ...procs[0],
    async createRoom() {
      const room = await procs[0].createRoom()
      return { ...room, clientUrl: (i) => clientUrl(room, i) }
    },
    stalls: async (reset) => merge(await Promise.all(procs.map((p) => p.stalls(reset)))),
    cpuSeconds: () => procs.reduce((s, p) => s + p.cpuSeconds(), 0),
    output: () => procs.map((p) => p.output()).join('\n'),
    stop: async () => {
      await Promise.all(procs.map((p) => p.stop()))
    },
  }
}

/** The room's websocket URL on another port (same board, same token). */
const onPort = (wsUrl: string, port: number) => {
  const u = new URL(wsUrl)
  u.port = String(port)
  return u.toString()
}

const connections = async (p: ServerProc) => (await p.metrics()).get('outcome_board_connections') ?? Number.NaN

/** Connects through nginx one client at a time and records which process each landed on (`placement[i]`:
 *  the index of the process whose connection count went up by one; -1 if that could not be told). */
function connectThroughNginx(procs: ServerProc[], placement: number[]) {
  return async (room: Room, n: number): Promise<BenchClient[]> => {
    const clients: BenchClient[] = []
    try {
      let before = await Promise.all(procs.map(connections))
      for (let i = 0; i < n; i++) {
        const c = connectClient(room.clientUrl!(i), { applyAfterReceipt: true })
        clients.push(c)
        await withTimeout(c.synced, 20_000, `client ${i} sync through nginx`)
        const after = await Promise.all(procs.map(connections))
        const up = after.map((a, k) => a - before[k])
        placement[i] = up.filter((d) => d !== 0).length === 1 && up.indexOf(1) >= 0 ? up.indexOf(1) : -1
        before = after
      }
    } catch (err) {
      await closeAll(clients)
      throw err
    }
    return clients
  }
}

interface Split {
  /** Latencies of deliveries to clients on the writer's process / on the other one. */
  same: number[]
  cross: number[]
  /** Receivers on the other process (and on neither, when placement could not be told). */
  crossReceivers: number
  unplaced: number
}

/** A fan-out room whose slices also split their deliveries by where the receiver was (`placement`, filled
 *  in by the time the room is open). */
async function openSplitRoom(server: ServerProc, size: number, placement: number[], connect?: (room: Room, n: number) => Promise<BenchClient[]>) {
  const splits: Split[] = []
  let current: Split = { same: [], cross: [], crossReceivers: 0, unplaced: 0 }
  const room = await openFanoutRoom(server, size, {
    connect,
    onDelivery: (_seq, sent, arrival, client) => (placement[client] === placement[0] ? current.same : current.cross).push(arrival - sent),
  })
  const receivers = placement.slice(1, size)
  const wrapped: FanoutRoom = {
    ...room,
    async runSlice(opts) {
      current = {
        same: [],
        cross: [],
        crossReceivers: receivers.filter((p) => p !== placement[0]).length,
        unplaced: receivers.filter((p) => p < 0).length,
      }
      const result = await room.runSlice(opts)
      if (opts.measureMs > 0) splits.push(current)
      return result
    },
  }
  return { room: wrapped, splits }
}

/** Store-write histogram buckets (cumulative counts, seconds) summed over processes, `after` minus `before`. */
function storeWriteBuckets(before: Map<string, number>[], after: Map<string, number>[]) {
  const buckets = new Map<number, number>()
  let sum = 0
  after.forEach((m, i) => {
    for (const [k, v] of m) {
      const match = /^outcome_board_store_write_seconds_bucket\{le="([^"]+)"\}$/.exec(k)
      if (match) {
        const le = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1])
        buckets.set(le, (buckets.get(le) ?? 0) + v - (before[i].get(k) ?? 0))
      }
    }
    sum += (m.get('outcome_board_store_write_seconds_sum') ?? NaN) - (before[i].get('outcome_board_store_write_seconds_sum') ?? NaN)
  })
  const list = [...buckets].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le)
  const n = list[list.length - 1]?.count ?? 0
  const q = (p: number) => histogramQuantile(list, p) * 1000
  return { n, p50: q(50), p99: q(99), meanMs: (sum / n) * 1000, buckets: list }
}

/** "1.6 ms (in 1–2.5 ms)": an interpolated quantile and the bucket it lies in. */
function bucketText(ms_: number, buckets: { le: number }[]): string {
  if (!Number.isFinite(ms_)) return Number.isNaN(ms_) ? '–' : `> ${ms(buckets[buckets.length - 2].le * 1000)}`
  const s = ms_ / 1000
  const i = buckets.findIndex((b) => b.le >= s)
  const lo = i > 0 ? buckets[i - 1].le * 1000 : 0
  return `${ms(ms_)} (bucket ${ms(lo)}–${ms(buckets[i].le * 1000)})`
}

const flat = (rounds: SliceResult[][]) => rounds.flat()
const intervalText = ([lo, hi]: [number, number]) => `${ms(lo)}–${ms(hi)}`
const ratioInterval = ([lo, hi]: [number, number]) => `${ratioText(lo)}–${ratioText(hi)}`

export async function processesBench(log: (s: string) => void): Promise<BenchResult> {
  const missing = [!NGINX && 'nginx', !REDIS && 'redis-server', !(await postgresUp()) && 'PostgreSQL on 127.0.0.1:5432'].filter(Boolean)
  if (missing.length) throw new Error(`the processes bench needs ${missing.join(', ')}`)
  let db: TempDatabase | null = null
  let redis: Started | null = null
  let nginx: Started | null = null
  const servers: ServerProc[] = []
  const cleanup = async () => {
    // Each step on its own: one that fails does not keep the others from running.
    await nginx?.stop().catch((err) => log(`  cleanup: nginx: ${String(err)}`))
    await Promise.all(servers.map((s) => s.stop().catch((err) => log(`  cleanup: ${s.kind} server: ${String(err)}`))))
    await redis?.stop().catch((err) => log(`  cleanup: redis-server: ${String(err)}`))
    await db?.drop().catch((err) => log(`  cleanup: database: ${String(err)}`))
  }
  const offSignal = onSignalCleanup(cleanup)
  try {
    db = await createDatabase('ob_bench')
    redis = await startRedis(await freePort())
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, TRUST_PROXY: '127.0.0.1' }
    const pgA = await startOurs({ env })
    servers.push(pgA)
    const pgB = await startOurs({ env })
    servers.push(pgB)
    const sqlite = await startOurs()
    servers.push(sqlite)
    const reference = await startReference()
    servers.push(reference)
    const nginxPort = await freePort()
    nginx = await startNginx(nginxPort, [pgA.port, pgB.port])
    log(`  processes: PostgreSQL database ${new URL(db.url).pathname.slice(1)}, redis-server pid ${redis.proc.pid}, nginx pid ${nginx.proc.pid}, servers ${servers.map((s) => s.pid).join(', ')}`)
    return await measure({ pg: [pgA, pgB], sqlite, reference, nginxPort }, log)
  } finally {
    offSignal()
    await cleanup()
  }
}

interface Setup {
  pg: ServerProc[]
  sqlite: ServerProc
  reference: ServerProc
  nginxPort: number
}

async function measure({ pg, sqlite, reference, nginxPort }: Setup, log: (s: string) => void): Promise<BenchResult> {
  const c = config.processes
  const size = c.roomSize
  const viaNginx = asOneServer(pg, (room) => onPort(room.wsUrl, nginxPort))
  const direct = asOneServer(pg, (room, i) => onPort(room.wsUrl, pg[i % pg.length].port))
  const nginxPlacement: number[] = []
  const directPlacement = Array.from({ length: size }, (_, i) => i % pg.length)
  const split = new Map<ServerProc, Split[]>()
  const names = new Map<ServerProc, string>([
    [viaNginx, '2 processes via nginx'],
    [direct, '2 processes direct'],
    [sqlite, '1 process, SQLite'],
    [reference, 'reference'],
  ])
  const turnServers = [viaNginx, direct, sqlite, reference]
  const pgBefore = await Promise.all(pg.map((p) => p.metrics()))
  const sqliteBefore = [await sqlite.metrics()]
  const open = async (server: ServerProc): Promise<FanoutRoom> => {
    if (server === viaNginx || server === direct) {
      const placement = server === viaNginx ? nginxPlacement : directPlacement
      const { room, splits } = await openSplitRoom(server, size, placement, server === viaNginx ? connectThroughNginx(pg, nginxPlacement) : undefined)
      split.set(server, splits)
      return room
    }
    return openFanoutRoom(server, size)
  }
  const results = await runRoomsInTurns(turnServers, open, { ...c, settleMs: SLICE_SETTLE_MS }, (round) =>
    log(`  processes: ${size} clients, ${c.rate}/s, round ${round + 1}/${c.rounds}: ${turnServers.map((s) => names.get(s)).join(', ')} in turns of ${c.sliceSeconds} s`),
  )
  const pgAppends = storeWriteBuckets(pgBefore, await Promise.all(pg.map((p) => p.metrics())))
  const sqliteAppends = storeWriteBuckets(sqliteBefore, [await sqlite.metrics()])
  const byServer = new Map(turnServers.map((s, i) => [s, results[i]]))
  const refSlices = flat(byServer.get(reference)!)
  const ref = summarize(refSlices.flatMap((s) => s.latencies))
  const rows = []
  const data: Record<string, unknown> = { roomSize: size, nginxPlacement }
  const bench = `processes ${size} clients`
  const placedOnB = nginxPlacement.filter((p) => p === 1).length
  for (const server of turnServers) {
    const slices = flat(byServer.get(server)!)
    const name = names.get(server)!
    const all = summarize(slices.flatMap((s) => s.latencies))
    const delivered = slices.reduce((s, r) => s + r.delivered, 0)
    const expected = slices.reduce((s, r) => s + r.expected, 0)
    const cpu = slices.reduce((s, r) => s + r.serverCpuSeconds, 0) / slices.reduce((s, r) => s + r.wall, 0)
    const entry: Record<string, unknown> = { all, delivered, expected, serverCpu: cpu }
    if (server === reference) {
      rows.push(
        row({ bench, metric: 'reference: p50 / p99 send→receipt', reference: `${ms(ref.p50)} / ${ms(ref.p99)}`, ratio: '', status: 'info' }),
        row({ bench, metric: 'reference: delivered', reference: `${count(delivered)} / ${count(expected)}`, status: 'info' }),
      )
      data[name] = entry
      continue
    }
    const p99Interval = pooledPercentileInterval(slices.map((s) => s.latencies), 99)
    const vsRef = pairedRatioInterval(
      slices.map((s) => s.latencies),
      refSlices.map((s) => s.latencies),
      99,
    )
    rows.push(
      row({ bench, metric: `${name}: p50 send→receipt (all deliveries)`, ours: ms(all.p50), reference: ms(ref.p50), ratio: ratioText(ratio(all.p50, ref.p50)), status: 'info' }),
      row({
        bench,
        metric: `${name}: p99 send→receipt (all; 95% interval)`,
        ours: `${ms(all.p99)} (${intervalText(p99Interval)})`,
        reference: ms(ref.p99),
        ratio: `${ratioText(ratio(all.p99, ref.p99))} (${ratioInterval(vsRef)})`,
        status: 'info',
      }),
    )
    const splits = split.get(server)
    if (splits) {
      const cross = splits.map((s) => s.cross)
      const same = splits.map((s) => s.same)
      const cs = summarize(cross.flat())
      const ss = summarize(same.flat())
      const crossExpected = slices.reduce((s, r, i) => s + r.sent * splits[i].crossReceivers, 0)
      const crossInterval = pooledPercentileInterval(cross, 99)
      const unplaced = splits[0]?.unplaced ?? 0
      Object.assign(entry, { cross: cs, same: ss, crossDelivered: cs.n, crossExpected, crossP99Interval: crossInterval, unplaced })
      rows.push(
        row({
          bench,
          metric: `${name}: cross-process p50 / p99 (95% interval)`,
          ours: `${ms(cs.p50)} / ${ms(cs.p99)} (${intervalText(crossInterval)})`,
          reference: ms(ref.p99),
          target: `p99 < ${CROSS_P99_BOUND_MS} ms (aim < 10 ms)`,
          status: check(cs.n > 0 ? cs.p99 < CROSS_P99_BOUND_MS : null),
        }),
        row({ bench, metric: `${name}: same-process p50 / p99`, ours: `${ms(ss.p50)} / ${ms(ss.p99)}`, status: 'info' }),
        row({
          bench,
          metric: `${name}: cross-process deliveries`,
          ours: `${count(cs.n)} / ${count(crossExpected)}${unplaced ? ` (${unplaced} receivers unplaced)` : ''}`,
          target: 'none lost',
          status: check(crossExpected > 0 ? cs.n === crossExpected : null),
        }),
      )
      if (server === viaNginx)
        rows.push(row({ bench, metric: `${name}: clients per process (nginx round-robin)`, ours: `${size - placedOnB - nginxPlacement.filter((p) => p < 0).length} + ${placedOnB}`, status: 'info' }))
    }
    rows.push(
      row({ bench, metric: `${name}: delivered (all)`, ours: `${count(delivered)} / ${count(expected)}`, reference: '', target: 'none lost', status: check(expected > 0 ? delivered === expected : null) }),
      row({ bench, metric: `${name}: server CPU (cores, summed)`, ours: count(cpu), status: 'info' }),
    )
    data[name] = entry
  }
  rows.push(
    row({
      bench,
      metric: 'PostgreSQL append p50 / p99 (2 processes, /metrics histogram, interpolated)',
      ours: `${bucketText(pgAppends.p50, pgAppends.buckets)} / ${bucketText(pgAppends.p99, pgAppends.buckets)}; mean ${ms(pgAppends.meanMs)}; ${count(pgAppends.n)} appends`,
      status: 'info',
    }),
    row({
      bench,
      metric: 'SQLite append p50 / p99 (1 process, same histogram)',
      ours: `${bucketText(sqliteAppends.p50, sqliteAppends.buckets)} / ${bucketText(sqliteAppends.p99, sqliteAppends.buckets)}; mean ${ms(sqliteAppends.meanMs)}; ${count(sqliteAppends.n)} appends`,
      status: 'info',
    }),
  )
  data.pgAppends = pgAppends
  data.sqliteAppends = sqliteAppends

  // Throughput: a writer and an observer per configuration, in turns (rotating order) round by round.
  const configs: [string, ServerProc][] = [
    ['2 processes, writer on one, observer on the other', direct],
    ['1 PostgreSQL process, both on it', pg[0]],
    ['1 process, SQLite', sqlite],
    ['reference', reference],
  ]
  const rates = new Map<string, number[]>(configs.map(([n]) => [n, []]))
  for (let round = 0; round < c.throughputRounds; round++) {
    for (let k = 0; k < configs.length; k++) {
      const [name, server] = configs[(round + k) % configs.length]
      log(`  processes: throughput, ${name}, round ${round + 1}/${c.throughputRounds}`)
      let pair: Pair | null = null
      try {
        pair = await openPair(server, c.nodes)
        const { rate } = await pump([pair], c.throughputSeconds, c.window)
        rates.get(name)!.push(rate)
      } finally {
        if (pair) await closeAll([pair.writer, pair.observer])
      }
      await sleep(300)
    }
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
  const refRate = mean(rates.get('reference')!)
  for (const [name] of configs) {
    const rs = rates.get(name)!
    const m = mean(rs)
    rows.push(
      row({
        bench: `processes throughput`,
        metric: `${name}: updates/s acknowledged (rounds: ${rs.map((r) => count(r)).join(', ')})`,
        ours: name === 'reference' ? '' : count(m, '/s'),
        reference: count(refRate, '/s'),
        ratio: name === 'reference' ? '' : ratioText(ratio(m, refRate)),
        status: 'info',
      }),
    )
  }
  data.throughput = Object.fromEntries(rates)
  const notes = [
    `Several processes: two of our processes on one throwaway PostgreSQL database and a Redis of their own, nginx in front (deploy/nginx.conf.example), beside one SQLite process of ours and the reference; four rooms of ${size} clients (via nginx, direct with clients alternating between the processes, SQLite, reference) taking turns of ${c.sliceSeconds} s in rotating order, ${c.rounds} round(s) of ${c.seconds} s measured per room, one writer at ${c.rate}/s on the first process, awareness at ${c.awarenessHz} Hz from every client. Cross-process: deliveries to clients on the other process than the writer's. PostgreSQL append times are the servers' store-write histogram (buckets 0.5, 1, 2.5, 5, 10 ms…), interpolated within a bucket. Throughput: ${c.throughputSeconds} s × ${c.throughputRounds} round(s) per configuration, ${c.window} updates in flight.`,
  ]
  return { name: 'processes', rows, data, notes }
}
