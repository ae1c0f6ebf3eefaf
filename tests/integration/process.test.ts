// The server as a real process: kill -9 loses nothing another client received; SIGTERM shuts down
// gracefully; a bad env value stops the start with a clear message.
import { afterEach, describe, expect, it } from 'vitest'
import { CLOSE_GOING_AWAY } from '../../shared/protocol'
import { type ChildServer, spawnServer, startChildServer } from '../helpers/child-server'
import { createBoard, tempDir } from '../helpers/server'
import { sleep, waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'

const children: ChildServer[] = []
afterEach(() => {
  destroyProviders()
  for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL')
})
async function child(dataDir: string, env: Record<string, string> = {}) {
  const c = await startChildServer(dataDir, env)
  children.push(c)
  return c
}

describe('server process', () => {
  // synchronous=NORMAL (the default) keeps this promise too: a committed WAL transaction survives the process.
  it.each([
    ['default (normal)', {}, 'normal'],
    ['SQLITE_SYNCHRONOUS=full', { SQLITE_SYNCHRONOUS: 'full' }, 'full'],
  ])('kill -9 while a client is writing, %s: every update another client received is there after restart', async (_name, env, mode) => {
    const dataDir = tempDir()
    const first = await child(dataDir, { COMPACT_ROWS: '50', ...env })
    expect(first.stdout.some((l) => l.includes('"msg":"listening"') && l.includes(`"sqliteSynchronous":"${mode}"`))).toBe(true)
    const board = await createBoard(first.url)
    const writer = makeProvider(first.wsUrl, board.id, board.editToken)
    const reader = makeProvider(first.wsUrl, board.id, board.viewToken)
    await Promise.all([synced(writer), synced(reader)])

    // The writer keeps writing, one update per transaction, until the server dies under it.
    let writing = true
    const loop = (async () => {
      for (let i = 0; writing; i++) {
        writer.items.push([`u${i}`])
        await sleep(i % 5 === 0 ? 1 : 0)
      }
    })()
    const N = 300
    await waitFor(() => reader.items.length >= N, { what: `reader received ${N}`, timeout: 20_000, interval: 1 })
    const received = reader.items.toArray()
    first.proc.kill('SIGKILL')
    expect((await first.exited).signal).toBe('SIGKILL')
    writing = false
    await loop
    destroyProviders()

    const second = await child(dataDir)
    const check = makeProvider(second.wsUrl, board.id, board.viewToken)
    await synced(check)
    await waitFor(() => check.items.length >= received.length, { what: 'all received updates after restart' })
    expect(check.items.toArray().slice(0, received.length)).toEqual(received)
  })

  it('SIGTERM closes sockets with 1001, flushes, and exits 0; the data is there on the next start', async () => {
    const dataDir = tempDir()
    const first = await child(dataDir)
    const board = await createBoard(first.url)
    const a = makeProvider(first.wsUrl, board.id, board.editToken)
    const watcher = makeProvider(first.wsUrl, board.id, board.viewToken)
    await Promise.all([synced(a), synced(watcher)])
    const codes: number[] = []
    a.provider.on('connection-close', (e) => e && codes.push(e.code))
    a.items.push(['before SIGTERM'])
    await waitFor(() => watcher.items.length === 1)

    first.proc.kill('SIGTERM')
    expect(await first.exited).toEqual({ code: 0, signal: null })
    await waitFor(() => codes.includes(CLOSE_GOING_AWAY), { what: 'close 1001' })
    expect(first.stdout.some((l) => l.includes('"msg":"server closed"'))).toBe(true)
    destroyProviders()

    const second = await child(dataDir)
    const c = makeProvider(second.wsUrl, board.id, board.viewToken)
    await waitFor(() => c.items.toArray()[0] === 'before SIGTERM')
  })

  it('refuses to start on a bad env value, naming the variable', async () => {
    const { exited, stderr } = spawnServer({ DATA_DIR: tempDir(), PORT: 'eighty', LOG_LEVEL: 'loud', SQLITE_SYNCHRONOUS: 'fast' })
    expect((await exited).code).toBe(1)
    const text = stderr.join('')
    expect(text).toContain('Invalid configuration')
    expect(text).toMatch(/PORT="eighty": expected a whole number/)
    expect(text).toMatch(/LOG_LEVEL="loud"/)
    expect(text).toMatch(/SQLITE_SYNCHRONOUS="fast": expected normal or full/)
  })
})
