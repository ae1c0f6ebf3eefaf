// Issue 19 (version history) on a real server with real y-websocket clients: versions made by naming, by
// quiet, by unload, around bet locks and restores; restores of a whole version or of some cards as ordinary
// edits that every client converges to; versions surviving restarts, compaction and kill -9; access rules.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { isNodeShapeRecord, type JsonRecord } from '../../shared/model'
import { deleteRecord, readRecords, recordsRoot, writeRecord } from '../../shared/record-layout'
import { MESSAGE_BOARD_EVENT } from '../../shared/protocol'
import type { RestoreResult, VersionInfo, VersionRecords } from '../../shared/versions'
import { type ChildServer, startChildServer } from '../helpers/child-server'
import { jsonApi, startTestServer, tempDir, type TestServer } from '../helpers/server'
import { sleep, waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced, type TestClient } from '../helpers/yjs'

let server: TestServer
const api = jsonApi(() => server.url)

interface Seeded {
  id: string
  ownerToken: string
  editToken: string
  viewToken: string
}

/** An outcome with `n` opportunities, each with a scored solution: 1 + 2n cards. */
function bigTree(n: number) {
  return {
    title: 'History board',
    roots: [
      {
        kind: 'outcome',
        title: 'Grow retention',
        metric: 'D30',
        children: Array.from({ length: n }, (_, i) => ({
          kind: 'opportunity',
          title: `Opportunity ${i}`,
          notes: `why ${i}`,
          evidence: [`quote ${i}`],
          importance: i % 10,
          satisfaction: 3,
          children: [{ kind: 'solution', title: `Solution ${i}`, impact: 5, confidence: 4, ease: (i % 9) + 1, status: 'exploring', children: [] }],
        })),
      },
    ],
  }
}

async function seed(n = 8): Promise<Seeded> {
  const res = await api('POST', '/api/boards', undefined, { tree: bigTree(n) })
  expect(res.status).toBe(201)
  return res.json
}

/** Records as a client writes them in layout 2: a changed record gets only its changed fields. */
const kv = (doc: Y.Doc) => ({
  set: (_id: string, record: JsonRecord) => doc.transact(() => writeRecord(recordsRoot(doc), record)),
  delete: (id: string) => deleteRecord(recordsRoot(doc), id),
})
const recordsOf = (doc: Y.Doc) => readRecords(doc)
const sorted = (records: Iterable<JsonRecord>) => [...records].sort((a, b) => a.id.localeCompare(b.id))
const cards = (records: Iterable<JsonRecord>) => sorted([...records].filter(isNodeShapeRecord))

async function versions(board: Seeded): Promise<VersionInfo[]> {
  const res = await api('GET', `/api/boards/${board.id}/versions`, board.viewToken)
  expect(res.status).toBe(200)
  return res.json
}
async function versionRecords(board: Seeded, v: number): Promise<JsonRecord[]> {
  const res = await api('GET', `/api/boards/${board.id}/versions/${v}/records`, board.viewToken)
  expect(res.status).toBe(200)
  return (res.json as VersionRecords).records
}
async function name(board: Seeded, n: string, token = board.editToken): Promise<VersionInfo> {
  const res = await api('POST', `/api/boards/${board.id}/versions`, token, { name: n })
  expect(res.status).toBe(201)
  return res.json
}
async function connect(board: Seeded, token: string, userName?: string): Promise<TestClient> {
  const c = makeProvider(server.wsUrl, board.id, token)
  if (userName) c.provider.awareness.setLocalStateField('presence', { userName })
  await synced(c)
  return c
}
const tree = async (board: Seeded) => (await api('GET', `/api/boards/${board.id}/tree`, board.viewToken)).json

beforeAll(async () => {
  server = await startTestServer({ versionQuietMs: 150, compactRows: 5 })
})
afterEach(() => destroyProviders())
afterAll(async () => {
  await server.close()
})

