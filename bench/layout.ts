// Issue 21, point 7: what layout 2 (one Y.Map of fields per record, props and meta nested) costs against
// layout 1 (whole records as YKeyValue entries in `tl_records`) for the same board, in the same run:
//   - the document's size (encoded state, and gzipped), fresh and after one title edit per card;
//   - decoding the state and reading every record in Node (Y.applyUpdate + readRecords / readRecordsV1),
//     fresh and after the edits;
//   - a fresh raw client joining the board and reading its records, both layouts served by the reference
//     y-websocket server (warm, in memory): our server serves layout 2 only (it converts a stored layout-1
//     board on its first load), so the reference is where both layouts can be served alike;
//   - our server's own join of the layout-2 board, cold (after a restart) and warm, for the record.
// Paired trials in alternating order; ratios are v2/v1 (geometric mean of the paired ratios, 95% bootstrap
// interval). Targets: size within 2×, load within 1.2× of layout 1.
import zlib from 'node:zlib'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import type { JsonRecord } from '../shared/model'
import { readRecords, readRecordsV1, recordsRoot, recordsV1, writeRecord } from '../shared/record-layout'
import { makeBoardRecords, writeRecords, writeRecordsV1 } from './lib/board'
import { config } from './lib/config'
import { bytes, ms, ratioText } from './lib/format'
import { check, row, type BenchResult } from './lib/result'
import { type ServerProc, startOurs, startReference, waitFor } from './lib/servers'
import { median, pairedGeomeanRatio, ratio } from './lib/stats'
import { closeAll, connectClient, withTimeout } from './lib/yclient'

type Layout = 1 | 2
const read = (doc: Y.Doc, layout: Layout) => (layout === 2 ? readRecords(doc) : readRecordsV1(doc))
const count = (doc: Y.Doc, layout: Layout) => (layout === 2 ? recordsRoot(doc).size : recordsV1(doc).length)

function buildDoc(records: readonly JsonRecord[], layout: Layout): Y.Doc {
  const doc = new Y.Doc()
  if (layout === 2) writeRecords(doc, records)
  else writeRecordsV1(doc, records)
  return doc
}

/** One title edit per card, each its own transaction, as people make them: layout 1 sets the whole record
 *  again (a new entry, the old one deleted), layout 2 sets one entry of the card's props. */
function editEveryTitle(doc: Y.Doc, records: readonly JsonRecord[], layout: Layout): void {
  const kv = layout === 1 ? new YKeyValue<JsonRecord>(recordsV1(doc) as unknown as Y.Array<{ key: string; val: JsonRecord }>) : null
  for (const r of records) {
    if (r.typeName !== 'shape') continue
    const props = r.props as Record<string, unknown>
    const edited = { ...r, props: { ...props, title: `${String(props.title)} (edited)` } }
    if (kv) kv.set(r.id, edited)
    else doc.transact(() => writeRecord(recordsRoot(doc), edited, r))
  }
}

const gzip = (u: Uint8Array) => zlib.gzipSync(u, { level: 6 }).byteLength

/** Decodes a state into a fresh doc and reads every record: ms. */
function decodeAndRead(update: Uint8Array, layout: Layout, expected: number): number {
  const t = performance.now()
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  const n = read(doc, layout).size
  const took = performance.now() - t
  doc.destroy()
  if (n !== expected) throw new Error(`layout ${layout}: read ${n} records, expected ${expected}`)
  return took
}

/** A fresh raw client joins, syncs (applies the state) and reads every record: socket open → records read. */
async function joinAndRead(url: string, layout: Layout, expected: number): Promise<number> {
  const c = connectClient(url)
  try {
    await withTimeout(c.synced, 60_000, 'join')
    const n = read(c.doc, layout).size
    const took = performance.now() - c.times.open
    if (n !== expected) throw new Error(`layout ${layout}: the joining client read ${n} records, expected ${expected}`)
    return took
  } finally {
    await closeAll([c])
  }
}

