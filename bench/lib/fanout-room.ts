// One fan-out room on one server, driven in slices: a room of N clients stays connected for the whole
// measurement, and each slice runs the load on it for a while (one writer editing one card at a fixed rate;
// every client sending an awareness state at a fixed mean rate, each on its own clock) while every other
// client records, for each seq, its arrival (when its socket hands over the frame) minus the moment the
// writer handed that update's frame to its socket. All clients live in this process, so send and receipt use
// the same clock.
// Each ping is what a real client writes when a card changes: the card's tldraw shape record written again
// through shared/record-layout.ts (layout 2, as the board does: only the fields that changed, here the
// entries of its `meta` map), valid for our server's write guard, with the ping's seq and send time in the
// record's `meta`; receivers read them back from the record. (Until layout 2 the whole record was set again
// as a YKeyValue entry in `tl_records`.) (Until the write guard, pings
// were {seq, t} in a Y.Map of their own, which our server now refuses.) The board's document and page records
// and schema are written before the first slice where the server did not write them (the reference).
// (Timed from before the record is set instead, as `t` is, the writer's own Yjs transaction and encoding —
// the same for every server — would be a large part of what is measured.) Between slices the room is idle,
// so several servers' rooms can take turns slice by slice: they then share the machine's weather instead of
// each getting its own stretch of it (see fanout.ts).
import { makeBaseDocumentRecords, makeNodeRecord } from '../../shared/records'
import { recordStore, writeRecords } from './board'
import { startLoadMonitor } from './load'
import type { Room, ServerProc, Stalls } from './servers'
import { waitFor } from './servers'
import { type BenchClient, closeAll, connectMany } from './yclient'

interface Ping {
  seq: number
  t: number
}

export interface SliceOptions {
  rate: number // writer updates per second
  awarenessHz: number // from every client
  /** Run but not measured, at the start of the slice (lets the previous slice's traffic settle). */
  warmupMs: number
  measureMs: number
}

export interface SliceResult {
  latencies: number[]
  /** Measured updates sent. */
  sent: number
  /** Deliveries of measured updates observed / expected (receivers × measured updates). */
  delivered: number
  expected: number
  /** Measured wall time, s; server CPU s and this (client) process's CPU s in it; this process's loop p99. */
  wall: number
  serverCpuSeconds: number
  clientCpuSeconds: number
  clientLoopDelayP99: number
  /** GC pauses and event-loop delay inside the server during the slice (its settle time included). */
  serverStalls: Stalls
}

export interface FanoutRoom {
  readonly server: ServerProc
  readonly roomSize: number
  runSlice(opts: SliceOptions): Promise<SliceResult>
  close(): Promise<void>
}

export interface FanoutHooks {
  /** Every measured delivery: its seq, when the writer handed it to its socket and when a receiver's socket
   *  handed it over (performance.now(), ms), and which client received it (its index in the room; the
   *  writer is client 0). */
  onDelivery?: (seq: number, sentAt: number, arrival: number, client: number) => void
  /** Connects the room's clients (all synced); by default all at once to the room's URL (or to each
   *  client's, when the room spreads them over several processes). */
  connect?: (room: Room, n: number) => Promise<BenchClient[]>
}

