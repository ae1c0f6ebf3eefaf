// The bet: the one solution the team commits to next, with the path that justifies it (outcome →
// opportunities → solution), its assumptions and the alternatives it beat. Locking freezes a plain-JSON
// snapshot so the decision record survives later edits to the board. Exports turn it into a tracker issue.

import { ASSUMPTION_CATEGORIES, ASSUMPTION_RESULTS, SOLUTION_STATUSES } from './model'
import type { AssumptionProps, OpportunityProps, OutcomeProps, SolutionProps } from './model'
import { ICE_METHOD, iceScore, opportunityScore } from './scoring'
import { pathTo } from './tree'
import type { SkippedRecord, Tree, TreeNode } from './tree'
import { escapeCsvText, unparseCsv } from './formats/csv'
import type { Role } from './model'
import type { ExportFormat } from './formats/export-format'

export interface BetPath {
  outcome: TreeNode
  /** Top-down: the last one is the target opportunity the solution answers. */
  opportunities: TreeNode[]
  solution: TreeNode
  assumptions: TreeNode[]
  /** The target opportunity's other solutions, in sibling order. */
  siblings: TreeNode[]
}

export type BetPathResult = { ok: true; path: BetPath } | { ok: false; reason: string }

/** The trackers a locked bet can be pushed to. */
export const TRACKERS = ['github', 'jira', 'linear'] as const
export type TrackerName = (typeof TRACKERS)[number]

/** One issue made in a tracker for a locked bet. */
export interface TrackerPush {
  tracker: TrackerName
  url: string
  key: string
  at: string // ISO 8601
}

/** The path to a solution, if it is a solution reachable from an outcome through opportunities. */
export function betPath(tree: Tree, solutionId: string): BetPathResult {
  const node = tree.byId.get(solutionId)
  if (!node) return { ok: false, reason: 'No node with that id on this board' }
  if (node.kind !== 'solution') return { ok: false, reason: `Only a solution can be the bet; this is an ${node.kind}` }
  const path = pathTo(tree, solutionId)
  const outcome = path[0]
  const opportunities = path.slice(1, -1)
  if (outcome.kind !== 'outcome' || !opportunities.length || opportunities.some((n) => n.kind !== 'opportunity')) {
    return { ok: false, reason: 'This solution is not connected to an outcome through an opportunity' }
  }
  const target = opportunities[opportunities.length - 1]
  return {
    ok: true,
    path: {
      outcome,
      opportunities,
      solution: node,
      assumptions: node.children.filter((c) => c.kind === 'assumption'),
      siblings: target.children.filter((c) => c.kind === 'solution' && c.id !== node.id),
    },
  }
}

// ---- snapshot: plain JSON, no TreeNode references ----

export interface OutcomeSnapshot { id: string; title: string; notes: string; metric: string; baseline: number | null; target: number | null; current: number | null }
export interface OpportunitySnapshot { id: string; title: string; notes: string; evidence: string[]; importance: number | null; satisfaction: number | null; score: number | null }
export interface SolutionSnapshot { id: string; title: string; notes: string; impact: number | null; confidence: number | null; ease: number | null; score: number | null; status: SolutionProps['status'] }
export interface AssumptionSnapshot { id: string; title: string; notes: string; category: AssumptionProps['category']; test: string; result: AssumptionProps['result'] }
export interface BetWarning { code: 'few-solutions-compared' | 'no-assumptions' | 'no-tested-assumption' | 'opportunity-without-evidence'; message: string }

export interface BetSnapshot {
  outcome: OutcomeSnapshot
  opportunities: OpportunitySnapshot[]
  solution: SolutionSnapshot
  assumptions: AssumptionSnapshot[]
  siblings: SolutionSnapshot[]
  iceMethod: typeof ICE_METHOD
  warnings: BetWarning[]
}

export interface LockedBet {
  solutionId: string
  title: string
  path: BetSnapshot
  lockedAt: string // ISO 8601
  lockedBy: string
  tracker?: { tracker: string; url: string; key: string }
  /** The board version the bet was locked on (version history); absent on bets locked before it existed. */
  versionId?: number
  /** Why the team chose it, as the person locking it wrote it (optional; absent when none was given). */
  why?: string
}

