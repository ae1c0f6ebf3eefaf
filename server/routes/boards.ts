// Boards: create (tokens and links, optionally seeded from a Tree JSON or a markdown outline), read, rename.
import { z } from 'zod'
import type { BoardInfo, CreatedBoard } from '../../shared/api'
import type { LockedBet } from '../../shared/bet'
import { requireRole } from '../auth'
import { DEFAULT_TITLE, title } from '../board-seed'
import { CLOSE_ACCESS_REVOKED, CLOSE_BOARD_DELETED } from '../../shared/protocol'
import type { AppDeps, RouteModule } from '../deps'
import { jsonError, parseBody, readBodyBytes, readJsonBody } from '../http'
import { generateBoardId } from '../ids'
import { clientAddress } from '../rate-limit'
import { prepareBoardOffLoop } from '../seed-pool'
import type { Board, Role } from '../store/types'
import { generateToken } from '../tokens'

export { TITLE_MAX } from '../board-seed'

const patchBody = z.object({ title })
const ROTATABLE = ['owner', 'editor', 'viewer'] as const
const rotateBody = z.object({
  roles: z
    .array(z.enum(ROTATABLE))
    .min(1, 'list at least one of owner, editor, viewer')
    .default(['editor', 'viewer']),
})
/** Where each role's token and link sit in the create (and rotate) response. */
const TOKEN_FIELDS = {
  owner: { token: 'ownerToken', url: 'ownerUrl' },
  editor: { token: 'editToken', url: 'editUrl' },
  viewer: { token: 'viewToken', url: 'viewUrl' },
} as const


/** Closes every socket on the board that was opened with one of `roles`' tokens (each role has one token, so
 *  that is every socket of those roles); returns how many. */
function revokeConnections(deps: AppDeps, boardId: string, roles: readonly Role[]): number {
  let n = 0
  for (const conn of deps.conns) {
    if (conn.boardId !== boardId || !roles.includes(conn.role)) continue
    conn.close(CLOSE_ACCESS_REVOKED, 'token rotated')
    n++
  }
  return n
}

/** The view link: read-only access, what editors may hand to stakeholders and what bet exports link to. */
export const viewLink = (deps: AppDeps, board: Board) => `${deps.publicUrl()}/b/${board.id}?token=${board.viewToken}`

const boardJson = (deps: AppDeps, board: Board, role: Role, bet: LockedBet | null): BoardInfo => ({
  id: board.id,
  title: board.title,
  createdAt: board.createdAt,
  updatedAt: board.updatedAt,
  role,
  bet,
  // Editors and owners may invite read-only people; nobody gets a token above their own role.
  ...(role === 'owner' || role === 'editor' ? { viewUrl: viewLink(deps, board) } : {}),
})

export const boardRoutes: RouteModule = (app, deps) => {
  // Disk per client address: BOARD_CREATE_BYTES_PER_HOUR, counted in bytes received or stored, whichever
  // is more (the body's size is taken before any work, what the first update weighs beyond it once known).
  const createBytes = deps.limits.make('create-bytes', deps.config.boardCreateBytesPerHour / 3600, deps.config.boardCreateBytesPerHour)
  const seedLimits = { maxJsonDepth: deps.config.maxJsonDepth, maxSeedNodes: deps.config.maxSeedNodes }

  app.post('/api/boards', async (c) => {
    const body = await readBodyBytes(c, deps.config.bodyLimitBytes, deps.config.maxJsonDepth)
    const address = clientAddress(c)
    const bytes = body.byteLength
    const waitMs = await createBytes.take(address, bytes)
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000)
      deps.metrics.httpRateLimited++
      c.header('Retry-After', String(seconds))
      return jsonError(c, 429, `too many bytes of new boards from this address this hour; try again in ${seconds} s`)
    }
    // Parsed, checked and turned into the board's first update off the event loop when big (seed-pool.ts).
    const prepared = await prepareBoardOffLoop(body, seedLimits)
    if (!prepared.ok) {
      return c.json(prepared.errors ? { error: prepared.error, errors: prepared.errors } : { error: prepared.error }, prepared.status)
    }
    const board = await deps.store.createBoard({
      id: generateBoardId(),
      title: prepared.title,
      ownerToken: generateToken(),
      editToken: generateToken(),
      viewToken: generateToken(),
    })
    // Nobody knows the new board's id yet and it has no room: its document goes straight to the store, a
    // row at a time with other work in between (a big seed in one row holds the event loop while it is written).
    let stored = 0
    for (const [i, update] of prepared.updates.entries()) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve))
      await deps.store.appendUpdates(board.id, [update])
      stored += update.byteLength
    }
    await createBytes.charge(address, stored - bytes)
    const link = (token: string) => `${deps.publicUrl()}/b/${board.id}?token=${token}`
    deps.log.info({ boardId: board.id }, 'board created')
    const created: CreatedBoard = {
      id: board.id,
      title: board.title,
      ownerToken: board.ownerToken,
      editToken: board.editToken,
      viewToken: board.viewToken,
      ownerUrl: link(board.ownerToken),
      editUrl: link(board.editToken),
      viewUrl: link(board.viewToken),
    }
    return c.json(created, 201)
  })

  // Owner: new tokens for the listed roles (default editor and viewer). The old ones stop working at once:
  // HTTP answers 401, and sockets opened with them are closed with CLOSE_ACCESS_REVOKED (4401).
  app.post('/api/boards/:id/tokens/rotate', requireRole('owner'), async (c) => {
    const body = parseBody(rotateBody, await readJsonBody(c))
    const roles = ROTATABLE.filter((r) => body.roles.includes(r))
    const tokens: Partial<Record<'ownerToken' | 'editToken' | 'viewToken', string>> = {}
    for (const role of roles) tokens[TOKEN_FIELDS[role].token] = generateToken()
    const board = await deps.store.setTokens(c.get('board').id, tokens)
    if (!board) return jsonError(c, 404, 'board not found')
    deps.rooms.revoke(board.id, roles) // on every process
    const revoked = revokeConnections(deps, board.id, roles)
    deps.log.info({ boardId: board.id, roles, closedConnections: revoked }, 'tokens rotated')
    const answer: Record<string, string> = { id: board.id }
    for (const role of roles) {
      const { token, url } = TOKEN_FIELDS[role]
      answer[token] = board[token]
      answer[url] = `${deps.publicUrl()}/b/${board.id}?token=${board[token]}`
    }
    return c.json(answer, 200)
  })

  app.get('/api/boards/:id', requireRole('viewer'), async (c) => {
    const board = c.get('board')
    return c.json(boardJson(deps, board, c.get('role'), await deps.store.getBet(board.id)))
  })

  // Owner: deletes the board for good. Its sockets close with CLOSE_BOARD_DELETED (4404), its room is
  // unloaded, and then every row kept for it goes in one transaction; afterwards it is 404 everywhere.
  app.delete('/api/boards/:id', requireRole('owner'), async (c) => {
    const id = c.get('board').id
    await deps.rooms.deleteBoard(id, async () => {
      await deps.store.deleteBoard(id)
    })
    // Sockets not in the room (still opening) are closed too.
    for (const conn of deps.conns) if (conn.boardId === id) conn.close(CLOSE_BOARD_DELETED, 'board deleted')
    return c.body(null, 204)
  })

  app.patch('/api/boards/:id', requireRole('editor'), async (c) => {
    const body = parseBody(patchBody, await readJsonBody(c))
    const board = await deps.store.setTitle(c.get('board').id, body.title || DEFAULT_TITLE)
    return c.json(boardJson(deps, board!, c.get('role'), await deps.store.getBet(board!.id)))
  })
}
