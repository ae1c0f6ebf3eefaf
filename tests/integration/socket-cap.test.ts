// Websockets per client address (MAX_SOCKETS_PER_ADDRESS): past the cap the upgrade is refused with 429
// before any socket exists; other addresses are unaffected, and a closed socket frees its slot. Other
// addresses come from 127.0.0.x (the whole 127/8 is loopback on Linux).
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'
import { openRaw, type RawSocket, upgradeStatus } from '../helpers/raw-socket'
import { createBoard, startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../helpers/wait'

const servers: TestServer[] = []
const raws: RawSocket[] = []
afterEach(async () => {
  for (const r of raws.splice(0)) r.close()
  for (const s of servers.splice(0)) await s.close()
})

/** The status a handshake from `from` gets (101 when accepted; the socket is then closed). */
const handshake = (url: string, from = '127.0.0.1') => upgradeStatus(url, {}, from)

describe('websockets per address', () => {
  it('refuses the upgrade past MAX_SOCKETS_PER_ADDRESS with 429; other addresses connect; a close frees a slot', async () => {
    const s = await startTestServer({ maxSocketsPerAddress: 3 })
    servers.push(s)
    const b = await createBoard(s.url)
    const url = `${s.wsUrl}/${b.id}?token=${b.viewToken}`
    // Refused tokens hold no slot once refused.
    for (let i = 0; i < 5; i++) expect(await handshake(`${s.wsUrl}/${b.id}?token=wrong`)).toBe(401)
    for (let i = 0; i < 3; i++) raws.push(await openRaw(url))
    expect(await handshake(url)).toBe(429)
    expect(await handshake(`${s.wsUrl}/${b.id}?token=${b.editToken}`)).toBe(429)
    // Across boards too: the cap is per address.
    const other = await createBoard(s.url)
    expect(await handshake(`${s.wsUrl}/${other.id}?token=${other.viewToken}`)).toBe(429)

    expect(await handshake(url, '127.0.0.2')).toBe(101)
    const fromTwo = await openRaw(url, { localAddress: '127.0.0.2' })
    raws.push(fromTwo)

    raws[0].close()
    await raws[0].closed
    // The refused ones were never counted: exactly one slot is free now that one closed.
    const reopened = await waitFor(() => openRaw(url).catch(() => null), { what: 'the freed slot' })
    raws.push(reopened)
    expect(await handshake(url)).toBe(429)
  })

  it('is validated at start, default 50', () => {
    expect(() => loadConfig({ MAX_SOCKETS_PER_ADDRESS: '0' })).toThrow(ConfigError)
    expect(loadConfig({}).maxSocketsPerAddress).toBe(50)
    expect(loadConfig({ MAX_SOCKETS_PER_ADDRESS: '7' }).maxSocketsPerAddress).toBe(7)
  })
})
