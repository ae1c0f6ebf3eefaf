// 4. Storage. (a) Sustained updates/s persisted: a writer edits node records (layout 2, like moving shapes,
// each edit's sequence number in the record's `meta`, where the observer reads it back: a client writes only
// board records, and our server refuses anything else) as fast as the server acknowledges them — an observer in the same room receives each one, and our server
// relays only after the update is in SQLite — with a bounded window in flight; one room, then several in
// parallel. The reference relays without persisting: its rate is the ceiling of the relay alone.
// (b) Database size before and after compaction: N edits with compaction held off, then the room unloads
// (which compacts its log into one row); sizes read from SQLite.
import path from 'node:path'
import Database from 'better-sqlite3'
import fs from 'node:fs'
import * as Y from 'yjs'
import { makeBoardRecords, recordStore, writeRecords } from './lib/board'
import { config } from './lib/config'
import { bytes, count, ratioText } from './lib/format'
import { row, type BenchResult } from './lib/result'
import { type ServerProc, startOurs, startReference, waitFor } from './lib/servers'
import { ratio } from './lib/stats'
import { type BenchClient, closeAll, connectClient, connectMany, withTimeout } from './lib/yclient'
import type { JsonRecord } from '../shared/model'
import { recordsRoot } from '../shared/record-layout'

export interface Pair {
  writer: BenchClient
  observer: BenchClient
  records: JsonRecord[]
  sent: number
  seen: number
}

/** A writer and an observer in a new room (on different processes when the room spreads its clients). */
export async function openPair(server: ServerProc, nodes: number): Promise<Pair> {
  const room = await server.createRoom()
  const [writer, observer] = await connectMany(room.clientUrl ?? room.wsUrl, 2)
  const records = makeBoardRecords(nodes)
  writeRecords(writer.doc, records)
  const shapes = records.filter((r) => r.typeName === 'shape')
  await waitFor(() => recordsRoot(observer.doc).size >= records.length, 30_000, 20)
  const pair: Pair = { writer, observer, records: shapes, sent: 0, seen: 0 }
  watchSeq(pair)
  return pair
}

/** Keeps `pair.seen` at the highest sequence number the observer has received, read from the `meta` of the
 *  records each update changed (the observer fires as the update is applied, before onRemoteUpdate is
 *  called). */
function watchSeq(pair: Pair): void {
  const store = recordStore(pair.observer.doc)
  store.onChange((ids) => {
    for (const id of ids) {
      const s = store.meta(id)?.seq
      if (typeof s === 'number' && s > pair.seen) pair.seen = s
    }
  })
}

/** Pumps edits through every pair for `seconds`, at most `window` unacknowledged per pair; updates/s acked. */
export async function pump(pairs: Pair[], seconds: number, window: number, limit = Infinity): Promise<{ rate: number; acked: number }> {
  const kvs = pairs.map((p) => recordStore(p.writer.doc))
  const start = performance.now()
  const end = start + seconds * 1000
  const seen0 = pairs.reduce((s, p) => s + p.seen, 0)
  const topUp = (i: number) => {
    const p = pairs[i]
    while (p.sent - p.seen < window && p.sent < limit && performance.now() < end) {
      const seq = ++p.sent
      const rec = p.records[seq % p.records.length]
      kvs[i].set(rec.id, { ...rec, x: (rec.x as number) + (seq % 97), y: (rec.y as number) + (seq % 89), meta: { seq } })
    }
  }
  pairs.forEach((p, i) => {
    const prev = p.observer.onRemoteUpdate
    p.observer.onRemoteUpdate = (arrival) => {
      prev?.(arrival)
      topUp(i)
    }
    topUp(i)
  })
  await waitFor(() => performance.now() >= end || pairs.every((p) => p.seen >= limit), seconds * 1000 + 60_000, 20)
  const elapsed = (performance.now() - start) / 1000
  const acked = pairs.reduce((s, p) => s + p.seen, 0) - seen0
  // Let what is in flight land before anyone closes (bounded).
  await waitFor(() => pairs.every((p) => p.seen >= p.sent), 10_000, 20)
  return { rate: acked / elapsed, acked }
}

async function sustained(server: ServerProc, rooms: number) {
  const c = config.storage
  const pairs: Pair[] = []
  try {
    for (let i = 0; i < rooms; i++) pairs.push(await openPair(server, c.nodes))
    const m0 = await server.metrics()
    const cpu0 = server.cpuSeconds()
    const t0 = performance.now()
    const { rate, acked } = await pump(pairs, c.seconds, c.window)
    const wall = (performance.now() - t0) / 1000
    const m1 = await server.metrics()
    const d = (k: string) => (m1.get(k) ?? NaN) - (m0.get(k) ?? NaN)
    const txs = d('outcome_board_store_write_seconds_count')
    return {
      rooms,
      rate,
      acked,
      serverCpu: (server.cpuSeconds() - cpu0) / wall,
      transactions: txs,
      updatesPerTransaction: txs > 0 ? acked / txs : NaN,
      storeWriteMeanMs: txs > 0 ? (d('outcome_board_store_write_seconds_sum') / txs) * 1000 : NaN,
      compactions: d('outcome_board_compactions_total'),
    }
  } finally {
    await closeAll(pairs.flatMap((p) => [p.writer, p.observer]))
  }
}

interface DbStats {
  fileBytes: number
  walBytes: number
  liveBytes: number
  rows: number
  rowBytes: number
}