/** The longest "why" a lock or unlock may carry (characters, after trimming). */
export const WHY_MAX = 500

/** One entry of the decision log (`GET /api/boards/:id/decisions`): a bet locked or unlocked, who did it and
 *  when, with the path as it was. */
export interface Decision {
  id: number
  action: 'lock' | 'unlock'
  solutionId: string
  title: string
  by: string
  role: Role
  at: string // ISO 8601
  bet: LockedBet
  /** Issues made from this lock (lock entries only). */
  pushes: TrackerPush[]
  /** The version of the board the decision was made on (its 'before-lock' or 'before-unlock' version);
   *  null for decisions logged before version history existed. */
  versionId: number | null
  /** Why the bet was locked or unlocked, as the person wrote it; null when no reason was given. */
  why: string | null
}

/** Shape ids on a bet's path: outcome, opportunities, solution and its assumptions. */
export function betPathIds(bet: LockedBet): string[] {
  const p = bet.path
  return [p.outcome.id, ...p.opportunities.map((o) => o.id), p.solution.id, ...p.assumptions.map((a) => a.id)]
}

const outcomeSnap = (n: TreeNode): OutcomeSnapshot => {
  const p = n.props as OutcomeProps
  return { id: n.id, title: p.title, notes: p.notes, metric: p.metric, baseline: p.baseline, target: p.target, current: p.current }
}
const opportunitySnap = (n: TreeNode): OpportunitySnapshot => {
  const p = n.props as OpportunityProps
  return { id: n.id, title: p.title, notes: p.notes, evidence: [...p.evidence], importance: p.importance, satisfaction: p.satisfaction, score: opportunityScore(p.importance, p.satisfaction) }
}
const solutionSnap = (n: TreeNode): SolutionSnapshot => {
  const p = n.props as SolutionProps
  return { id: n.id, title: p.title, notes: p.notes, impact: p.impact, confidence: p.confidence, ease: p.ease, score: iceScore(p.impact, p.confidence, p.ease), status: p.status }
}
const assumptionSnap = (n: TreeNode): AssumptionSnapshot => {
  const p = n.props as AssumptionProps
  return { id: n.id, title: p.title, notes: p.notes, category: p.category, test: p.test, result: p.result }
}

/** What a careful facilitator would point out before committing (aids, not blockers). */
export function betWarnings(path: BetPath | BetSnapshot): BetWarning[] {
  const warnings: BetWarning[] = []
  const compared = path.siblings.length + 1
  if (compared < 3) {
    warnings.push({ code: 'few-solutions-compared', message: `Only ${compared} solution${compared === 1 ? '' : 's'} compared for this opportunity; Torres suggests at least three.` })
  }
  const results = path.assumptions.map((a) => ('props' in a ? (a.props as AssumptionProps).result : a.result))
  if (!results.length) warnings.push({ code: 'no-assumptions', message: 'No assumptions listed: what must be true for this solution to work?' })
  else if (results.every((r) => r === 'untested')) warnings.push({ code: 'no-tested-assumption', message: 'None of its assumptions has been tested yet.' })
  for (const o of path.opportunities) {
    const p = 'props' in o ? (o.props as OpportunityProps) : o
    if (!p.evidence.length) warnings.push({ code: 'opportunity-without-evidence', message: `No evidence recorded for the opportunity "${p.title}".` })
  }
  return warnings
}

/** A plain-JSON copy of the path, frozen at lock time. */
export function snapshotBet(path: BetPath): BetSnapshot {
  return {
    outcome: outcomeSnap(path.outcome),
    opportunities: path.opportunities.map(opportunitySnap),
    solution: solutionSnap(path.solution),
    assumptions: path.assumptions.map(assumptionSnap),
    siblings: path.siblings.map(solutionSnap),
    iceMethod: ICE_METHOD,
    warnings: betWarnings(path),
  }
}

/** A LockedBet for `path`, locked by `lockedBy` at `lockedAt` (an ISO date; defaults to now). */
export function lockBet(path: BetPath, lockedBy: string, lockedAt: string = new Date().toISOString()): LockedBet {
  const snapshot = snapshotBet(path)
  return { solutionId: snapshot.solution.id, title: snapshot.solution.title, path: snapshot, lockedAt, lockedBy }
}