export async function openFanoutRoom(server: ServerProc, roomSize: number, hooks: FanoutHooks = {}): Promise<FanoutRoom> {
  const room = await server.createRoom()
  // Receipt is when a client's socket hands over the frame, not after the clients ahead of it in this
  // process have applied theirs (see applyAfterReceipt).
  const clients: BenchClient[] = hooks.connect
    ? await hooks.connect(room, roomSize)
    : await connectMany(room.clientUrl ?? room.wsUrl, roomSize, 50, { applyAfterReceipt: true })
  const writer = clients[0]
  const receivers = clients.slice(1)
  // The card every ping edits, on the board's page (written here when the server did not write the page).
  const card = makeNodeRecord('opportunity', { title: 'Fan-out bench card' }, { id: 'shape:fanout-bench-card', x: 100, y: 100 })
  writeRecords(writer.doc, [...makeBaseDocumentRecords(), card])
  const writerRecords = recordStore(writer.doc)
  const receiverRecords = receivers.map((r) => recordStore(r.doc))
  if (!(await waitFor(() => receiverRecords.every((kv) => kv.has(card.id)), 20_000, 10))) {
    await closeAll(clients)
    throw new Error(`${server.kind}: the fan-out card did not reach every client\n${server.output()}`)
  }
  let seq = 0
  /** When each recent ping's frame left the writer, by seq (pruned as slices start). */
  const sentAt = new Map<number, number>()
  // The measured seq range of the running slice; arrivals outside it (warm-up, late ones) are not counted.
  let firstMeasured = Infinity
  let lastMeasured = 0
  let latencies: number[] = []
  let delivered = 0
  receivers.forEach((r, i) => {
    const kv = receiverRecords[i]
    const client = i + 1
    let last = 0
    r.onRemoteUpdate = (arrival) => {
      const p = kv.meta(card.id) as Partial<Ping> | undefined
      if (typeof p?.seq !== 'number' || p.seq <= last) return
      last = p.seq
      const sent = sentAt.get(p.seq)
      if (sent !== undefined && p.seq >= firstMeasured && p.seq <= lastMeasured) {
        latencies.push(arrival - sent)
        delivered++
        hooks.onDelivery?.(p.seq, sent, arrival, client)
      }
    }
  })

  async function runSlice(opts: SliceOptions): Promise<SliceResult> {
    latencies = []
    delivered = 0
    sentAt.clear() // the previous slice's stragglers were waited for (or given up on) before it returned
    firstMeasured = Infinity
    lastMeasured = 0
    // Awareness: every client at awarenessHz on average, each on a clock of its own (a random phase, and each
    // gap drawn from 0.5–1.5 periods), as separate browsers would be: on one shared grid every presence
    // message came right behind an update, which skewed both servers (bench/README.md).
    const period = 1000 / Math.max(opts.awarenessHz, 1e-9)
    const nextAwareness = clients.map(() => Math.random() * period)
    await server.stalls(true)
    const seqAtStart = seq
    const start = performance.now()
    let load: ReturnType<typeof startLoadMonitor> | null = null
    let cpu0 = 0
    let clientCpu0 = 0
    let measureStart = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now()
        const elapsed = now - start
        if (load === null && elapsed >= opts.warmupMs) {
          load = startLoadMonitor()
          cpu0 = server.cpuSeconds()
          clientCpu0 = cpuSeconds()
          measureStart = now
          firstMeasured = seq + 1
          lastMeasured = Infinity
        }
        if (elapsed >= opts.warmupMs + opts.measureMs) {
          clearInterval(timer)
          lastMeasured = seq
          resolve()
          return
        }
        const due = seqAtStart + Math.floor((elapsed / 1000) * opts.rate)
        // Never burst more than 50 ms worth at once if this process fell behind.
        const maxBurst = Math.max(1, Math.ceil(opts.rate / 20))
        for (let k = 0; seq < due && k < maxBurst; k++) {
          seq++
          const ping: Ping = { seq, t: performance.now() }
          writerRecords.set(card.id, { ...card, meta: { ...ping } })
          sentAt.set(seq, writer.lastUpdateSentAt)
        }
        if (opts.awarenessHz > 0) {
          for (let i = 0; i < clients.length; i++) {
            if (elapsed < nextAwareness[i]) continue
            nextAwareness[i] += period * (0.5 + Math.random())
            if (nextAwareness[i] < elapsed) nextAwareness[i] = elapsed + period * (0.5 + Math.random())
            clients[i].sendAwareness({
              user: { name: `user ${i}`, color: '#3b82f6' },
              cursor: { x: Math.round(elapsed) % 1000, y: i * 10 },
              selectedShapeIds: [],
            })
          }
        }
      }, 2)
    })
    const serverStalls = server.stalls(false)
    const wall = (performance.now() - measureStart) / 1000
    const serverCpuSeconds = server.cpuSeconds() - cpu0
    const clientCpuSeconds = cpuSeconds() - clientCpu0
    const loopDelayP99 = (load as ReturnType<typeof startLoadMonitor> | null)?.stop().loopDelayP99 ?? Number.NaN
    const sent = Math.max(0, lastMeasured - firstMeasured + 1)
    const expected = sent * receivers.length
    // Let the tail arrive (bounded): late arrivals count, they are the latency we want to see.
    await waitFor(() => delivered >= expected, 3000, 10)
    const result = {
      latencies,
      sent,
      delivered,
      expected,
      wall,
      serverCpuSeconds,
      clientCpuSeconds,
      clientLoopDelayP99: loopDelayP99,
      serverStalls: await serverStalls,
    }
    firstMeasured = Infinity // nothing more is counted for this slice
    return result
  }

  return { server, roomSize, runSlice, close: () => closeAll(clients) }
}

function cpuSeconds(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

export interface Turns {
  rate: number
  awarenessHz: number
  /** Each room's first, unmeasured slice. */
  warmupSeconds: number
  /** Measured per room per round, in turns of sliceSeconds (the first settleMs of each not measured). */
  seconds: number
  sliceSeconds: number
  settleMs: number
  rounds: number
}

/** A room on every server (opened by `open`), taking turns slice by slice: per server, per round, its
 *  slices. The order rotates by one every cycle (ABC, BCA, CAB…): each server is first, middle and last
 *  equally often, and no server ever runs two turns in a row (a second turn in a row would find the
 *  machine's caches warm for it, a bias for whichever server the order favoured). Every room is closed
 *  before it returns or throws. */
export async function runRoomsInTurns(
  servers: ServerProc[],
  open: (server: ServerProc) => Promise<FanoutRoom>,
  t: Turns,
  onRound: (round: number) => void = () => {},
): Promise<SliceResult[][][]> {
  const rooms: FanoutRoom[] = []
  try {
    for (const server of servers) rooms.push(await open(server))
    const load = { rate: t.rate, awarenessHz: t.awarenessHz }
    for (const room of rooms) await room.runSlice({ ...load, warmupMs: t.warmupSeconds * 1000, measureMs: 0 })
    const slicesPerRound = Math.max(1, Math.round(t.seconds / t.sliceSeconds))
    const results: SliceResult[][][] = rooms.map(() => [])
    for (let round = 0; round < t.rounds; round++) {
      onRound(round)
      rooms.forEach((_, i) => results[i].push([]))
      for (let k = 0; k < slicesPerRound; k++) {
        const shift = (round * slicesPerRound + k) % rooms.length
        const order = [...rooms.slice(shift), ...rooms.slice(0, shift)]
        for (const room of order) {
          const i = rooms.indexOf(room)
          results[i][round].push(await room.runSlice({ ...load, warmupMs: t.settleMs, measureMs: t.sliceSeconds * 1000 }))
        }
      }
    }
    return results
  } finally {
    await Promise.all(rooms.map((r) => r.close()))
  }
}
