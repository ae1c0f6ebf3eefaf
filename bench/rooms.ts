// 2. Rooms: many small rooms of 2 clients each. Server memory per room (heap after a full GC, and RSS) with
// every room open; then everyone leaves and, after our grace period, memory again. The reference never
// unloads a document without persistence, so its memory stays; ours unloads each room after ROOM_GRACE_MS.
import { recordsRoot } from '../shared/record-layout'
import { makeBoardRecords, writeRecords } from './lib/board'
import { config } from './lib/config'
import { bytes, count, ratioText } from './lib/format'
import { check, row, type BenchResult } from './lib/result'
import type { MemoryUsage, Room, ServerProc } from './lib/servers'
import { sleep, startOurs, startReference, waitFor } from './lib/servers'
import { ratio } from './lib/stats'
import { type BenchClient, closeAll, connectMany } from './lib/yclient'

export interface RoomsRun {
  server: string
  rooms: number
  baseline: MemoryUsage
  open: MemoryUsage
  afterLeave: MemoryUsage
  perRoomHeap: number
  perRoomRss: number
  connectSeconds: number
  roomsLoadedAfter: number | null
}

export async function runRooms(server: ServerProc, n: number, waitAfterLeaveMs: number, log: (s: string) => void): Promise<RoomsRun> {
  const c = config.rooms
  const rooms: Room[] = []
  for (let i = 0; i < n; i++) rooms.push(await server.createRoom())
  const records = makeBoardRecords(c.nodesPerRoom)
  const baseline = await server.memory(true)
  const t0 = performance.now()
  // Two clients per room: the first writes a small board, the second syncs; each announces presence.
  const clients: BenchClient[] = await connectMany((i) => rooms[i >> 1].wsUrl, 2 * n, c.connectConcurrency)
  try {
    for (let i = 0; i < clients.length; i += 2) writeRecords(clients[i].doc, records)
    clients.forEach((cl, i) => cl.sendAwareness({ user: { name: `user ${i}`, color: '#10b981' }, cursor: null }))
    // Wait until every second client has the board (so the server holds it), bounded.
    const shapes = records.length
    await waitFor(() => clients.every((cl, i) => i % 2 === 0 || recordsRoot(cl.doc).size >= shapes), 60_000, 50)
    const connectSeconds = (performance.now() - t0) / 1000
    await sleep(200)
    const open = await server.memory(true)
    log(`  rooms: ${server.kind}: ${n} rooms open, heap ${bytes(open.heapUsed)}, rss ${bytes(open.rss)}`)
    await closeAll(clients)
    // After the grace period (ours) — the reference gets the same wait.
    let roomsLoadedAfter: number | null = null
    if (server.kind === 'ours') {
      await waitFor(async () => (await server.metrics()).get('outcome_board_rooms') === 0, waitAfterLeaveMs + 30_000, 200)
      roomsLoadedAfter = (await server.metrics()).get('outcome_board_rooms') ?? null
    } else {
      await sleep(waitAfterLeaveMs)
    }
    await sleep(200)
    const afterLeave = await server.memory(true)
    return {
      server: server.kind,
      rooms: n,
      baseline,
      open,
      afterLeave,
      perRoomHeap: (open.heapUsed - baseline.heapUsed) / n,
      perRoomRss: (open.rss - baseline.rss) / n,
      connectSeconds,
      roomsLoadedAfter,
    }
  } finally {
    await closeAll(clients)
  }
}

export async function roomsBench(log: (s: string) => void): Promise<BenchResult> {
  const c = config.rooms
  const waitMs = c.graceMs + 1000
  // One server at a time, each fresh, so neither competes with the other for memory or CPU.
  const reference = await startReference()
  let r: RoomsRun
  try {
    r = await runRooms(reference, c.count, waitMs, log)
  } finally {
    await reference.stop()
  }
  const ours = await startOurs({ env: { ROOM_GRACE_MS: String(c.graceMs) } })
  let o: RoomsRun
  try {
    o = await runRooms(ours, c.count, waitMs, log)
  } finally {
    await ours.stop()
  }
  const bench = `rooms ${c.count}×2 clients`
  const residual = (x: RoomsRun) => x.afterLeave.heapUsed - x.baseline.heapUsed
  const rows = [
    row({ bench, metric: 'heap per room (after GC)', ours: bytes(o.perRoomHeap), reference: bytes(r.perRoomHeap), ratio: ratioText(ratio(o.perRoomHeap, r.perRoomHeap)), target: 'lower is better', status: 'info' }),
    row({ bench, metric: 'RSS per room', ours: bytes(o.perRoomRss), reference: bytes(r.perRoomRss), ratio: ratioText(ratio(o.perRoomRss, r.perRoomRss)), status: 'info' }),
    row({ bench, metric: 'heap with all rooms open', ours: bytes(o.open.heapUsed), reference: bytes(r.open.heapUsed), ratio: ratioText(ratio(o.open.heapUsed, r.open.heapUsed)), status: 'info' }),
    row({
      bench,
      metric: 'heap left after all leave + grace',
      ours: `${bytes(residual(o))} (${count(o.roomsLoadedAfter ?? NaN)} rooms)`,
      reference: bytes(residual(r)),
      ratio: ratioText(ratio(residual(o), residual(r))),
      target: 'rooms unloaded',
      status: check(o.roomsLoadedAfter === null ? null : o.roomsLoadedAfter === 0),
    }),
    row({ bench, metric: 'RSS after all leave + grace', ours: bytes(o.afterLeave.rss), reference: bytes(r.afterLeave.rss), ratio: ratioText(ratio(o.afterLeave.rss, r.afterLeave.rss)), status: 'info' }),
  ]
  return {
    name: 'rooms',
    rows,
    data: { ours: o, reference: r, graceMs: c.graceMs, nodesPerRoom: c.nodesPerRoom },
    notes: [
      `Rooms: ${c.count} rooms, each with 2 clients, a ${c.nodesPerRoom}-node board written by the first and synced by the second, one presence state each. Heap = V8 heapUsed after two forced full GCs inside the server process; RSS from the same process. Our server runs with ROOM_GRACE_MS=${c.graceMs} here (default 30 s); "after" is measured once our rooms gauge reads 0, and the reference gets the same wait. Per-room figures = (all open − before connecting) / rooms.`,
    ],
  }
}