describe('restoring', () => {
  it('delete half a board, restore the version before: every card and field is back, and the deletion is in the history', async () => {
    const board = await seed(8)
    const original = await tree(board)
    const start = await name(board, 'before the accident')
    const a = await connect(board, board.editToken, 'Mallory')
    const before = recordsOf(a.doc)
    const victims = cards(before.values()).filter((_, i) => i % 2 === 0).map((r) => r.id)
    expect(victims.length).toBeGreaterThanOrEqual(8)
    a.doc.transact(() => {
      const map = kv(a.doc)
      for (const id of victims) map.delete(id)
    })
    await waitFor(async () => JSON.stringify(await tree(board)) !== JSON.stringify(original), { what: 'deletion stored' })

    const res = await api('POST', `/api/boards/${board.id}/versions/${start.id}/restore`, board.ownerToken, { by: 'Olive' })
    expect(res.status).toBe(200)
    const result = res.json as RestoreResult
    expect(result.restored.id).toBe(start.id)
    expect(result.saved.reason).toBe('before-restore')
    expect(result.after.reason).toBe('after-restore')
    expect(result.written).toBe(victims.length)

    expect(await tree(board)).toEqual(original)
    await waitFor(() => cards(recordsOf(a.doc).values()).length === cards(before.values()).length, { what: 'client has the restore' })
    expect(cards(recordsOf(a.doc).values())).toEqual(cards(before.values()))

    // The deleted state is itself a version ('before-restore', and maybe an automatic one when the edit went
    // quiet first), and the history says what was removed and by whom.
    const list = await versions(board)
    const saved = list.find((v) => v.id === result.saved.id)!
    const deletion = list.find((v) => v.summary.removed === victims.length)!
    expect(deletion.id).toBeLessThanOrEqual(saved.id)
    expect(deletion.people).toContainEqual({ name: 'Mallory', role: 'editor' })
    expect(saved.people).toContainEqual({ name: 'Olive', role: 'owner' })
    const savedIds = new Set((await versionRecords(board, saved.id)).map((r) => r.id))
    expect(victims.some((id) => savedIds.has(id))).toBe(false)
    expect(list[0].id).toBe(result.after.id)
    expect(list[0].summary.added).toBe(victims.length)
    // Restoring the before-restore version undoes the restore.
    const undo = await api('POST', `/api/boards/${board.id}/versions/${saved.id}/restore`, board.ownerToken, {})
    expect(undo.status).toBe(200)
    expect(undo.json.deleted).toBe(victims.length)
  })

  it('brings back just the deleted cards with ids, plus a missing tree parent; 422 for ids the version lacks', async () => {
    const board = await seed(4)
    const start = await name(board, 'start')
    const a = await connect(board, board.editToken)
    const all = cards(recordsOf(a.doc).values())
    const opp = all.find((r) => (r.props as { title: string }).title === 'Opportunity 1')!
    const sol = all.find((r) => (r.props as { title: string }).title === 'Solution 1')!
    const other = all.find((r) => (r.props as { title: string }).title === 'Solution 2')!
    a.doc.transact(() => {
      const map = kv(a.doc)
      for (const r of [opp, sol, other]) map.delete(r.id)
    })
    await waitFor(async () => (await versionsAfterEdit(board)) === 3, { what: 'deletions stored' })

    const bad = await api('POST', `/api/boards/${board.id}/versions/${start.id}/restore`, board.ownerToken, { ids: ['shape:nope'] })
    expect(bad.status).toBe(422)
    const res = await api('POST', `/api/boards/${board.id}/versions/${start.id}/restore`, board.ownerToken, { ids: [sol.id] })
    expect(res.status).toBe(200)
    expect(res.json.written).toBe(2) // the solution and its opportunity
    expect(res.json.deleted).toBe(0)
    await waitFor(() => recordsOf(a.doc).has(sol.id) && recordsOf(a.doc).has(opp.id), { what: 'cards back live' })
    expect(recordsOf(a.doc).get(sol.id)).toEqual(sol)
    expect(recordsOf(a.doc).has(other.id)).toBe(false)
  })

  it('a restore while another client keeps editing converges; the edit to a card outside the restore survives', async () => {
    const board = await seed(6)
    const start = await name(board, 'start')
    const a = await connect(board, board.editToken)
    const b = await connect(board, board.editToken)
    const all = cards(recordsOf(a.doc).values())
    const deleted = all.filter((r) => /^Solution [0-2]$/.test((r.props as { title: string }).title))
    const busy = all.find((r) => (r.props as { title: string }).title === 'Opportunity 5')!
    a.doc.transact(() => {
      const map = kv(a.doc)
      for (const r of deleted) map.delete(r.id)
    })
    await waitFor(() => deleted.every((r) => !recordsOf(b.doc).has(r.id)), { what: 'b sees the deletion' })

    let editing = true
    let last = ''
    const loop = (async () => {
      for (let i = 0; editing; i++) {
        const now = recordsOf(b.doc).get(busy.id)!
        last = `Busy ${i}`
        kv(b.doc).set(busy.id, { ...now, props: { ...(now.props as object), title: last } })
        await sleep(2)
      }
    })()
    const res = await api('POST', `/api/boards/${board.id}/versions/${start.id}/restore`, board.ownerToken, { ids: deleted.map((r) => r.id) })
    // A full restore too, of the version made just now (it holds the deleted cards and some busy title).
    const full = await api('POST', `/api/boards/${board.id}/versions/${res.json.after.id}/restore`, board.ownerToken, {})
    await sleep(50)
    editing = false
    await loop
    expect(res.status).toBe(200)
    expect(full.status).toBe(200)
    // One more edit after everything: it must win everywhere.
    const now = recordsOf(b.doc).get(busy.id)!
    kv(b.doc).set(busy.id, { ...now, props: { ...(now.props as object), title: 'Busy final' } })
    last = 'Busy final'

    const c = await connect(board, board.viewToken)
    const same = () => {
      const ra = JSON.stringify(sorted(recordsOf(a.doc).values()))
      return ra === JSON.stringify(sorted(recordsOf(b.doc).values())) && ra === JSON.stringify(sorted(recordsOf(c.doc).values()))
    }
    await waitFor(same, { what: 'three clients agree' })
    await waitFor(() => (recordsOf(c.doc).get(busy.id)!.props as { title: string }).title === last, { what: 'the last edit everywhere' })
    for (const r of deleted) expect(recordsOf(c.doc).get(r.id)).toEqual(r)
    const fresh = await connect(board, board.viewToken)
    await waitFor(() => JSON.stringify(sorted(recordsOf(fresh.doc).values())) === JSON.stringify(sorted(recordsOf(a.doc).values())), {
      what: 'a fresh load agrees',
    })
  })
})