// ---- reading a stored bet: it may predate validation, or be forged into `board.bet` ----

type Field = [check: (v: unknown) => boolean, empty: unknown]
const textF: Field = [(v) => typeof v === 'string', '']
const scoreF: Field = [(v) => v === null || (typeof v === 'number' && Number.isFinite(v)), null]
const enumF = (values: readonly string[]): Field => [(v) => typeof v === 'string' && values.includes(v), values[0]]
const base = { title: textF, notes: textF }
const SNAPSHOT_FIELDS = {
  outcome: { ...base, metric: textF, baseline: scoreF, target: scoreF, current: scoreF },
  opportunity: { ...base, evidence: [(v: unknown) => Array.isArray(v) && v.every((e) => typeof e === 'string'), []] as Field, importance: scoreF, satisfaction: scoreF, score: scoreF },
  solution: { ...base, impact: scoreF, confidence: scoreF, ease: scoreF, score: scoreF, status: enumF(SOLUTION_STATUSES) },
  assumption: { ...base, category: enumF(ASSUMPTION_CATEGORIES), test: textF, result: enumF(ASSUMPTION_RESULTS) },
} satisfies Record<string, Record<string, Field>>
const WARNING_CODES = ['few-solutions-compared', 'no-assumptions', 'no-tested-assumption', 'opportunity-without-evidence']

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/** One snapshot part: null when it has no id; each unreadable field is left empty and reported. */
function readPart<T>(raw: unknown, fields: Record<string, Field>, where: string, skipped: SkippedRecord[]): T | null {
  if (!isObject(raw) || typeof raw.id !== 'string') {
    skipped.push({ id: isObject(raw) && typeof raw.id === 'string' ? raw.id : where, reason: `${where} is not a readable card` })
    return null
  }
  const out: Record<string, unknown> = { id: raw.id }
  for (const [key, [check, empty]] of Object.entries(fields)) {
    if (check(raw[key])) out[key] = Array.isArray(raw[key]) ? [...(raw[key] as unknown[])] : raw[key]
    else {
      out[key] = Array.isArray(empty) ? [] : empty
      skipped.push({ id: raw.id, reason: `${where} ${key} could not be read` })
    }
  }
  return out as T
}

function readParts<T>(raw: unknown, fields: Record<string, Field>, where: string, skipped: SkippedRecord[]): T[] {
  if (!Array.isArray(raw)) {
    skipped.push({ id: where, reason: `${where} list could not be read` })
    return []
  }
  return raw.map((item, i) => readPart<T>(item, fields, `${where}[${i}]`, skipped)).filter((p): p is T => p !== null)
}

/**
 * A stored or live bet as far as it can be read: null when it is not a bet at all (no solution id, no
 * outcome or solution card), else the bet with unreadable list items left out and unreadable fields left
 * empty, each listed in `skipped`. Never throws, whatever the input.
 */
