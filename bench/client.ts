// 5. Client: a board of n nodes in headless Chromium (playwright-core, Debian's /usr/bin/chromium) served
// by our server from the built client (dist/client). Measured: time from navigation start until the board
// is interactive (window.editor exists, every node shape is in the store, and a frame has been painted
// after that), and time to apply a remote change (a Node-side y-websocket client edits a node's title; the
// page's store listener sees it and reports back after the next painted frame).
// Peer, load by load in the same run: the same cards in plain tldraw (bench/peer-tldraw), as its own
// labelled rectangles and as empty ones (the bare cost of n shapes), timed the same way.
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { makeBoardRecords, makeTreeJson, recordStore, writeRecords } from './lib/board'
import { config } from './lib/config'
import { ms, ratioText } from './lib/format'
import { type PeerServer, startPeerTldraw } from './lib/peer-tldraw'
import { type PanZoomFrames, panZoomFrames, panZoomRows } from './lib/pan-zoom'
import { check, row, type BenchResult } from './lib/result'
import { ROOT, type Room, type ServerProc, startOurs } from './lib/servers'
import { median, percentile, ratio, summarize } from './lib/stats'
import { closeAll, connectClient, withTimeout } from './lib/yclient'
import type { JsonRecord } from '../shared/model'
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../scripts/chromium'


function skipped(why: string): BenchResult {
  return {
    name: 'client',
    rows: [row({ bench: `client ${config.client.nodes} nodes`, metric: 'time to interactive', ours: `skipped: ${why}`, target: '< 2 s', status: 'skipped' })],
    data: { skipped: why },
    notes: [],
  }
}

/** A board of n nodes: through POST /api/boards {tree} (the product's import), else written by a client. */
export async function seedBoard(server: ServerProc, n: number): Promise<Room> {
  const res = await fetch(`${server.httpUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tree: makeTreeJson(n) }),
  })
  if (res.status === 201) {
    const b = (await res.json()) as { id: string; ownerToken: string; editToken: string; viewToken: string }
    const room: Room = {
      id: b.id,
      wsUrl: `ws://127.0.0.1:${server.port}/ws/${b.id}?token=${b.editToken}`,
      tokens: { owner: b.ownerToken, edit: b.editToken, view: b.viewToken },
    }
    const probe = connectClient(room.wsUrl)
    await withTimeout(probe.synced, 30_000, 'seed probe')
    const shapes = recordStore(probe.doc)
    const count = shapes.records().filter((r) => r.typeName === 'shape').length
    await closeAll([probe])
    if (count >= n) return room
  } else {
    await res.arrayBuffer()
  }
  const room = await server.createRoom()
  const c = connectClient(room.wsUrl)
  await withTimeout(c.synced, 30_000, 'seed')
  writeRecords(c.doc, makeBoardRecords(n))
  const probe = connectClient(room.wsUrl)
  await withTimeout(probe.synced, 30_000, 'seed check')
  await closeAll([c, probe])
  return room
}

/** The load's milestones in order, each the median over the trials: "boot 310, board-info 350, …". */
const MILESTONES = ['boot', 'board-info', 'ws-open', 'local-loaded', 'synced', 'editor-code', 'hydrated', 'editor-mounted']
function markSummary(all: Record<string, number>[]): string {
  return MILESTONES.filter((name) => all.some((m) => m[name] !== undefined))
    .map((name) => `${name} ${Math.round(median(all.map((m) => m[name]).filter((v) => v !== undefined)))}`)
    .join(', ')
}

const VIEWPORT = { width: 1440, height: 900 }

/** Navigates and waits (polling every frame, page-clock times in ms since navigation start) until
 *  window.editor exists and holds n shapes, then until two more frames are painted and a task has run. */
async function timeLoad(page: Page, url: string, n: number, pageErrors: string[]) {
  await page.goto(url, { waitUntil: 'commit' })
  const t = await page
    .waitForFunction(
      (n) => {
        const w = window as unknown as { editor?: { getCurrentPageShapes(): unknown[] }; __bench?: { editor?: number; shapes?: number } }
        const b = (w.__bench ??= {})
        if (w.editor && b.editor === undefined) b.editor = performance.now()
        if (w.editor && b.shapes === undefined && w.editor.getCurrentPageShapes().length >= n) b.shapes = performance.now()
        return b.shapes !== undefined ? b : false
      },
      n,
      { polling: 'raf', timeout: 60_000 },
    )
    .then((h) => h.jsonValue() as Promise<{ editor: number; shapes: number }>)
    .catch((err) => {
      throw new Error(`${url} never showed ${n} shapes: ${err.message}; page errors: ${pageErrors.join('; ')}`)
    })
  const interactive = await page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))),
      ),
  )
  return { ...t, interactive }
}

async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  return { context, page, pageErrors }
}

/** One load of `url` in a fresh context (a first visit): time to interactive; `after` runs on the loaded page. */
export async function firstVisitTime(browser: Browser, url: string, n: number, after?: (page: Page) => Promise<void>): Promise<number> {
  const { context, page, pageErrors } = await freshPage(browser)
  try {
    const { interactive } = await timeLoad(page, url, n, pageErrors)
    await after?.(page)
    return interactive
  } finally {
    await context.close()
  }
}

