// 3. Cold load: a board of n nodes (built through shared/ records) stored in SQLite; the server restarts; a
// new client connects. Measured from socket open to synced (sync step 2 received, and applied, as the
// y-websocket provider counts it). The reference has no persistence, so nothing survives its restart: its
// figure is the warm case (document already in memory), compared with our warm case side by side.
import * as Y from 'yjs'
import type { JsonRecord } from '../shared/model'
import { recordsRoot } from '../shared/record-layout'
import { makeBoardRecords, writeRecords } from './lib/board'
import { config } from './lib/config'
import { bytes, ms, ratioText } from './lib/format'
import { check, row, type BenchResult } from './lib/result'
import { type ServerProc, startOurs, startReference, waitFor } from './lib/servers'
import { median, ratio } from './lib/stats'
import { closeAll, connectClient, withTimeout } from './lib/yclient'

interface Timing {
  openToSynced: number
  openToStep2: number
  connectToSynced: number
  bytesIn: number
}

async function timeJoin(url: string): Promise<Timing> {
  const c = connectClient(url)
  try {
    await withTimeout(c.synced, 60_000, 'join')
    const t = c.times
    return { openToSynced: t.synced - t.open, openToStep2: t.step2Received - t.open, connectToSynced: t.synced - t.start, bytesIn: c.bytesIn }
  } finally {
    await closeAll([c])
  }
}

/** Writes the board's records through a synced client, as one update (what a client importing a board
 *  sends): on our server the board's document and page records are already there (the server writes them at
 *  creation) and are not written twice. */
async function seed(url: string, records: readonly JsonRecord[]): Promise<void> {
  const doc = new Y.Doc()
  const c = connectClient(url, { doc })
  try {
    await withTimeout(c.synced, 60_000, 'seed sync')
    writeRecords(doc, records) // local origin: sent to the server as one update
    // Done when a second client sees the whole board (ours relays only after it is stored).
    const check = connectClient(url)
    await withTimeout(check.synced, 60_000, 'seed check')
    // It may sync before the server has the whole 2 MB frame; it then gets the update relayed (bounded wait).
    const ok = await waitFor(() => recordsRoot(check.doc).size === recordsRoot(doc).size, 30_000, 20)
    await closeAll([check])
    if (!ok) throw new Error('seeded board did not arrive')
  } finally {
    await closeAll([c])
  }
}

const med = (xs: Timing[], f: (t: Timing) => number) => median(xs.map(f))

export async function coldLoadBench(log: (s: string) => void): Promise<BenchResult> {
  const reference = await startReference()
  let ours: ServerProc | null = null
  try {
    ours = await startOurs()
    return await measure(ours, reference, log, (s) => (ours = s))
  } finally {
    await ours?.stop()
    await reference.stop()
  }
}

async function measure(
  first: ServerProc,
  reference: ServerProc,
  log: (s: string) => void,
  replaced: (s: ServerProc) => void,
): Promise<BenchResult> {
  const c = config.cold
  const doc = new Y.Doc()
  const tBuild = performance.now()
  const records = makeBoardRecords(c.nodes)
  writeRecords(doc, records)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  log(`  cold load: built a ${c.nodes}-node board (${bytes(update.byteLength)}) in ${ms(performance.now() - tBuild)}`)

  // Reference: warm only.
  const refRoom = await reference.createRoom()
  await seed(refRoom.wsUrl, records)
  const refWarm: Timing[] = []
  for (let i = 0; i < c.warmTrials; i++) refWarm.push(await timeJoin(refRoom.wsUrl))

  // Ours: seed, warm joins, then restart the server (same data dir) before each cold join.
  const room = await first.createRoom()
  await seed(room.wsUrl, records)
  const oursWarm: Timing[] = []
  for (let i = 0; i < c.warmTrials; i++) oursWarm.push(await timeJoin(room.wsUrl))
  const cold: Timing[] = []
  let server = first
  for (let i = 0; i < c.trials; i++) {
    await server.stop()
    // Same data dir and port, so the room's URL and tokens stay valid.
    server = await startOurs({ dataDir: first.dataDir, port: first.port })
    replaced(server)
    log(`  cold load: restarted our server (${i + 1}/${c.trials})`)
    cold.push(await timeJoin(room.wsUrl))
  }
  const coldSynced = med(cold, (t) => t.openToSynced)
  const bench = `cold load ${c.nodes} nodes`
  const rows = [
    row({ bench, metric: 'open → synced, after restart', ours: ms(coldSynced), reference: 'n/a (no persistence)', target: '< 300 ms', status: check(Number.isFinite(coldSynced) ? coldSynced < 300 : null) }),
    row({ bench, metric: 'open → step 2 received, after restart', ours: ms(med(cold, (t) => t.openToStep2)), status: 'info' }),
    row({ bench, metric: 'connect → synced, after restart', ours: ms(med(cold, (t) => t.connectToSynced)), status: 'info' }),
    row({
      bench,
      metric: 'open → synced, warm (in memory)',
      ours: ms(med(oursWarm, (t) => t.openToSynced)),
      reference: ms(med(refWarm, (t) => t.openToSynced)),
      ratio: ratioText(ratio(med(oursWarm, (t) => t.openToSynced), med(refWarm, (t) => t.openToSynced))),
      status: 'info',
    }),
    row({ bench, metric: 'bytes sent to the new client', ours: bytes(cold[0]?.bytesIn ?? NaN), reference: bytes(refWarm[0]?.bytesIn ?? NaN), status: 'info' }),
  ]
  return {
    name: 'cold',
    rows,
    data: { nodes: c.nodes, updateBytes: update.byteLength, cold, oursWarm, refWarm },
    notes: [
      `Cold load: a ${c.nodes}-node board (Tree JSON → shared/ treeJsonToRecords, layout-2 records) written by one client; our server is stopped (SIGTERM) and started again on the same data dir before each of ${c.trials} cold joins; medians shown. "synced" = sync step 2 applied by the client, as the y-websocket provider counts it; "step 2 received" excludes the client's own apply. The reference keeps documents only in memory, so only warm joins (${c.warmTrials} each) are compared.`,
    ],
  }
}