/** Writes the board through a synced client as one update, and waits until a second client has all of it. */
async function seed(url: string, records: readonly JsonRecord[], layout: Layout): Promise<void> {
  const doc = new Y.Doc()
  const c = connectClient(url, { doc })
  try {
    await withTimeout(c.synced, 60_000, 'seed sync')
    if (layout === 2) writeRecords(doc, records)
    else writeRecordsV1(doc, records)
    const probe = connectClient(url)
    await withTimeout(probe.synced, 60_000, 'seed check')
    const ok = await waitFor(() => count(probe.doc, layout) >= records.length, 60_000, 20)
    await closeAll([probe])
    if (!ok) throw new Error(`layout ${layout}: the seeded board did not arrive`)
  } finally {
    await closeAll([c])
  }
}

/** Paired trials of two measurements in alternating order (v2 first on even trials). */
async function paired(trials: number, v2: () => Promise<number> | number, v1: () => Promise<number> | number) {
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < trials; i++) {
    if (i % 2 === 0) {
      b.push(await v2())
      a.push(await v1())
    } else {
      a.push(await v1())
      b.push(await v2())
    }
  }
  return { v1: a, v2: b, ...pairedGeomeanRatio(a, b) }
}

const intervalText = (r: { ratio: number; interval: [number, number] }) =>
  `${ratioText(r.ratio)} (${r.interval[0].toFixed(2)}–${r.interval[1].toFixed(2)}×)`

