// Boards: create (tokens and links, optionally seeded from a Tree JSON or a markdown outline), read, rename.
import { z } from 'zod'
import type { LockedBet } from '../../shared/bet'
import { parseOutline } from '../../shared/formats/outline'
import { parseTreeJson, treeJsonToRecords, type TreeJson } from '../../shared/formats/tree-json'
import { makeBaseDocumentRecords } from '../../shared/records'
import { requireRole } from '../auth'
import { writeRecords, writeSchema } from '../board-doc'
import type { RouteModule } from '../deps'
import { HttpError, parseBody, readJsonBody } from '../http'
import { generateBoardId } from '../ids'
import type { Board, Role } from '../store/types'
import { generateToken } from '../tokens'

export const TITLE_MAX = 200
const DEFAULT_TITLE = 'Untitled board'

const title = z.string().trim().max(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`)
const createBody = z.object({ title: title.optional(), tree: z.unknown().optional(), outline: z.unknown().optional() })
const patchBody = z.object({ title })


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

const boardJson = (board: Board, role: Role, bet: LockedBet | null) => ({
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
    if (seed) {
      const records = [...makeBaseDocumentRecords(), ...treeJsonToRecords(seed)]
      await deps.rooms.applyServerChange(board.id, (doc) => {
        writeSchema(doc)
        writeRecords(doc, records)
      })
    }
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

  app.get('/api/boards/:id', requireRole('viewer'), async (c) => {
    const board = c.get('board')
    return c.json(boardJson(board, c.get('role'), await deps.store.getBet(board.id)))
  })

  app.patch('/api/boards/:id', requireRole('editor'), async (c) => {
    const body = parseBody(patchBody, await readJsonBody(c))
    const board = await deps.store.setTitle(c.get('board').id, body.title || DEFAULT_TITLE)
    return c.json(boardJson(board!, c.get('role'), await deps.store.getBet(board!.id)))
  })
}