export function readLockedBet(value: unknown): { bet: LockedBet | null; skipped: SkippedRecord[] } {
  const skipped: SkippedRecord[] = []
  if (value === null || value === undefined) return { bet: null, skipped }
  const v = value as Record<string, unknown>
  const path = isObject(v) ? v.path : undefined
  if (!isObject(v) || typeof v.solutionId !== 'string' || !isObject(path)) {
    return { bet: null, skipped: [{ id: 'bet', reason: 'the locked bet could not be read' }] }
  }
  const outcome = readPart<OutcomeSnapshot>(path.outcome, SNAPSHOT_FIELDS.outcome, 'outcome', skipped)
  const solution = readPart<SolutionSnapshot>(path.solution, SNAPSHOT_FIELDS.solution, 'solution', skipped)
  if (!outcome || !solution) return { bet: null, skipped: [...skipped, { id: v.solutionId, reason: 'the locked bet could not be read' }] }
  const warnings = Array.isArray(path.warnings)
    ? path.warnings.filter((w): w is BetWarning => isObject(w) && WARNING_CODES.includes(w.code as string) && typeof w.message === 'string')
    : []
  const text = (key: string) => {
    if (typeof v[key] === 'string') return v[key] as string
    skipped.push({ id: v.solutionId as string, reason: `bet ${key} could not be read` })
    return ''
  }
  const bet: LockedBet = {
    solutionId: v.solutionId,
    title: text('title'),
    lockedAt: text('lockedAt'),
    lockedBy: text('lockedBy'),
    path: {
      outcome,
      opportunities: readParts<OpportunitySnapshot>(path.opportunities, SNAPSHOT_FIELDS.opportunity, 'opportunities', skipped),
      solution,
      assumptions: readParts<AssumptionSnapshot>(path.assumptions, SNAPSHOT_FIELDS.assumption, 'assumptions', skipped),
      siblings: readParts<SolutionSnapshot>(path.siblings, SNAPSHOT_FIELDS.solution, 'siblings', skipped),
      iceMethod: ICE_METHOD,
      warnings: warnings.map((w) => ({ code: w.code, message: w.message })),
    },
  }
  const tracker = v.tracker
  if (isObject(tracker) && typeof tracker.tracker === 'string' && typeof tracker.url === 'string' && typeof tracker.key === 'string') {
    bet.tracker = { tracker: tracker.tracker, url: tracker.url, key: tracker.key }
  } else if (tracker !== undefined) skipped.push({ id: v.solutionId, reason: 'bet tracker link could not be read' })
  if (typeof v.versionId === 'number' && Number.isSafeInteger(v.versionId) && v.versionId > 0) bet.versionId = v.versionId
  if (typeof v.why === 'string') {
    if (v.why.trim()) bet.why = v.why.trim().slice(0, WHY_MAX)
  } else if (v.why !== undefined && v.why !== null) skipped.push({ id: v.solutionId, reason: 'bet why could not be read' })
  return { bet, skipped }
}

// ---- exports ----

export interface BetExportOptions {
  /** Link back to the board: its view link (read-only), which the export says grants read access. Never the
   *  edit or owner link. */
  boardUrl: string
}

/** What the export says about its link, so whoever files or shares it knows what it hands out. */
export const BOARD_LINK_NOTE = 'Anyone with this link can view the board (read access only, no editing).'

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()
const fmt = (v: number | null) => (v === null ? '–' : String(v))
const fmtScore = (v: number | null) => (v === null ? 'not scored' : v.toFixed(1))

export function betIssueTitle(bet: LockedBet): string {
  return oneLine(bet.title) || 'Untitled bet'
}

/** Untested before tested, then desirability → viability → feasibility → usability → ethical, then as listed. */
export function orderAssumptions(assumptions: readonly AssumptionSnapshot[]): AssumptionSnapshot[] {
  return assumptions
    .map((a, i) => ({ a, i }))
    .sort(
      (x, y) =>
        Number(x.a.result !== 'untested') - Number(y.a.result !== 'untested') ||
        ASSUMPTION_CATEGORIES.indexOf(x.a.category) - ASSUMPTION_CATEGORIES.indexOf(y.a.category) ||
        x.i - y.i,
    )
    .map((e) => e.a)
}

const iceLine = (s: SolutionSnapshot) =>
  `ICE ${fmtScore(s.score)} (impact ${fmt(s.impact)}, confidence ${fmt(s.confidence)}, ease ${fmt(s.ease)}; ${ICE_METHOD === 'average' ? 'averaged' : ICE_METHOD})`