function dbStats(dataDir: string, boardId: string): DbStats {
  const file = path.join(dataDir, 'outcome-board.sqlite')
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0)
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number
    const pages = db.pragma('page_count', { simple: true }) as number
    const free = db.pragma('freelist_count', { simple: true }) as number
    const r = db.prepare('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS b FROM updates WHERE board_id = ?').get(boardId) as { n: number; b: number }
    return { fileBytes: size(file), walBytes: size(`${file}-wal`), liveBytes: (pages - free) * pageSize, rows: r.n, rowBytes: r.b }
  } finally {
    db.close()
  }
}

async function compaction(log: (s: string) => void) {
  const c = config.storage
  const graceMs = 300
  const server = await startOurs({
    env: { COMPACT_ROWS: '1000000', COMPACT_BYTES: String(1024 * 1024 * 1024), ROOM_GRACE_MS: String(graceMs) },
  })
  try {
    const room = await server.createRoom()
    const [writer, observer] = await connectMany(room.wsUrl, 2)
    const records = makeBoardRecords(c.nodes)
    writeRecords(writer.doc, records)
    await waitFor(() => recordsRoot(observer.doc).size >= records.length, 30_000, 20)
    const pair: Pair = { writer, observer, records: records.filter((r) => r.typeName === 'shape'), sent: 0, seen: 0 }
    watchSeq(pair)
    await pump([pair], 600, c.window, c.compactUpdates)
    const docBytes = Y.encodeStateAsUpdate(observer.doc).byteLength
    const before = dbStats(server.dataDir!, room.id)
    log(`  storage: ${pair.seen} edits stored in ${before.rows} rows; leaving so the room unloads and compacts`)
    const compactions0 = (await server.metrics()).get('outcome_board_compactions_total') ?? 0
    await closeAll([writer, observer])
    await waitFor(async () => {
      const m = await server.metrics()
      return m.get('outcome_board_rooms') === 0 && (m.get('outcome_board_compactions_total') ?? 0) > compactions0
    }, graceMs + 30_000, 100)
    const after = dbStats(server.dataDir!, room.id)
    // A new client still gets the whole board from the compacted row.
    const check = connectClient(room.wsUrl)
    await withTimeout(check.synced, 30_000, 'sync after compaction')
    const intact = recordsRoot(check.doc).size === recordsRoot(observer.doc).size
    await closeAll([check])
    return { edits: pair.seen, docBytes, before, after, intact }
  } finally {
    await server.stop()
  }
}

export async function storageBench(log: (s: string) => void): Promise<BenchResult> {
  const c = config.storage
  const results: Record<string, Record<number, Awaited<ReturnType<typeof sustained>>>> = { ours: {}, reference: {} }
  for (const rooms of [1, c.rooms]) {
    // Fresh servers per run; reference first, then ours.
    for (const kind of ['reference', 'ours'] as const) {
      const server = kind === 'ours' ? await startOurs() : await startReference()
      try {
        log(`  storage: ${kind}, ${rooms} room(s), ${c.seconds} s`)
        results[kind][rooms] = await sustained(server, rooms)
      } finally {
        await server.stop()
      }
    }
  }
  const comp = await compaction(log)
  const rows = []
  for (const rooms of [1, c.rooms]) {
    const o = results.ours[rooms]
    const r = results.reference[rooms]
    const bench = `storage ${rooms} room${rooms > 1 ? 's' : ''}`
    rows.push(
      row({ bench, metric: 'updates/s acknowledged', ours: count(o.rate, '/s'), reference: `${count(r.rate, '/s')} (not stored)`, ratio: ratioText(ratio(o.rate, r.rate)), target: 'higher is better', status: 'info' }),
      row({
        bench,
        metric: 'SQLite transactions/s, updates each',
        ours: `${count(o.transactions / c.seconds, '/s')}, ${count(o.updatesPerTransaction)}`,
        reference: 'n/a',
        status: 'info',
      }),
      row({ bench, metric: 'server CPU (cores)', ours: count(o.serverCpu), reference: count(r.serverCpu), status: 'info' }),
    )
  }
  const b = comp.before
  const a = comp.after
  const bench = `storage ${count(comp.edits)} edits`
  rows.push(
    row({ bench, metric: 'stored rows / bytes, before compaction', ours: `${count(b.rows)} / ${bytes(b.rowBytes)}`, reference: 'n/a', status: 'info' }),
    row({ bench, metric: 'stored rows / bytes, after compaction', ours: `${count(a.rows)} / ${bytes(a.rowBytes)}`, reference: 'n/a', status: a.rows === 1 && comp.intact ? 'info' : 'MISSED' }),
    row({ bench, metric: 'database file + WAL, before → after', ours: `${bytes(b.fileBytes + b.walBytes)} → ${bytes(a.fileBytes + a.walBytes)}`, status: 'info' }),
    row({ bench, metric: 'database pages in use, before → after', ours: `${bytes(b.liveBytes)} → ${bytes(a.liveBytes)}`, status: 'info' }),
  )
  return {
    name: 'storage',
    rows,
    data: { sustained: results, compaction: comp, seconds: c.seconds, window: c.window },
    notes: [
      `Storage: each edit changes one node record's x, y and meta (layout 2: only those fields are written), its sequence number in the record's meta; ${c.window} edits in flight per writer; acknowledged = received by an observer in the same room (ours relays only after the SQLite commit).`,
      `Compaction: ${count(comp.edits)} edits with automatic compaction held off (COMPACT_ROWS/COMPACT_BYTES at their maximum), then all clients leave and the room unloads, compacting its log into one row (the Yjs state is ${bytes(comp.docBytes)}). The file keeps its size (SQLite reuses free pages; no VACUUM); "pages in use" excludes free pages. ${comp.intact ? 'A new client synced the full board from the compacted row.' : 'WARNING: a new client did not get the full board after compaction.'}`,
    ],
  }
}
