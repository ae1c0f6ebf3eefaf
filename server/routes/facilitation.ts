// Live workshop facilitation: the timer, dot-voting rounds and summon. The owner token is the facilitator:
// every action that steers the session needs it. Votes live only in the store; the document and the board
// events carry nothing but public round facts until the facilitator reveals the results. Who voted is the
// server's signed voter cookie (voter-identity.ts), never an id the client sends.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { IDLE_TIMER, TIMER_MAX_SECONDS, applyTimerAction, type TimerState } from '../../shared/timer'
import { deriveTree } from '../../shared/tree'
import {
  MAX_VOTES_PER_PERSON,
  VIEWERS_KEPT_OUT,
  VOTE_TARGETS,
  checkBallot,
  mayVote,
  rankResults,
  roundCandidates,
  votesLeft,
  type BallotView,
  type PublicRound,
  type SessionView,
} from '../../shared/voting'
import { YDOC_BOARD } from '../../shared/model'
import type { Role } from '../../shared/api'
import { requireRole } from '../auth'
import { liveRecords, readRecords } from '../board-doc'
import type { AppDeps, RouteModule } from '../deps'
import { HttpError, jsonError, parseBody, readJsonBody } from '../http'
import { VoterIdentities, loadVoterSecret } from '../voter-identity'

const seconds = z.number().int().min(1).max(TIMER_MAX_SECONDS)
const timerBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start'), seconds }),
  z.object({ action: z.literal('pause') }),
  z.object({ action: z.literal('resume') }),
  z.object({ action: z.literal('add'), seconds: z.number().int().min(-TIMER_MAX_SECONDS).max(TIMER_MAX_SECONDS) }),
  z.object({ action: z.literal('reset') }),
])
const roundBody = z.object({
  target: z.enum(VOTE_TARGETS),
  scopeId: z.string().max(200).nullable().optional(),
  votesPerPerson: z.number().int().min(1).max(MAX_VOTES_PER_PERSON).default(3),
  allowMultiple: z.boolean().default(true),
  /** false keeps people on a view link out of the round (they watch); default true, as before the option. */
  viewersCanVote: z.boolean().default(true),
})
/** No voterId: a voterId sent by an older client is ignored (zod drops unknown keys). */
const voteBody = z.object({ nodeId: z.string().min(1).max(200), delta: z.union([z.literal(1), z.literal(-1)]) })
const summonBody = z.object({
  bounds: z.object({
    x: z.number().finite(),
    y: z.number().finite(),
    w: z.number().finite().positive(),
    h: z.number().finite().positive(),
  }),
  by: z.string().trim().max(80).optional(),
})


/** The session as anyone on the board may see it, plus the asking voter's own ballot. */
async function sessionView(deps: AppDeps, boardId: string, voter: string | undefined): Promise<SessionView> {
  const timer = (await deps.store.getTimer(boardId)) ?? IDLE_TIMER
  const round = await deps.store.latestRound(boardId)
  const mine = round && voter ? await deps.store.getBallot(round.id, voter) : {}
  return {
    serverNow: Date.now(),
    timer,
    round,
    mine,
    votesLeft: round && round.status === 'open' ? votesLeft(round, mine) : 0,
  }
}

