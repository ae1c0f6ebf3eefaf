// Boards: create (tokens and links, optionally seeded from a Tree JSON or a markdown outline), read, rename.
import { z } from 'zod'
import type { BoardInfo, CreatedBoard } from '../../shared/api'
import type { LockedBet } from '../../shared/bet'
import { parseOutline } from '../../shared/formats/outline'
import { parseTreeJson, treeJsonToRecords, type TreeJson } from '../../shared/formats/tree-json'
import { makeBaseDocumentRecords } from '../../shared/records'
import { requireRole } from '../auth'
import { writeRecords, writeSchema } from '../board-doc'
import { CLOSE_ACCESS_REVOKED, CLOSE_BOARD_DELETED } from '../../shared/protocol'
import type { AppDeps, RouteModule } from '../deps'
import { HttpError, jsonError, parseBody, readJsonBody } from '../http'
import { generateBoardId } from '../ids'
import type { Board, Role } from '../store/types'
import { generateToken } from '../tokens'

export const TITLE_MAX = 200
const DEFAULT_TITLE = 'Untitled board'

const title = z.string().trim().max(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`)
const createBody = z.object({ title: title.optional(), tree: z.unknown().optional(), outline: z.unknown().optional() })
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


/** The seed of a new board, if one was sent: Tree JSON or a markdown outline (not both). Errors are the
 *  parsers' own: JSON paths or line numbers, so a person can find and fix the problem. */
function parseSeed(body: { tree?: unknown; outline?: unknown }): TreeJson | null {
  if (body.tree !== undefined && body.outline !== undefined) throw new HttpError(422, 'send either tree or outline, not both')
  if (body.tree === undefined && body.outline === undefined) return null
  if (body.outline !== undefined && typeof body.outline !== 'string') throw new HttpError(422, 'outline: must be markdown text')
  const parsed = body.tree !== undefined ? parseTreeJson(body.tree) : parseOutline(body.outline as string)
  if (!parsed.ok) throw new SeedError(body.tree !== undefined ? 'tree' : 'outline', parsed.errors)
  return parsed.value
}

class SeedError extends HttpError {
  constructor(
    readonly field: string,
    readonly errors: string[],
  ) {
    super(422, `${field}: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`)
  }
}

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

const boardJson = (board: Board, role: Role, bet: LockedBet | null): BoardInfo => ({
  id: board.id,
  title: board.title,
  createdAt: board.createdAt,
  updatedAt: board.updatedAt,
  role,
  bet,
})

export const boardRoutes: RouteModule = (app, deps) => {
  app.post('/api/boards', async (c) => {
    const body = parseBody(createBody, await readJsonBody(c))
    let seed: TreeJson | null
    try {
      seed = parseSeed(body)
    } catch (err) {
      if (err instanceof SeedError) return c.json({ error: err.message, errors: err.errors }, 422)
      throw err
    }
    const board = await deps.store.createBoard({
      id: generateBoardId(),
      title: body.title || seed?.title?.trim().slice(0, TITLE_MAX) || DEFAULT_TITLE,
      ownerToken: generateToken(),
      editToken: generateToken(),
      viewToken: generateToken(),
    })
    // Every board starts with its schema and page written by the server: `meta` is the server's to write.
    const records = [...makeBaseDocumentRecords(), ...(seed ? treeJsonToRecords(seed) : [])]
    await deps.rooms.applyServerChange(board.id, (doc) => {
      writeSchema(doc)
      writeRecords(doc, records)
    })
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
    return c.json(boardJson(board, c.get('role'), await deps.store.getBet(board.id)))
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
    return c.json(boardJson(board!, c.get('role'), await deps.store.getBet(board!.id)))
  })
}
