// 6. Version history. (a) Storage: a writer makes `edits` edits to a board of `editNodes` nodes in `bursts`
// bursts, each followed by a quiet period longer than VERSION_QUIET_MS, so every burst closes one automatic
// version; the versions' stored bytes (compressed records) are read from SQLite and set against the board's
// compacted document (its one update row after the room unloads). (b) Time: on a board of `nodes` nodes with
// `count` named versions, the median time to name one more (POST …/versions), to list them (GET …/versions)
// and to open one as Tree JSON (GET …/versions/:v) and as records (GET …/versions/:v/records).
// No peer has version history, so there is no reference column: the figures stand alone.
import path from 'node:path'
import Database from 'better-sqlite3'
import { makeTreeJson, recordStore } from './lib/board'
import { config } from './lib/config'
import { bytes, count, ms } from './lib/format'
import { row, type BenchResult } from './lib/result'
import { type ServerProc, sleep, startOurs, waitFor } from './lib/servers'
import { median } from './lib/stats'
import { closeAll, connectClient, withTimeout } from './lib/yclient'
import type { JsonRecord } from '../shared/model'
import { isNodeShapeRecord } from '../shared/model'

const QUIET_MS = 150
const NO_PEER = 'no peer has version history'

interface Board {
  id: string
  ownerToken: string
  editToken: string
  viewToken: string
}

async function createBoard(server: ServerProc, nodes: number): Promise<Board> {
  const res = await fetch(`${server.httpUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tree: makeTreeJson(nodes) }),
  })
  if (res.status !== 201) throw new Error(`POST /api/boards → ${res.status} ${await res.text()}`)
  return (await res.json()) as Board
}

function versionBytes(dataDir: string, boardId: string): { versions: number; bytes: number; docBytes: number; docRows: number } {
  const db = new Database(path.join(dataDir, 'outcome-board.sqlite'), { readonly: true, fileMustExist: true })
  try {
    const v = db.prepare('SELECT count(*) AS n, coalesce(sum(length(records)), 0) AS b FROM versions WHERE board_id = ?').get(boardId) as { n: number; b: number }
    const d = db.prepare('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS b FROM updates WHERE board_id = ?').get(boardId) as { n: number; b: number }
    return { versions: v.n, bytes: v.b, docBytes: d.b, docRows: d.n }
  } finally {
    db.close()
  }
}

async function timed(n: number, fn: () => Promise<Response>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const res = await fn()
    await res.arrayBuffer()
    if (!res.ok) throw new Error(`${res.url} → ${res.status}`)
    times.push(performance.now() - t0)
  }
  return median(times)
}

async function storage(server: ServerProc, c: typeof config.versions) {
  const board = await createBoard(server, c.editNodes)
  const wsUrl = `${server.httpUrl.replace(/^http/, 'ws')}/ws/${board.id}?token=${board.editToken}`
  const writer = connectClient(wsUrl)
  try {
    await withTimeout(writer.synced, 20_000, 'writer sync')
    const kv = recordStore(writer.doc)
    const cards = kv.records().filter(isNodeShapeRecord)
    const perBurst = Math.ceil(c.edits / c.bursts)
    let made = 0
    for (let b = 0; b < c.bursts; b++) {
      for (let i = 0; i < perBurst && made < c.edits; i++, made++) {
        const card = cards[made % cards.length]
        const now = kv.get(card.id) as JsonRecord
        // Edits people make: a title, a score, a move on the canvas.
        const props = now.props as Record<string, unknown>
        const next = made % 3 === 0 ? { ...now, props: { ...props, title: `${String(props.title).slice(0, 60)} ·${made}` } } : made % 3 === 1 ? { ...now, x: (now.x as number) + 5 } : { ...now, props: { ...props, notes: `note ${made}` } }
        kv.set(card.id, next)
        if (i % 10 === 9) await sleep(1)
      }
      await sleep(QUIET_MS * 3)
    }
  } finally {
    await closeAll([writer])
  }
  // The room unloads (grace below), which compacts the log and closes the last span.
  await waitFor(() => versionBytes(server.dataDir!, board.id).docRows === 1, 30_000, 50)
  await sleep(500)
  return { ...versionBytes(server.dataDir!, board.id), edits: c.edits, nodes: c.editNodes }
}

async function timing(server: ServerProc, c: typeof config.versions) {
  const board = await createBoard(server, c.nodes)
  const base = `${server.httpUrl}/api/boards/${board.id}/versions`
  const auth = (token: string) => ({ authorization: `Bearer ${token}` })
  const post = () => fetch(base, { method: 'POST', headers: { ...auth(board.editToken), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) })
  for (let i = 0; i < c.count - 1; i++) await (await post()).arrayBuffer()
  const name = await timed(Math.min(5, c.trials), post)
  const list = (await (await fetch(base, { headers: auth(board.viewToken) })).json()) as { id: number }[]
  const v = list[Math.floor(list.length / 2)].id
  const listMs = await timed(c.trials, () => fetch(base, { headers: auth(board.viewToken) }))
  const openMs = await timed(c.trials, () => fetch(`${base}/${v}`, { headers: auth(board.viewToken) }))
  const recordsMs = await timed(c.trials, () => fetch(`${base}/${v}/records`, { headers: auth(board.viewToken) }))
  const sizes = versionBytes(server.dataDir!, board.id)
  return { nodes: c.nodes, versions: list.length, nameMs: name, listMs, openMs, recordsMs, bytesPerVersion: sizes.bytes / sizes.versions }
}

export async function versionsBench(log: (s: string) => void): Promise<BenchResult> {
  const c = config.versions
  const server = await startOurs({ env: { VERSION_QUIET_MS: String(QUIET_MS), ROOM_GRACE_MS: '300' } })
  try {
    log(`  storage: ${c.edits} edits in ${c.bursts} bursts on a ${c.editNodes}-node board`)
    const s = await storage(server, c)
    log(`  timing: ${c.count} versions of a ${c.nodes}-node board`)
    const t = await timing(server, c)
    const per1000 = (s.bytes / s.edits) * 1000
    const rows = [
      row({ bench: 'versions', metric: `version bytes per 1,000 edits (${s.nodes} nodes, ${s.versions} versions)`, ours: bytes(per1000), reference: NO_PEER, status: 'info' }),
      row({ bench: 'versions', metric: 'one version vs compacted doc', ours: `${bytes(s.bytes / Math.max(1, s.versions))} vs ${bytes(s.docBytes)}`, reference: NO_PEER, status: 'info' }),
      row({ bench: 'versions', metric: `name a version (${t.nodes} nodes), median`, ours: ms(t.nameMs), reference: NO_PEER, status: 'info' }),
      row({ bench: 'versions', metric: `list ${count(t.versions)} versions, median`, ours: ms(t.listMs), reference: NO_PEER, status: 'info' }),
      row({ bench: 'versions', metric: `open a version as Tree JSON (${t.nodes} nodes), median`, ours: ms(t.openMs), reference: NO_PEER, status: 'info' }),
      row({ bench: 'versions', metric: `open a version's records (${t.nodes} nodes), median`, ours: ms(t.recordsMs), reference: NO_PEER, status: 'info' }),
      row({ bench: 'versions', metric: `bytes per version (${t.nodes} nodes)`, ours: bytes(t.bytesPerVersion), reference: NO_PEER, status: 'info' }),
    ]
    return { name: 'versions', rows, data: { storage: s, timing: t }, notes: [] }
  } finally {
    await server.stop()
  }
}
