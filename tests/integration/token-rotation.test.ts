// POST /api/boards/:id/tokens/rotate (owner): new tokens for the listed roles; sockets opened with a rotated
// token are closed with CLOSE_ACCESS_REVOKED at once, and the old tokens get 401 from then on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLOSE_ACCESS_REVOKED, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS } from '../../shared/protocol'
import { openSqliteStore } from '../../server/store/sqlite'
import type { Store } from '../../server/store/types'
import { openRaw, type RawSocket, upgradeStatus } from '../helpers/raw-socket'
import { type CreatedBoard, createBoard, jsonApi, startTestServer, type TestServer, tempDir } from '../helpers/server'
import { waitFor } from '../helpers/wait'
import { destroyProviders, makeProvider, synced } from '../helpers/yjs'

let s: TestServer
let b: CreatedBoard
const api = jsonApi(() => s.url)
const raws: RawSocket[] = []
beforeEach(async () => {
  s = await startTestServer()
  b = await createBoard(s.url)
})
afterEach(async () => {
  destroyProviders()
  for (const r of raws.splice(0)) r.close()
  await s.close()
})

async function raw(token: string): Promise<RawSocket> {
  const sock = await openRaw(`${s.wsUrl}/${b.id}?token=${token}`)
  raws.push(sock)
  return sock
}
/** Resolves with the code the socket was closed with. */
const closeCode = (sock: RawSocket) => sock.closed.then((c) => c.code)