export async function layoutBench(log: (s: string) => void): Promise<BenchResult> {
  const c = config.layout
  const rows = []
  const data: Record<string, unknown> = {}
  const reference = await startReference()
  let ours: ServerProc | null = null
  try {
    ours = await startOurs()
    for (const n of c.sizes) {
      const bench = `layout ${n} nodes`
      const records = makeBoardRecords(n)
      const docs = { 1: buildDoc(records, 1), 2: buildDoc(records, 2) }
      const state = { 1: Y.encodeStateAsUpdate(docs[1]), 2: Y.encodeStateAsUpdate(docs[2]) }
      editEveryTitle(docs[1], records, 1)
      editEveryTitle(docs[2], records, 2)
      const edited = { 1: Y.encodeStateAsUpdate(docs[1]), 2: Y.encodeStateAsUpdate(docs[2]) }
      docs[1].destroy()
      docs[2].destroy()
      const size = {
        v1: state[1].byteLength,
        v2: state[2].byteLength,
        gzipV1: gzip(state[1]),
        gzipV2: gzip(state[2]),
        editedV1: edited[1].byteLength,
        editedV2: edited[2].byteLength,
      }
      log(`  layout: ${n} nodes, state v2 ${bytes(size.v2)} / v1 ${bytes(size.v1)}; after a title edit per card v2 ${bytes(size.editedV2)} / v1 ${bytes(size.editedV1)}`)

      // Decode + read in Node (two unmeasured rounds first).
      for (let i = 0; i < 2; i++) {
        decodeAndRead(state[2], 2, records.length)
        decodeAndRead(state[1], 1, records.length)
      }
      const decode = await paired(c.trials, () => decodeAndRead(state[2], 2, records.length), () => decodeAndRead(state[1], 1, records.length))
      // The same after a title edit per card: a board that has lived (layout 1 then holds an entry per
      // record instead of the seed's one run of entries, and layout 2 a replaced title per card).
      const decodeEdited = await paired(c.trials, () => decodeAndRead(edited[2], 2, records.length), () => decodeAndRead(edited[1], 1, records.length))

      // Joins from the reference, both layouts in rooms of the same server.
      const [room1, room2] = [await reference.createRoom(), await reference.createRoom()]
      await seed(room1.wsUrl, records, 1)
      await seed(room2.wsUrl, records, 2)
      await joinAndRead(room2.wsUrl, 2, records.length)
      await joinAndRead(room1.wsUrl, 1, records.length)
      const join = await paired(c.trials, () => joinAndRead(room2.wsUrl, 2, records.length), () => joinAndRead(room1.wsUrl, 1, records.length))
      log(`  layout: ${n} nodes, join + read from the reference v2 ${ms(median(join.v2))} / v1 ${ms(median(join.v1))}`)

      // Our server: layout 2 only; warm joins, then a restart before each cold join.
      const room = await ours.createRoom()
      await seed(room.wsUrl, records, 2)
      // Our board also holds the document and page records the server wrote at creation (in the records too).
      const oursWarm: number[] = []
      for (let i = 0; i < c.trials; i++) oursWarm.push(await joinAndRead(room.wsUrl, 2, records.length))
      const oursCold: number[] = []
      for (let i = 0; i < c.coldTrials; i++) {
        const dataDir = ours.dataDir
        const port = ours.port
        await ours.stop()
        ours = await startOurs({ dataDir, port })
        oursCold.push(await joinAndRead(room.wsUrl, 2, records.length))
      }
      log(`  layout: ${n} nodes, our server (v2) cold ${ms(median(oursCold))}, warm ${ms(median(oursWarm))}`)

      const sizeRatio = ratio(size.v2, size.v1)
      rows.push(
        row({ bench, metric: 'document size (v2 | v1)', ours: bytes(size.v2), reference: bytes(size.v1), ratio: ratioText(sizeRatio), target: '≤ 2×', status: check(sizeRatio <= 2) }),
        row({ bench, metric: 'document size, gzip (v2 | v1)', ours: bytes(size.gzipV2), reference: bytes(size.gzipV1), ratio: ratioText(ratio(size.gzipV2, size.gzipV1)), status: 'info' }),
        row({ bench, metric: 'size after a title edit per card (v2 | v1)', ours: bytes(size.editedV2), reference: bytes(size.editedV1), ratio: ratioText(ratio(size.editedV2, size.editedV1)), status: 'info' }),
        row({ bench, metric: 'decode + read records, Node (v2 | v1)', ours: ms(median(decode.v2)), reference: ms(median(decode.v1)), ratio: intervalText(decode), target: '≤ 1.2×', status: check(decode.ratio <= 1.2) }),
        row({ bench, metric: 'decode + read, after a title edit per card (v2 | v1)', ours: ms(median(decodeEdited.v2)), reference: ms(median(decodeEdited.v1)), ratio: intervalText(decodeEdited), target: '≤ 1.2×', status: check(decodeEdited.ratio <= 1.2) }),
        row({ bench, metric: 'join + read, reference server (v2 | v1)', ours: ms(median(join.v2)), reference: ms(median(join.v1)), ratio: intervalText(join), target: '≤ 1.2×', status: check(join.ratio <= 1.2) }),
        row({ bench, metric: 'join + read, our server v2, after restart', ours: ms(median(oursCold)), reference: 'n/a (v1 not served)', status: 'info' }),
        row({ bench, metric: 'join + read, our server v2, warm', ours: ms(median(oursWarm)), reference: 'n/a (v1 not served)', status: 'info' }),
      )
      data[n] = { size, decode, decodeEdited, join, oursWarm, oursCold }
    }
  } finally {
    await ours?.stop()
    await reference.stop()
  }
  return {
    name: 'layout',
    rows,
    data,
    notes: [
      `Layout: the same board (Tree JSON → shared/ treeJsonToRecords) in layout 2 ("ours" column) and layout 1 ("reference" column); ratio v2/v1 as the geometric mean of ${config.layout.trials} paired trials in alternating order, with its 95% bootstrap interval. Joins: a fresh raw client from socket open to every record read; both layouts are served by the reference y-websocket server (in memory), since ours serves layout 2 only (a stored layout-1 board is converted on its first load). Our server's layout-2 joins are shown for the record (${config.layout.coldTrials} after a restart, ${config.layout.trials} warm, medians).`,
    ],
  }
}
