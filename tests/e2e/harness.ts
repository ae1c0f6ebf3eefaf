// End-to-end harness: a real server started in-process (server/server.ts startServer) on a random port with a
// temp DATA_DIR, serving the built client from dist/client; Debian's Chromium driven by playwright-core; and a
// guard that records every request to a host other than the local server. A test file calls e2eSuite() once:
// it starts both for the file, puts people (a named browser context and its page) on boards, and closes it all.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { startServer } from '../../server/server'
import type { RunningServer, StartOptions } from '../../server/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium'
import type { CreatedBoard } from '../../shared/api'
import { createBoard, createSeededBoard } from '../helpers/server'

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-results/e2e')
const CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client')

export interface E2EServer extends RunningServer {
  dataDir: string
}

/** The app's server in this process, on a random port with a fresh DATA_DIR, serving the built client. */
export async function startE2EServer(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ob-e2e-')),
  extra: Pick<StartOptions, 'trackers'> = {},
): Promise<E2EServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, clientDir: CLIENT_DIR, logLevel: 'silent', ...extra })
  return { ...server, dataDir }
}

/** Debian's Chromium, headless, launched as the project does everywhere (scripts/chromium). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
}

export type { CreatedBoard }

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
export async function openBoard(page: Page, url: string, timeout = 30_000) {
  await page.goto(url)
  await page.waitForFunction(() => !!window.editor && !!window.board, null, { timeout })
}

/** The connection states a board page shows in its top bar (data-status). */
export type BoardStatus = 'live' | 'readonly' | 'offline'

/** Waits until the top bar shows `status`: the page is connected (live, or readonly on a view link) or offline. */
export async function waitForStatus(page: Page, status: BoardStatus, timeout = 20_000) {
  await page.waitForSelector(`.ob-topbar [data-status="${status}"]`, { timeout })
}

/** Saves a PNG of the page in test-results/e2e/ for people to look at (no test compares it). */
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

/** The worked example (tests/fixtures/team-onboarding.json): a tree with solutions to vote on and scores to compare. */
export const TEAM_ONBOARDING: { title: string; roots: unknown[] } = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/team-onboarding.json'), 'utf8'),
)

/** Three valid cards with fixed ids (shape:o → shape:p → shape:s), the board the bad-record tests write beside. */
export function validCardsTree(title: string) {
  return {
    title,
    roots: [
      { id: 'shape:o', kind: 'outcome', title: 'Valid outcome', children: [
        { id: 'shape:p', kind: 'opportunity', title: 'Valid opportunity', children: [
          { id: 'shape:s', kind: 'solution', title: 'Valid solution', children: [] },
        ] },
      ] },
    ],
  }
}

/** A link the server made (its edit, view or owner URL), on `origin` instead: the server's own, a proxy's, or
 *  another process's. */
export const atOrigin = (origin: string, url: string) => url.replace(/^https?:\/\/[^/]+/, origin)

/** Someone in a browser profile of their own: a context that carries their display name, and its page. */
export interface Person {
  name: string | undefined
  context: BrowserContext
  page: Page
  /** The origin their board opens on, and the one host their requests may go to. */
  origin: string
  /** What this person's context requested from any host but that origin. */
  foreign: string[]
}

/** How a person's browser is set up: Playwright's context options over newContext's (a viewport, bypassCSP,
 *  serviceWorkers…), and these. */
export interface PersonOptions extends BrowserContextOptions {
  /** Where the board is opened and the one host requests may go to (default: the suite's server). */
  origin?: string
  /** Grants clipboard read and write on that origin, so a test can read back what a Copy button copied. */
  clipboard?: boolean
  /** Runs on the context before its page exists: init scripts, context-wide listeners and routes. */
  prepare?: (context: BrowserContext) => unknown
  /** person(): runs on the page before it opens the board (listeners that must see the load). */
  beforeOpen?: (page: Page) => unknown
  /** person(): how long the board may take to open (openBoard's 30 s otherwise). */
  openTimeout?: number
  /** person(): the status to wait for once the board is open. */
  status?: BoardStatus
  /** person(): how long that may take (waitForStatus's 20 s otherwise). */
  statusTimeout?: number
}