export async function clientBench(log: (s: string) => void): Promise<BenchResult> {
  const c = config.client
  const dist = path.join(ROOT, 'dist', 'client', 'index.html')
  if (!fs.existsSync(dist)) return skipped('dist/client is missing (run `npx vite build`)')
  if (!fs.existsSync(CHROMIUM)) return skipped(`no Chromium at ${CHROMIUM}`)
  const server = await startOurs()
  let browser: Browser | null = null
  let peer: PeerServer | null = null
  try {
    const room = await seedBoard(server, c.nodes)
    peer = await startPeerTldraw(c.nodes)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
    const loads: { editor: number; shapes: number; interactive: number; marks: Record<string, number> }[] = []
    const peerLabelled: number[] = []
    const peerEmpty: number[] = []
    const remote: number[] = []
    const remoteStore: number[] = []
    const frames: PanZoomFrames[] = []
    const peerFrames: PanZoomFrames[] = []
    const trials = c.loadTrials
    const profDir = process.env.BENCH_CPU_PROF_DIR || null
    // The peer: the same cards in plain tldraw, labelled and empty; before the board on odd trials and after
    // it on even ones, so neither side always goes first.
    const runPeer = async (trial: number) => {
      // The same pan and zoom as on the board (below), on the labelled rectangles.
      const panZoom = async (page: Page) => {
        await page.waitForTimeout(500)
        peerFrames.push(await panZoomFrames(page, c.panZoomFrames))
      }
      peerLabelled.push(await firstVisitTime(browser!, `${peer!.url}/`, c.nodes, panZoom))
      peerEmpty.push(await firstVisitTime(browser!, `${peer!.url}/?labels=0`, c.nodes))
      const pf = peerFrames.at(-1)!
      log(`  client: trial ${trial + 1}: plain tldraw, labelled rectangles ${ms(peerLabelled.at(-1)!)}, empty rectangles ${ms(peerEmpty.at(-1)!)}; pan frames p50/p95 ${ms(percentile(pf.pan, 50))} / ${ms(percentile(pf.pan, 95))}, zoom ${ms(percentile(pf.zoom, 50))} / ${ms(percentile(pf.zoom, 95))} (fit zoom ${pf.fitZoom.toFixed(3)})`)
    }
    for (let trial = 0; trial < trials; trial++) {
      if (trial % 2 === 1) await runPeer(trial)
      const { context, page, pageErrors } = await freshPage(browser)
      const url = `${server.httpUrl}/b/${room.id}?token=${room.tokens!.edit}`
      // BENCH_CPU_PROF_DIR: a V8 CPU profile of each page load too (summarise with bench/lib/cpuprofile.ts; build
      // with `npx vite build --minify false` first for readable names).
      const cdp = profDir ? await context.newCDPSession(page) : null
      if (cdp) {
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
        await cdp.send('Profiler.start')
      }
      const { interactive, ...t } = await timeLoad(page, url, c.nodes, pageErrors)
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop')
        fs.mkdirSync(profDir!, { recursive: true })
        fs.writeFileSync(path.join(profDir!, `client-load-${trial + 1}.cpuprofile`), JSON.stringify(profile))
        await cdp.detach()
      }
      // The app's own marks (client/platform/perf.ts): where the time to interactive went.
      const marks = await page.evaluate(() =>
        Object.fromEntries(
          performance
            .getEntriesByType('mark')
            .filter((m) => m.name.startsWith('ob:'))
            .map((m) => [m.name.slice(3), m.startTime]),
        ),
      )
      loads.push({ editor: t.editor, shapes: t.shapes, interactive, marks })
      log(
        `  client: trial ${trial + 1}: editor ${ms(t.editor)}, ${c.nodes} shapes ${ms(t.shapes)}, interactive ${ms(interactive)}; ` +
          Object.entries(marks)
            .map(([k, v]) => `${k} ${ms(v)}`)
            .join(', '),
      )

      // Pan and zoom the loaded board through the editor's camera, frame by frame (lib/pan-zoom.ts).
      await page.waitForTimeout(500) // the fit after the panels appeared, and the first idle frames
      frames.push(await panZoomFrames(page, c.panZoomFrames))
      const f = frames.at(-1)!
      log(`  client: trial ${trial + 1}: pan frames p50/p95 ${ms(percentile(f.pan, 50))} / ${ms(percentile(f.pan, 95))}, zoom frames p50/p95 ${ms(percentile(f.zoom, 50))} / ${ms(percentile(f.zoom, 95))} (fit zoom ${f.fitZoom.toFixed(3)})`)

      // Remote change: edit a node's title from Node; the page reports after the change is in its store
      // and after the next painted frame.
      let resolveSeen: ((v: { storeToPaint: number }) => void) | null = null
      await page.exposeBinding('__benchSeen', (_src, storeToPaint: number) => resolveSeen?.({ storeToPaint }))
      const editor = connectClient(room.wsUrl)
      await withTimeout(editor.synced, 30_000, 'remote editor sync')
      const kv = recordStore(editor.doc)
      const nodes = kv.records().filter((r) => r.typeName === 'shape')
      for (let i = 0; i < c.remoteTrials; i++) {
        const target = nodes[(i * 7919) % nodes.length]
        const title = `remote edit ${trial}.${i}`
        await page.evaluate(
          ({ id, title }) => {
            const w = window as unknown as {
              editor: { store: { listen(fn: (e: { changes: { updated: Record<string, [unknown, { props?: { title?: string } }]> } }) => void): () => void } }
              __benchSeen(v: number): void
            }
            const stop = w.editor.store.listen((entry) => {
              const u = entry.changes.updated[id]
              if (u && u[1].props?.title === title) {
                stop()
                const t0 = performance.now()
                requestAnimationFrame(() => w.__benchSeen(performance.now() - t0))
              }
            })
          },
          { id: target.id, title },
        )
        const seen = new Promise<{ storeToPaint: number }>((r) => (resolveSeen = r))
        const t0 = performance.now()
        const current = kv.get(target.id) as JsonRecord
        kv.set(target.id, { ...current, props: { ...(current.props as object), title } })
        const { storeToPaint } = await withTimeout(seen, 10_000, 'remote change in the page')
        const total = performance.now() - t0
        remote.push(total)
        remoteStore.push(total - storeToPaint)
      }
      await closeAll([editor])
      await context.close()
      if (trial % 2 === 0) await runPeer(trial)
    }
    const tti = median(loads.map((l) => l.interactive))
    const peerTti = median(peerLabelled)
    const bareTti = median(peerEmpty)
    const r = summarize(remote)
    const pans = frames.flatMap((f) => f.pan)
    const zooms = frames.flatMap((f) => f.zoom)
    const frameP95 = Math.max(percentile(pans, 95), percentile(zooms, 95))
    const bench = `client ${c.nodes} nodes`
    return {
      name: 'client',
      rows: [
        row({ bench, metric: 'navigation → editor ready', ours: ms(median(loads.map((l) => l.editor))), reference: 'n/a', status: 'info' }),
        row({ bench, metric: 'navigation → all shapes in store', ours: ms(median(loads.map((l) => l.shapes))), status: 'info' }),
        row({
          bench,
          metric: 'navigation → interactive (ref: plain tldraw, labelled rectangles)',
          ours: ms(tti),
          reference: ms(peerTti),
          ratio: ratioText(ratio(tti, peerTti)),
          target: '< 2 s',
          status: check(tti < 2000),
        }),
        row({
          bench,
          metric: 'navigation → interactive (ref: plain tldraw, empty rectangles)',
          ours: ms(tti),
          reference: ms(bareTti),
          ratio: ratioText(ratio(tti, bareTti)),
          status: 'info',
        }),
        row({ bench, metric: 'where it went (median ms since navigation)', ours: markSummary(loads.map((l) => l.marks)), status: 'info' }),
        row({ bench, metric: 'remote change → in store, p50', ours: ms(median(remoteStore)), status: 'info' }),
        row({ bench, metric: 'remote change → painted, p50 / p99', ours: `${ms(r.p50)} / ${ms(r.p99)}`, status: 'info' }),
        ...panZoomRows(bench, frames, peerFrames),
      ],
      data: { nodes: c.nodes, loads, remote, remoteStore, peer: { labelled: peerLabelled, empty: peerEmpty, frames: peerFrames }, frames, frameP95 },
      notes: [
        `Client: headless Chromium at ${CHROMIUM}, viewport 1440×900, ${trials} fresh page load(s) of a ${c.nodes}-node board seeded through POST /api/boards {tree}; median shown. "Interactive" = window.editor exists, every node shape is in its store, then two frames painted and a task run. Remote change: a Node y-websocket client re-sets a node record with a new title through our server (${c.remoteTrials} per load); times include the Chrome DevTools Protocol callback (~1 ms).`,
        `Client pan/zoom: after each load, the page moves the camera through window.editor every animation frame, ${c.panZoomFrames} frames of a steady pan (12 screen px a frame) then ${c.panZoomFrames} of zooming from the fitted zoom to 4x it and back twice, around the screen's centre; figures are the gaps between requestAnimationFrame timestamps (16.7 ms at 60 Hz; a dropped frame shows as 33 ms), and each frame's main-thread work (its rAF callback to a task queued after it). The same on the peer's labelled rectangles after each of its loads (it fits the whole window, ours the space beside the panels, so its fit zoom is a little larger); 95% intervals by bootstrap over 40-frame slices, the ratio's paired slice by slice.`,
        `Client peer: alternating with the board's loads, the same ${c.nodes} cards (same titles, same layout) in plain tldraw (bench/peer-tldraw, the tldraw version the board ships, built with Vite and served from loopback), with no sync and no app: once as tldraw's own rectangles labelled with the titles, once empty (the bare cost of ${c.nodes} shapes); each fetches its cards as JSON, fills a store, mounts <Tldraw> and zooms to fit, and is timed the same way.`,
      ],
    }
  } finally {
    await browser?.close()
    await peer?.stop()
    await server.stop()
  }
}
