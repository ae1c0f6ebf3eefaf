// End-to-end harness: a real server started in-process (server/server.ts startServer) on a random port with a
// temp DATA_DIR, serving the built client from dist/client; Debian's Chromium driven by playwright-core; and a
// guard that records every request to a host other than the local server.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { startServer } from '../../server/server'
import type { RunningServer, StartOptions } from '../../server/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium'
import type { CreatedBoard } from '../../shared/api'
import { createBoard } from '../helpers/server'

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-results/e2e')
const CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client')

export interface E2EServer extends RunningServer {
  dataDir: string
}

export async function startE2EServer(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ob-e2e-')),
  extra: Pick<StartOptions, 'trackers'> = {},
): Promise<E2EServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, clientDir: CLIENT_DIR, logLevel: 'silent', ...extra })
  return { ...server, dataDir }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
}

export type { CreatedBoard }

/** The same board creation the integration tests use (tests/helpers/server.ts). */
export const createBoardViaApi = (baseUrl: string, title: string): Promise<CreatedBoard> => createBoard(baseUrl, title)

/** Every request a context makes to anything but the local server ends up in the returned list. */
export function recordForeignRequests(context: BrowserContext, serverUrl: string): string[] {
  const allowed = new URL(serverUrl).host
  const foreign: string[] = []
  context.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return
    if (url.host !== allowed) foreign.push(request.url())
  })
  // Websockets are not "requests" in playwright's sense; watch them too.
  context.on('page', (page) => watchSockets(page, allowed, foreign))
  return foreign
}

function watchSockets(page: Page, allowedHost: string, foreign: string[]) {
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== allowedHost) foreign.push(ws.url())
  })
}

/** A context with a display name already chosen (tldraw keeps it in localStorage) — or not, to test the prompt. */
export async function newContext(browser: Browser, name?: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, ...options })
  if (name) {
    await context.addInitScript((n) => {
      try {
        const key = 'TLDRAW_USER_DATA_v3'
        if (!localStorage.getItem(key)) {
          localStorage.setItem(key, JSON.stringify({ version: 4, user: { id: `e2e-${n}-${Math.random().toString(36).slice(2)}`, name: n, locale: 'en' } }))
        }
      } catch {
        // error pages have no localStorage
      }
    }, name)
  }
  return context
}

/** Opens a board URL and waits until the editor is mounted and the board synced. */
export async function openBoard(page: Page, url: string) {
  await page.goto(url)
  await page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout: 30_000 })
}

export async function waitForStatus(page: Page, status: string, timeout = 20_000) {
  await page.waitForSelector(`.ob-topbar [data-status="${status}"]`, { timeout })
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) })
}

/** Node titles by kind as the page's tree sees them, in tree order. */
export function treeTitles(page: Page) {
  return page.evaluate(() => {
    const tree = window.board!.tree()
    const out: { id: string; kind: string; title: string; parentId: string | null }[] = []
    const visit = (n: { id: string; kind: string; props: { title: string }; parentId: string | null; children: unknown[] }) => {
      out.push({ id: n.id, kind: n.kind, title: n.props.title, parentId: n.parentId })
      for (const c of n.children) visit(c as typeof n)
    }
    for (const r of tree.roots) visit(r as never)
    return out
  })
}