/** How many cards the live tree lacks compared with a fresh seed of 4 (for waits). */
async function versionsAfterEdit(board: Seeded): Promise<number> {
  const t = await tree(board)
  const count = (nodes: any[]): number => nodes.reduce((n, x) => n + 1 + count(x.children), 0)
  return 9 - count(t.roots)
}

describe('making versions', () => {
  it('makes one automatic version after a burst of edits goes quiet, naming who edited and who watched', async () => {
    const board = await seed(2)
    const a = await connect(board, board.editToken, 'Tess')
    const watcher = await connect(board, board.viewToken, 'Vic')
    const events: any[] = []
    watcher.provider.messageHandlers[MESSAGE_BOARD_EVENT] = (_encoder, decoder) => {
      events.push(JSON.parse(decoding.readVarString(decoder)))
    }
    const first = cards(recordsOf(a.doc).values())[0]
    for (let i = 0; i < 5; i++) kv(a.doc).set(first.id, { ...first, props: { ...(first.props as object), notes: `n${i}` } })
    const auto = await waitFor(async () => (await versions(board)).find((v) => v.reason === 'auto'), { what: 'auto version' })
    expect(auto.people).toEqual(expect.arrayContaining([{ name: 'Tess', role: 'editor' }, { name: 'Vic', role: 'viewer' }]))
    expect(auto.summary.edited + auto.summary.added).toBeGreaterThan(0)
    // Everyone connected is told, so an open history panel can show it at once.
    await waitFor(() => events.some((e) => e.type === 'version' && e.version.id === auto.id), { what: 'version event' })
    expect(events.find((e) => e.type === 'version').version).toEqual(auto)
    await sleep(600) // several quiet periods: nothing changed, nothing more is made
    expect((await versions(board)).filter((v) => v.reason === 'auto')).toHaveLength(1)
  })

  it('versions each bet lock and unlock; the decision log and the bet export name the version', async () => {
    const board = await seed(2)
    const t = await tree(board)
    const solution = t.roots[0].children[0].children[0]
    const lock = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: solution.id, by: 'Sam' })
    expect(lock.status).toBe(201)
    const unlock = await api('DELETE', `/api/boards/${board.id}/bet`, board.ownerToken, { by: 'Olive' })
    expect(unlock.status).toBe(200)
    const list = await versions(board)
    const reasons = list.map((v) => v.reason).reverse()
    expect(reasons).toEqual(['before-lock', 'after-lock', 'before-unlock', 'after-unlock'])
    const [beforeLock, afterLock] = list.slice().reverse()
    expect(beforeLock.people).toEqual([{ name: 'Sam', role: 'editor' }])
    expect(afterLock.summary.edited).toBeGreaterThan(0) // the path's shapes were locked
    const decisions = (await api('GET', `/api/boards/${board.id}/decisions`, board.viewToken)).json
    expect(decisions.map((d: any) => [d.action, d.versionId])).toEqual([
      ['lock', beforeLock.id],
      ['unlock', list[1].id],
    ])
    expect(lock.json.versionId).toBe(beforeLock.id)
    const again = await api('POST', `/api/boards/${board.id}/bet`, board.editToken, { solutionId: solution.id })
    const md = await api('GET', `/api/boards/${board.id}/bet/export?format=md`, board.viewToken)
    expect(md.text).toContain(`(on version ${again.json.versionId} of the board)`)
    const json = await api('GET', `/api/boards/${board.id}/bet/export?format=json`, board.viewToken)
    expect(json.json.versionId).toBe(again.json.versionId)
  })

  it('names the present (trimmed), saves before an import, and reads a version as every export format', async () => {
    const board = await seed(2)
    const res = await api('POST', `/api/boards/${board.id}/versions`, board.editToken, { name: '  after the synthesis  ', by: 'Ana' })
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ name: 'after the synthesis', reason: 'named', people: [{ name: 'Ana', role: 'editor' }] })
    expect(res.json.summary.added).toBe(5)
    const imp = await api('POST', `/api/boards/${board.id}/versions`, board.editToken, { reason: 'before-import' })
    expect(imp.status).toBe(201)
    expect(imp.json).toMatchObject({ name: null, reason: 'before-import' })
    expect(imp.json.summary).toMatchObject({ added: 0, removed: 0, edited: 0 })

    const live = await api('GET', `/api/boards/${board.id}/export?format=json`, board.viewToken)
    for (const format of ['json', 'md', 'csv']) {
      const exp = await api('GET', `/api/boards/${board.id}/export?format=${format}`, board.viewToken)
      const ver = await api('GET', `/api/boards/${board.id}/versions/${res.json.id}?format=${format}`, board.viewToken)
      expect(ver.status).toBe(200)
      expect(ver.text).toBe(exp.text)
      expect(ver.headers.get('content-type')).toBe(exp.headers.get('content-type'))
    }
    const plain = await api('GET', `/api/boards/${board.id}/versions/${res.json.id}`, board.viewToken)
    expect(plain.json).toEqual(live.json)
    const dl = await api('GET', `/api/boards/${board.id}/versions/${res.json.id}?format=md&download=1`, board.viewToken)
    expect(dl.headers.get('content-disposition')).toMatch(/attachment; filename=".*version-\d+\.md"/)
  })

  it('answers 401, 403, 404 and 422 like the rest of the API', async () => {
    const board = await seed(1)
    const v = await name(board, 'one')
    const base = `/api/boards/${board.id}/versions`
    expect((await api('GET', base)).status).toBe(401)
    expect((await api('GET', base, 'wrong-token')).status).toBe(401)
    expect((await api('GET', `/api/boards/nope-nope-nope/versions`, board.viewToken)).status).toBe(404)
    expect((await api('POST', base, board.viewToken, { name: 'x' })).status).toBe(403)
    expect((await api('POST', `${base}/${v.id}/restore`, board.editToken, {})).status).toBe(403)
    expect((await api('GET', `${base}/999`, board.viewToken)).status).toBe(404)
    expect((await api('GET', `${base}/abc/records`, board.viewToken)).status).toBe(404)
    expect((await api('POST', `${base}/999/restore`, board.ownerToken, {})).status).toBe(404)
    expect((await api('GET', `${base}/${v.id}?format=pdf`, board.viewToken)).status).toBe(400)
    expect((await api('POST', base, board.editToken, { name: '   ' })).status).toBe(422)
    expect((await api('POST', base, board.editToken, {})).status).toBe(422)
    expect((await api('POST', base, board.editToken, { name: 'x'.repeat(101) })).status).toBe(422)
    expect((await api('POST', base, board.editToken, { name: 'x', reason: 'auto' })).status).toBe(422)
    expect((await api('POST', `${base}/${v.id}/restore`, board.ownerToken, { ids: [] })).status).toBe(422)
    expect((await api('POST', `${base}/${v.id}/restore`, board.ownerToken, { ids: Array(5001).fill('shape:x') })).status).toBe(422)
    expect((await api('POST', `${base}/${v.id}/restore`, board.ownerToken, { ids: 'shape:x' })).status).toBe(422)
  })

  it('deleting a board deletes its versions', async () => {
    const board = await seed(1)
    await name(board, 'one')
    expect(await server.deps.store.listVersions(board.id)).toHaveLength(1)
    expect((await api('DELETE', `/api/boards/${board.id}`, board.ownerToken)).status).toBe(204)
    expect(await server.deps.store.listVersions(board.id)).toEqual([])
  })
})