export const facilitationRoutes: RouteModule = (app, deps) => {
  const voters = new VoterIdentities(
    loadVoterSecret(deps.config.dataDir, deps.config.voterSecret),
    deps.config.voterIdsPerHour,
    deps.config.rateLimitClients,
    deps.limits.make,
  )
  const announceTimer = (boardId: string, timer: TimerState) =>
    deps.rooms.broadcastEvent(boardId, { type: 'timer', timer, serverNow: Date.now() })
  const announceRound = (boardId: string, round: PublicRound | null) =>
    deps.rooms.broadcastEvent(boardId, { type: 'round', round, serverNow: Date.now() })

  // The asker's own ballot comes from their voter cookie; `?voter=` (older clients) is ignored.
  app.get('/api/boards/:id/session', requireRole('viewer'), async (c) => {
    const boardId = c.get('board').id
    const who = voters.read(c, boardId)
    if (who.status === 'forged') voters.clear(c, boardId)
    return c.json(await sessionView(deps, boardId, who.status === 'valid' ? who.voterId : undefined))
  })

  app.post('/api/boards/:id/timer', requireRole('owner'), async (c) => {
    const action = parseBody(timerBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const timer = applyTimerAction((await deps.store.getTimer(boardId)) ?? IDLE_TIMER, action, Date.now())
    await deps.store.setTimer(boardId, timer)
    announceTimer(boardId, timer)
    return c.json({ timer, serverNow: Date.now() })
  })

  app.post('/api/boards/:id/rounds', requireRole('owner'), async (c) => {
    const settings = parseBody(roundBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const scopeId = settings.scopeId ?? null
    const records = await liveRecords(deps.rooms, boardId)
    const tree = deriveTree(records)
    if (scopeId && !tree.byId.has(scopeId)) return jsonError(c, 422, 'scopeId: no such node on this board')
    const candidates = roundCandidates(tree, settings.target, scopeId)
    if (!candidates.length) return jsonError(c, 422, `there are no ${settings.target} nodes to vote on`)
    const result = await deps.store.startRound(boardId, {
      id: randomUUID(),
      settings: { ...settings, scopeId },
      candidates: candidates.map((n) => ({ id: n.id, title: n.props.title })),
      startedAt: new Date().toISOString(),
    })
    if (!result.ok) return c.json({ error: 'a voting round is already open; reveal or cancel it first', round: result.open }, 409)
    announceRound(boardId, result.round)
    return c.json(result.round, 201)
  })

  const openRound = async (boardId: string) => {
    const round = await deps.store.latestRound(boardId)
    if (!round || round.status !== 'open') throw new HttpError(409, 'no voting round is open')
    return round
  }

  app.post('/api/boards/:id/rounds/current/votes', requireRole('viewer'), async (c) => {
    const body = parseBody(voteBody, await readJsonBody(c))
    const boardId = c.get('board').id
    const round = await openRound(boardId)
    // Before any voter identity is read or issued: a refused viewer gets no cookie.
    if (!mayVote(round, c.get('role') as Role)) return jsonError(c, 403, VIEWERS_KEPT_OUT)
    const who = voters.read(c, boardId)
    if (who.status === 'forged') {
      voters.clear(c, boardId)
      return jsonError(c, 403, 'voter cookie: not valid (altered, or signed by another server); it was cleared, vote again')
    }
    let voterId: string
    if (who.status === 'valid') voterId = who.voterId
    else {
      // First vote from this browser profile on this board: the server makes its identity.
      const issued = await voters.issue(c, boardId)
      if ('waitMs' in issued) {
        const seconds = Math.ceil(issued.waitMs / 1000)
        deps.metrics.httpRateLimited++
        c.header('Retry-After', String(seconds))
        return jsonError(c, 429, `too many new voters from your address on this board; try again in ${seconds} s`)
      }
      voterId = issued.voterId
    }
    const result = await deps.store.castVote(round.id, voterId, body.nodeId, body.delta, (ballot) =>
      checkBallot(round, round.candidates, ballot),
    )
    if (!result.ok) return jsonError(c, 422, result.reason)
    // Everyone learns how many people voted, never who or where.
    const latest = await deps.store.latestRound(boardId)
    if (latest && latest.voters !== round.voters) announceRound(boardId, latest)
    return c.json({ mine: result.ballot, votesLeft: votesLeft(round, result.ballot) } satisfies BallotView)
  })

  app.post('/api/boards/:id/rounds/current/reveal', requireRole('owner'), async (c) => {
    const boardId = c.get('board').id
    const round = await openRound(boardId)
    const records = await deps.rooms.withDoc(boardId, (doc) => readRecords(doc))
    // Titles as they are now (a node renamed during the round shows its new name), else as at the start.
    const candidates = round.candidates.map((id) => ({ id, title: String((records.get(id)?.props as { title?: string })?.title ?? id) }))
    const results = rankResults(candidates, await deps.store.tally(round.id))
    const at = new Date().toISOString()
    await deps.store.finishRound(round.id, 'revealed', results, at)
    const revealed = (await deps.store.latestRound(boardId))!
    // Revealed results are public and belong to the board: every client renders them from the document.
    await deps.rooms.applyServerChange(boardId, (doc) =>
      doc.getMap(YDOC_BOARD).set('votes', { roundId: round.id, target: round.target, revealedAt: at, results }),
    )
    announceRound(boardId, revealed)
    return c.json(revealed)
  })

  app.delete('/api/boards/:id/rounds/current', requireRole('owner'), async (c) => {
    const boardId = c.get('board').id
    const round = await openRound(boardId)
    await deps.store.finishRound(round.id, 'cancelled', null, new Date().toISOString())
    const cancelled = (await deps.store.latestRound(boardId))!
    announceRound(boardId, cancelled)
    return c.json(cancelled)
  })

  app.post('/api/boards/:id/summon', requireRole('owner'), async (c) => {
    const body = parseBody(summonBody, await readJsonBody(c))
    deps.rooms.broadcastEvent(c.get('board').id, { type: 'summon', bounds: body.bounds, by: body.by ?? 'The facilitator' })
    return c.json({ ok: true })
  })
}