describe('token rotation', () => {
  it('rotates editor and viewer by default: their sockets close with 4401, old tokens get 401, the owner stays', async () => {
    const owner = makeProvider(s.wsUrl, b.id, b.ownerToken)
    const editor = makeProvider(s.wsUrl, b.id, b.editToken)
    await Promise.all([synced(owner), synced(editor)])
    editor.items.push(['before rotation'])
    await waitFor(() => owner.items.length === 1, { what: 'owner received the edit' })
    const [ownerSock, editSock, viewSock] = await Promise.all([raw(b.ownerToken), raw(b.editToken), raw(b.viewToken)])
    const editorCodes: number[] = []
    editor.provider.on('connection-close', (e) => e && editorCodes.push(e.code))

    const res = await api('POST', `/api/boards/${b.id}/tokens/rotate`, b.ownerToken)
    expect(res.status).toBe(200)
    expect(Object.keys(res.json).sort()).toEqual(['editToken', 'editUrl', 'id', 'viewToken', 'viewUrl'])
    expect(res.json.id).toBe(b.id)
    expect(res.json.editToken).not.toBe(b.editToken)
    expect(res.json.viewToken).not.toBe(b.viewToken)
    expect(res.json.editUrl).toBe(b.editUrl.replace(b.editToken, res.json.editToken))
    expect(res.json.viewUrl).toBe(b.viewUrl.replace(b.viewToken, res.json.viewToken))

    expect(await closeCode(editSock)).toBe(CLOSE_ACCESS_REVOKED)
    expect(await closeCode(viewSock)).toBe(CLOSE_ACCESS_REVOKED)
    await waitFor(() => editorCodes.includes(CLOSE_ACCESS_REVOKED), { what: 'editor provider closed with 4401' })

    // Old tokens: 401 over HTTP and on the websocket upgrade. New ones work.
    expect((await api('GET', `/api/boards/${b.id}`, b.editToken)).status).toBe(401)
    expect((await api('GET', `/api/boards/${b.id}`, b.viewToken)).status).toBe(401)
    expect(await upgradeStatus(`${s.wsUrl}/${b.id}?token=${b.editToken}`)).toBe(401)
    expect(await upgradeStatus(`${s.wsUrl}/${b.id}?token=${b.viewToken}`)).toBe(401)
    expect((await api('GET', `/api/boards/${b.id}`, res.json.editToken)).json.role).toBe('editor')
    expect((await api('GET', `/api/boards/${b.id}`, res.json.viewToken)).json.role).toBe('viewer')

    // The owner's sockets were not touched; a new editor with the new token reaches them, with the board intact.
    const editor2 = makeProvider(s.wsUrl, b.id, res.json.editToken)
    await synced(editor2)
    expect(editor2.items.toArray()).toEqual(['before rotation'])
    editor2.items.push(['after rotation'])
    await waitFor(() => owner.items.toArray().includes('after rotation'), { what: 'owner received the new edit' })
    expect(ownerSock.ws.readyState).toBe(ownerSock.ws.OPEN)
    expect((await api('GET', `/api/boards/${b.id}`, b.ownerToken)).json.role).toBe('owner')
  })

  it('rotates only the roles asked for: the owner token, leaving editor and viewer alone', async () => {
    const [ownerSock, editSock] = await Promise.all([raw(b.ownerToken), raw(b.editToken)])
    const res = await api('POST', `/api/boards/${b.id}/tokens/rotate`, b.ownerToken, { roles: ['owner'] })
    expect(res.status).toBe(200)
    expect(Object.keys(res.json).sort()).toEqual(['id', 'ownerToken', 'ownerUrl'])
    expect(await closeCode(ownerSock)).toBe(CLOSE_ACCESS_REVOKED)
    expect((await api('GET', `/api/boards/${b.id}`, b.ownerToken)).status).toBe(401)
    expect((await api('GET', `/api/boards/${b.id}`, res.json.ownerToken)).json.role).toBe('owner')
    expect((await api('GET', `/api/boards/${b.id}`, b.editToken)).json.role).toBe('editor')
    expect(editSock.ws.readyState).toBe(editSock.ws.OPEN)

    const all = await api('POST', `/api/boards/${b.id}/tokens/rotate`, res.json.ownerToken, { roles: ['viewer', 'owner', 'editor'] })
    expect(Object.keys(all.json).sort()).toEqual(['editToken', 'editUrl', 'id', 'ownerToken', 'ownerUrl', 'viewToken', 'viewUrl'])
    expect(await closeCode(editSock)).toBe(CLOSE_ACCESS_REVOKED)
    expect((await api('GET', `/api/boards/${b.id}`, res.json.ownerToken)).status).toBe(401)
    expect((await api('GET', `/api/boards/${b.id}`, all.json.ownerToken)).json.role).toBe('owner')
  })

  it('needs the owner token and a valid body', async () => {
    const url = `/api/boards/${b.id}/tokens/rotate`
    expect((await api('POST', url)).status).toBe(401)
    expect((await api('POST', url, 'not-a-token')).status).toBe(401)
    expect((await api('POST', url, b.editToken)).status).toBe(403)
    expect((await api('POST', url, b.viewToken)).status).toBe(403)
    expect((await api('POST', '/api/boards/nosuchboard000000/tokens/rotate', b.ownerToken)).status).toBe(404)
    expect((await api('POST', url, b.ownerToken, { roles: ['admin'] })).status).toBe(422)
    expect((await api('POST', url, b.ownerToken, { roles: [] })).status).toBe(422)
    expect((await api('POST', url, b.ownerToken, '{bad json')).status).toBe(400)
    // Nothing was rotated by the refused requests.
    expect((await api('GET', `/api/boards/${b.id}`, b.editToken)).json.role).toBe('editor')
  })

  it('a socket whose token was rotated after the upgrade was allowed, but before it opened, is closed with 4401', async () => {
    // A store that changes the edit token right after the pre-upgrade check read the board: the rotation
    // lands in the window where there is no socket yet for it to close.
    await s.close()
    const dataDir = tempDir()
    const inner = openSqliteStore(dataDir)
    let rotateAfterRead = false
    const store: Store = {
      ...inner,
      async getBoard(id) {
        const board = await inner.getBoard(id)
        if (rotateAfterRead) {
          rotateAfterRead = false
          await inner.setTokens(id, { editToken: 'rotated-in-between' })
        }
        return board
      },
    }
    s = await startTestServer({ dataDir, store })
    b = await createBoard(s.url)
    rotateAfterRead = true
    const sock = await raw(b.editToken)
    expect(await closeCode(sock)).toBe(CLOSE_ACCESS_REVOKED)
    expect(await upgradeStatus(`${s.wsUrl}/${b.id}?token=${b.editToken}`)).toBe(401)
    // An unrotated token stays open: it still gets an answer after its re-check has run (the re-check is
    // started before the first frame is read).
    const viewer = await raw(b.viewToken)
    viewer.send(new Uint8Array([MESSAGE_QUERY_AWARENESS]))
    await waitFor(() => viewer.received.some((f) => f[0] === MESSAGE_AWARENESS), { what: 'awareness answer' })
    expect(viewer.ws.readyState).toBe(viewer.ws.OPEN)
  })
})
