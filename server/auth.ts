// Who is asking: a board token (Authorization: Bearer T, or ?token=T) resolves to a role on one board.
// Order of checks (docs/architecture.md): odd id or unknown board → 404, missing or wrong token → 401,
// too weak → 403.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './deps'
import { jsonError } from './http'
import { isBoardId } from './ids'
import type { Board, Role } from './store/types'
import { tokensEqual } from './tokens'

export const ROLE_RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 }

export function tokenFrom(c: Context): string | null {
  const header = c.req.header('authorization')
  const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)
  if (bearer) return bearer[1]
  const query = c.req.query('token')
  return query ? query : null
}

/** The role a token grants on a board, or null. All three tokens are compared every time. */
export function roleFor(board: Board, token: string): Role | null {
  const owner = tokensEqual(token, board.ownerToken)
  const editor = tokensEqual(token, board.editToken)
  const viewer = tokensEqual(token, board.viewToken)
  return owner ? 'owner' : editor ? 'editor' : viewer ? 'viewer' : null
}

/** Middleware for routes with an `:id` board param: sets `board` and `role`, or answers 404/401/403. */
export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = c.req.param('id')
    if (!isBoardId(id)) return jsonError(c, 404, 'board not found')
    const board = await c.get('deps').store.getBoard(id)
    if (!board) return jsonError(c, 404, 'board not found')
    const token = tokenFrom(c)
    if (!token) return jsonError(c, 401, 'a board token is required (Authorization: Bearer T or ?token=T)')
    const role = roleFor(board, token)
    if (!role) return jsonError(c, 401, 'invalid token')
    if (ROLE_RANK[role] < ROLE_RANK[min]) return jsonError(c, 403, `this needs the ${min} role; your token is ${role}`)
    c.set('board', board)
    c.set('role', role)
    await next()
  }
}
