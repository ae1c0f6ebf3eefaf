// The one bet to ship next: lock it from a solution on the live tree, unlock it (owner), the decision log,
// its exports, and pushing it to a tracker. The store keeps the truth (one bet per board, every decision);
// the live document gets a copy (`board.bet`, locked shapes) so every client sees it at once.
import { z } from 'zod'
import { WHY_MAX, betPath, betToJiraCsv, betToJson, betToMarkdown, lockBet, readLockedBet, type LockedBet } from '../../shared/bet'
import type { SkippedRecord } from '../../shared/tree'
import { deriveTree } from '../../shared/tree'
import { requireRole } from '../auth'
import { betPathIds, liveRecords, markBet } from '../board-doc'
import type { AppDeps, RouteModule } from '../deps'
import { HttpError, jsonError, parseBody, readJsonBody } from '../http'
import type { Actor, Board, Role } from '../store/types'
import { viewLink } from './boards'
import { configuredTrackers, TRACKERS } from '../trackers/config'
import { pushBet } from '../trackers/push'
import { exportFormat, sendExport } from './exports'

const NAME_MAX = 80
const name = z.string().trim().max(NAME_MAX, `by must be at most ${NAME_MAX} characters`).optional()
/** Why the bet is locked or unlocked: optional, trimmed, at most WHY_MAX characters; empty or null is none. */
const why = z
  .string()
  .trim()
  .max(WHY_MAX, `why must be at most ${WHY_MAX} characters`)
  .nullable()
  .optional()
  .transform((s) => s || undefined)
const lockBody = z.object({ solutionId: z.string().min(1, 'solutionId is required').max(200), by: name, why })
const unlockBody = z.object({ by: name, why })
const pushBody = z.object({ tracker: z.enum(TRACKERS, `tracker must be one of ${TRACKERS.join(', ')}`) })


const versionActor = (actor: Actor) => ({ name: actor.name || 'Anonymous', role: actor.role })
const actorLabel = (actor: Actor) => (actor.name ? `${actor.name} (${actor.role})` : actor.role)

/** The link back to the board in a bet's exports and pushed issues: its view link, read-only (the export
 *  says it grants read access). Whoever may export (a viewer too) already holds at least that access. */
export const boardLink = (deps: AppDeps, board: Board) => viewLink(deps, board)

export const betRoutes: RouteModule = (app, deps) => {
  // A stored bet may predate validated props (a snapshot with `evidence: 5`): read what can be read, and
  // let the exports say what was left out rather than fail.
  const requireBet = async (boardId: string): Promise<{ bet: LockedBet; skipped: SkippedRecord[] }> => {
    const stored = await deps.store.getBet(boardId)
    if (!stored) throw new HttpError(404, 'no bet is locked on this board')
    const { bet, skipped } = readLockedBet(stored)
    if (!bet) throw new HttpError(422, 'the locked bet could not be read; unlock it and lock it again')
    return { bet, skipped }
  }

  app.post('/api/boards/:id/bet', requireRole('editor'), async (c) => {
    const body = parseBody(lockBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const actor: Actor = { role: c.get('role') as Role, name: body.by ?? '' }
    const records = await liveRecords(deps.rooms, boardId)
    const path = betPath(deriveTree(records), body.solutionId)
    if (!path.ok) return jsonError(c, 422, path.reason)
    // Version history: the board as the decision was made on it, and as it is after (shapes locked).
    const locked = await deps.store.getBet(boardId)
    if (locked) return c.json({ error: `another bet is locked: "${locked.title}"`, bet: locked }, 409)
    const before = await deps.versions.make(boardId, 'before-lock', { actor: versionActor(actor) })
    const bet: LockedBet = { ...lockBet(path.path, actorLabel(actor)), versionId: before!.info.id, ...(body.why ? { why: body.why } : {}) }
    const result = await deps.store.lockBet(boardId, bet, actor)
    if (!result.ok) return c.json({ error: `another bet is locked: "${result.current.title}"`, bet: result.current }, 409)
    await deps.rooms.applyServerChange(boardId, (doc) => markBet(doc, result.bet, betPathIds(result.bet)))
    await deps.versions.make(boardId, 'after-lock', { actor: versionActor(actor) })
    deps.log.info({ boardId, solutionId: result.bet.solutionId, role: actor.role }, 'bet locked')
    return c.json(result.bet, 201)
  })

  app.delete('/api/boards/:id/bet', requireRole('owner'), async (c) => {
    const body = parseBody(unlockBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const actor: Actor = { role: 'owner', name: body.by ?? '' }
    if (!(await deps.store.getBet(boardId))) return jsonError(c, 404, 'no bet is locked on this board')
    const before = await deps.versions.make(boardId, 'before-unlock', { actor: versionActor(actor) })
    const bet = await deps.store.unlockBet(boardId, actor, before!.info.id, body.why ?? null)
    if (!bet) return jsonError(c, 404, 'no bet is locked on this board')
    await deps.rooms.applyServerChange(boardId, (doc) => markBet(doc, null, betPathIds(bet)))
    await deps.versions.make(boardId, 'after-unlock', { actor: versionActor(actor) })
    deps.log.info({ boardId, solutionId: bet.solutionId }, 'bet unlocked')
    return c.json({ unlocked: bet, ...(body.why ? { why: body.why } : {}) })
  })

  app.get('/api/boards/:id/decisions', requireRole('viewer'), async (c) =>
    c.json(await deps.store.listDecisions(c.get('board').id)),
  )

  app.get('/api/boards/:id/bet/export', requireRole('viewer'), async (c) => {
    const format = exportFormat(c)
    const board = c.get('board')
    const { bet, skipped } = await requireBet(board.id)
    const opts = { boardUrl: boardLink(deps, board) }
    const body =
      format === 'md'
        ? betToMarkdown(bet, opts)
        : format === 'csv'
          ? betToJiraCsv(bet, opts)
          : JSON.stringify({ ...betToJson(bet, opts), ...(skipped.length ? { skipped } : {}) }, null, 2) + '\n'
    return sendExport(c, format, body, `bet-${bet.title}`, skipped.length)
  })

  app.post('/api/boards/:id/bet/push', requireRole('editor'), async (c) => {
    const { tracker } = parseBody(pushBody, await readJsonBody(c))
    const board = c.get('board')
    const boardId = board.id
    if (!configuredTrackers(deps.trackers).includes(tracker)) {
      return jsonError(c, 400, `${tracker} is not configured on this server`)
    }
    const { bet } = await requireBet(boardId)
    const result = await pushBet(tracker, deps.trackers, bet, { boardUrl: boardLink(deps, board) })
    if (!result.ok) {
      deps.log.warn({ boardId, tracker, message: result.message }, 'tracker push failed')
      return jsonError(c, 502, result.message)
    }
    const updated = await deps.store.recordPush(boardId, { tracker, url: result.url, key: result.key, at: new Date().toISOString() })
    // The bet may have been unlocked while the tracker answered; the issue exists either way.
    const live = updated && readLockedBet(updated).bet
    if (live) await deps.rooms.applyServerChange(boardId, (doc) => markBet(doc, live, betPathIds(live)))
    deps.log.info({ boardId, tracker, key: result.key }, 'bet pushed')
    return c.json({ url: result.url, key: result.key }, 201)
  })
}