describe('versions are kept', () => {
  it('survive compaction and a restart; a room unloading with unsaved changes makes a version then', async () => {
    const dataDir = tempDir()
    let other = await startTestServer({ dataDir, compactRows: 3, versionQuietMs: 600_000, roomGraceMs: 50 })
    const api2 = jsonApi(() => other.url)
    try {
      const created = await api2('POST', '/api/boards', undefined, { tree: bigTree(3) })
      const board = created.json as Seeded
      const named = (await api2('POST', `/api/boards/${board.id}/versions`, board.editToken, { name: 'kept' })).json as VersionInfo
      const kept = (await api2('GET', `/api/boards/${board.id}/versions/${named.id}/records`, board.viewToken)).json.records
      const a = makeProvider(other.wsUrl, board.id, board.editToken)
      await synced(a)
      const first = cards(recordsOf(a.doc).values())[0]
      for (let i = 0; i < 30; i++) {
        kv(a.doc).set(first.id, { ...first, props: { ...(first.props as object), title: `t${i}` } })
        await sleep(1)
      }
      await waitFor(async () => (await other.deps.store.loadUpdates(board.id)).updates.length <= 3, { what: 'compacted' })
      a.destroy()
      const auto = await waitFor(async () => (await other.deps.store.listVersions(board.id)).find((v) => v.reason === 'auto'), {
        what: 'version on unload',
      })
      expect(auto.summary.renamed).toBe(1)
      await other.close()

      other = await startTestServer({ dataDir })
      const list = (await api2('GET', `/api/boards/${board.id}/versions`, board.viewToken)).json as VersionInfo[]
      expect(list.map((v) => v.id)).toEqual([auto.id, named.id])
      expect((await api2('GET', `/api/boards/${board.id}/versions/${named.id}/records`, board.viewToken)).json.records).toEqual(kept)
      const latest = (await api2('GET', `/api/boards/${board.id}/versions/${auto.id}/records`, board.viewToken)).json.records as JsonRecord[]
      expect((latest.find((r) => r.id === first.id)!.props as { title: string }).title).toBe('t29')
    } finally {
      await other.close()
    }
  })

  it('a version answered 201 survives kill -9 of the server process', async () => {
    const dataDir = tempDir()
    let child: ChildServer = await startChildServer(dataDir)
    try {
      const api3 = jsonApi(() => child.url)
      const board = (await api3('POST', '/api/boards', undefined, { tree: bigTree(2) })).json as Seeded
      const made = await api3('POST', `/api/boards/${board.id}/versions`, board.editToken, { name: 'right before the crash' })
      expect(made.status).toBe(201)
      child.proc.kill('SIGKILL')
      expect((await child.exited).signal).toBe('SIGKILL')
      child = await startChildServer(dataDir)
      const list = (await api3('GET', `/api/boards/${board.id}/versions`, board.viewToken)).json as VersionInfo[]
      expect(list).toEqual([made.json])
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL')
    }
  }, 120_000)
})