/** The issue body in markdown: every section of betToMarkdown without the `# title` line. */
export function betIssueBody(bet: LockedBet, opts: BetExportOptions): string {
  const { outcome, opportunities, solution, siblings } = bet.path
  const out: string[] = []
  out.push('## Outcome', '', `**${oneLine(outcome.title)}**`, '')
  const metricBits = [
    outcome.metric ? `Metric: ${oneLine(outcome.metric)}` : 'Metric: not set',
    `baseline ${fmt(outcome.baseline)} → target ${fmt(outcome.target)}`,
    `current ${fmt(outcome.current)}`,
  ]
  out.push(`- ${metricBits.join('; ')}`, '')

  out.push('## Why', '')
  opportunities.forEach((o, i) => {
    const target = i === opportunities.length - 1 ? ' (target opportunity)' : ''
    out.push(`### ${oneLine(o.title)}${target}`, '')
    out.push(`Importance ${fmt(o.importance)}, satisfaction ${fmt(o.satisfaction)}, opportunity score ${fmtScore(o.score)}`, '')
    for (const e of o.evidence) out.push(`> ${oneLine(e)}`, '')
  })

  out.push('## What', '', `**${oneLine(solution.title)}**`, '')
  if (solution.notes.trim()) out.push(solution.notes.trim(), '')
  out.push(`- ${iceLine(solution)}`, `- Status: ${solution.status}`, '')

  out.push('## Assumptions to test first', '')
  const assumptions = orderAssumptions(bet.path.assumptions)
  if (!assumptions.length) out.push('No assumptions listed yet.', '')
  else {
    for (const a of assumptions) out.push(`- ${oneLine(a.title)} (${a.category}, ${a.result})${a.test.trim() ? ` — test: ${oneLine(a.test)}` : ''}`)
    out.push('')
  }

  out.push('## Alternatives compared', '')
  if (!siblings.length) out.push('No other solutions were compared for this opportunity.', '')
  else {
    for (const s of siblings) out.push(`- ${oneLine(s.title)} — ${iceLine(s)}`)
    out.push('')
  }

  if (bet.path.warnings.length) {
    out.push('## Open questions', '')
    for (const w of bet.path.warnings) out.push(`- ${w.message}`)
    out.push('')
  }

  const onVersion = bet.versionId ? ` (on version ${bet.versionId} of the board)` : ''
  out.push('## Decision', '', `Locked on ${bet.lockedAt.slice(0, 10)} by ${oneLine(bet.lockedBy) || 'someone'}${onVersion}.`, '')
  // The lock's "why" as written, quoted line by line (it may hold paragraphs).
  const why = bet.why?.trim()
  if (why) out.push('Why this bet:', '', ...why.split(/\r\n|\r|\n/).map((line) => (line.trim() ? `> ${line.trim()}` : '>')), '')
  out.push(`[Open the board (read-only)](${opts.boardUrl})`, '', BOARD_LINK_NOTE, '')
  return out.join('\n')
}

/** A ready-to-file tracker issue in markdown. */
export function betToMarkdown(bet: LockedBet, opts: BetExportOptions): string {
  return `# ${betIssueTitle(bet)}\n\n${betIssueBody(bet, opts)}`
}

/** The bet as one JSON document (the snapshot plus who, when and where). */
export function betToJson(bet: LockedBet, opts: BetExportOptions) {
  return {
    solutionId: bet.solutionId,
    title: bet.title,
    lockedAt: bet.lockedAt,
    lockedBy: bet.lockedBy,
    ...(bet.versionId ? { versionId: bet.versionId } : {}),
    ...(bet.why ? { why: bet.why } : {}),
    boardUrl: opts.boardUrl,
    boardAccess: 'read' as const,
    ...(bet.tracker ? { tracker: bet.tracker } : {}),
    ...bet.path,
  }
}

export const JIRA_SUMMARY_MAX = 255

/** Cuts text to `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…'
}

/** One-issue CSV for Jira's importer: Summary, Description, Issue Type, Labels. */
export function betToJiraCsv(bet: LockedBet, opts: BetExportOptions): string {
  return unparseCsv(
    ['Summary', 'Description', 'Issue Type', 'Labels'],
    [[truncate(escapeCsvText(betIssueTitle(bet)), JIRA_SUMMARY_MAX), escapeCsvText(betIssueBody(bet, opts)), 'Story', 'outcome-board']],
  )
}

/** The bet's exports link to the board's view link (read-only; they say it grants read access), as the
 *  server's GET /bet/export does. A link without a token only says "This link has no token", so without the
 *  view link (an editor offline who never opened the board online) the export is refused. */
export function betExport(bet: LockedBet, viewUrl: string | undefined, format: ExportFormat): string {
  if (!viewUrl) throw new Error('the board’s view link is not known here yet: open the board online once')
  const opts = { boardUrl: viewUrl }
  if (format === 'md') return betToMarkdown(bet, opts)
  if (format === 'csv') return betToJiraCsv(bet, opts)
  return JSON.stringify(betToJson(bet, opts), null, 2) + '\n'
}