/** What a file asks of its suite. */
export interface SuiteOptions {
  /** Starts the file's server (default: startE2EServer()); false for a file that runs servers of its own. */
  server?: (() => Promise<E2EServer>) | false
  /** What every person of the file gets; a call's own options add to these and win. */
  person?: PersonOptions
  /** Once everything is closed, fails the file if any person's page had an uncaught error. */
  noPageErrorsAfterAll?: boolean
}

/** What the tests of one file share: the server and the browser, and the people put on boards. */
export interface E2ESuite {
  readonly server: E2EServer
  readonly browser: Browser
  /** Every person's uncaught page errors, as "name: message". */
  readonly pageErrors: string[]
  /** Every person's requests to another host. */
  foreignRequests(): string[]
  /** A link the server made, on the suite's server. */
  local(url: string): string
  /** tests/helpers/server.ts's createBoard and createSeededBoard, on the suite's server. */
  createBoard(title: string): Promise<CreatedBoard>
  createSeededBoard(tree: { title: string; roots: readonly unknown[] }, title?: string): Promise<CreatedBoard>
  /** A person with a page that has not opened anything yet (no name: the board will ask for one). */
  newPerson(name?: string, options?: PersonOptions): Promise<Person>
  /** A person with the board at `url` open on their page (and, with `status`, connected). */
  person(name: string, url: string, options?: PersonOptions): Promise<Person>
  /** People who open their boards one after another, then each waits for their page's status: a session's start. */
  people(...cast: [name: string, url: string, status: BoardStatus, options?: PersonOptions][]): Promise<Person[]>
}

/** One server and one Chromium for a whole file (Chromium is too heavy for one per test on two cores), started
 *  before its tests and closed after them with every person's context. Call it once, at the top of the file. */
export function e2eSuite(options: SuiteOptions = {}): E2ESuite {
  let server: E2EServer | undefined
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  const pageErrors: string[] = []
  const foreignLists: string[][] = []

  beforeAll(async () => {
    if (options.server !== false) server = await (options.server ?? (() => startE2EServer()))()
    browser = await launchChromium()
  })

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
    await server?.close()
    if (options.noPageErrorsAfterAll) expect(pageErrors).toEqual([])
  })

  const suite: E2ESuite = {
    get server() {
      if (!server) throw new Error(options.server === false ? 'this suite runs no server of its own' : 'the server starts in beforeAll')
      return server
    },
    get browser() {
      if (!browser) throw new Error('Chromium starts in beforeAll')
      return browser
    },
    pageErrors,
    foreignRequests: () => foreignLists.flat(),
    local: (url) => atOrigin(suite.server.url, url),
    createBoard: (title) => createBoard(suite.server.url, title),
    createSeededBoard: (tree, title) => createSeededBoard(suite.server.url, tree, title),

    async newPerson(name, callOptions = {}) {
      const { origin = suite.server.url, clipboard, prepare, ...rest } = { ...options.person, ...callOptions }
      const { beforeOpen, openTimeout, status, statusTimeout, ...contextOptions } = rest // person()'s, not the context's
      const context = await newContext(suite.browser, name, contextOptions)
      contexts.push(context)
      const foreign = recordForeignRequests(context, origin)
      foreignLists.push(foreign)
      if (clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
      await prepare?.(context)
      const page = await context.newPage()
      page.on('pageerror', (e) => pageErrors.push(`${name ?? 'anon'}: ${e.message}`))
      return { name, context, page, origin, foreign }
    },

    async person(name, url, callOptions = {}) {
      const { origin = suite.server.url, beforeOpen, openTimeout, status, statusTimeout } = { ...options.person, ...callOptions }
      const person = await suite.newPerson(name, callOptions)
      await beforeOpen?.(person.page)
      await openBoard(person.page, atOrigin(origin, url), openTimeout)
      if (status) await waitForStatus(person.page, status, statusTimeout)
      return person
    },

    async people(...cast) {
      const people: Person[] = []
      for (const [name, url, , personOptions] of cast) people.push(await suite.person(name, url, { ...personOptions, status: undefined }))
      for (const [i, [, , status]] of cast.entries()) await waitForStatus(people[i].page, status)
      return people
    },
  }
  return suite
}
