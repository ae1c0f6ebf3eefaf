// Boards: create (tokens and links), read, rename.
import { z } from 'zod'
import { requireRole } from '../auth'
import type { RouteModule } from '../deps'
import { HttpError, readJsonBody } from '../http'
import { generateBoardId } from '../ids'
import type { Board, Role } from '../store/types'
import { generateToken } from '../tokens'

export const TITLE_MAX = 200
const DEFAULT_TITLE = 'Untitled board'

const title = z.string().trim().max(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`)
// `tree` and `outline` seeds are accepted by the contract; seeding arrives with the import feature.
const createBody = z.object({ title: title.optional(), tree: z.unknown().optional(), outline: z.unknown().optional() })
const patchBody = z.object({ title })

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object')
  }
  const result = schema.safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new HttpError(422, `${issue.path.join('.') || 'body'}: ${issue.message}`)
  }
  return result.data
}

const boardJson = (board: Board, role: Role) => ({
  id: board.id,
  title: board.title,
  createdAt: board.createdAt,
  updatedAt: board.updatedAt,
  role,
  bet: null, // no bet can be locked yet (bets arrive with their own issue)
})

export const boardRoutes: RouteModule = (app, deps) => {
  app.post('/api/boards', async (c) => {
    const body = parse(createBody, await readJsonBody(c))
    const board = await deps.store.createBoard({
      id: generateBoardId(),
      title: body.title || DEFAULT_TITLE,
      ownerToken: generateToken(),
      editToken: generateToken(),
      viewToken: generateToken(),
    })
    const link = (token: string) => `${deps.publicUrl()}/b/${board.id}?token=${token}`
    deps.log.info({ boardId: board.id }, 'board created')
    return c.json(
      {
        id: board.id,
        title: board.title,
        ownerToken: board.ownerToken,
        editToken: board.editToken,
        viewToken: board.viewToken,
        ownerUrl: link(board.ownerToken),
        editUrl: link(board.editToken),
        viewUrl: link(board.viewToken),
      },
      201,
    )
  })

  app.get('/api/boards/:id', requireRole('viewer'), (c) => c.json(boardJson(c.get('board'), c.get('role'))))

  app.patch('/api/boards/:id', requireRole('editor'), async (c) => {
    const body = parse(patchBody, await readJsonBody(c))
    const board = await deps.store.setTitle(c.get('board').id, body.title || DEFAULT_TITLE)
    return c.json(boardJson(board!, c.get('role')))
  })
}
