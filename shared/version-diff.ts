// Version history's pure domain (no I/O): how two sets of records differ card by card, the one-line summary
// a version carries, and which automatic versions retention drops. Runs on the server and in the browser.
import { isNodeShapeRecord, type JsonRecord } from './model'
import type { CardChange, VersionInfo, VersionReason, VersionSummary } from './versions'

/** Props whose change counts as a rescore (the inputs of the opportunity score and of ICE). */
export const SCORE_PROPS = ['importance', 'satisfaction', 'impact', 'confidence', 'ease'] as const

/** How one card (node shape) or free record differs between two sets of records. */
export interface CardDiff {
  id: string
  /** The card's title (after, or before when removed); '' for a record that is not a card. */
  title: string
  /** False for records that are not cards (free shapes, bindings, pages…): they only ever count as edited. */
  card: boolean
  changes: CardChange[]
}

type Records = Iterable<JsonRecord> | ReadonlyMap<string, JsonRecord>

const toMap = (records: Records): ReadonlyMap<string, JsonRecord> =>
  records instanceof Map ? records : new Map([...(records as Iterable<JsonRecord>)].map((r) => [r.id, r]))

const propsOf = (r: JsonRecord): Record<string, unknown> =>
  r.props && typeof r.props === 'object' ? (r.props as Record<string, unknown>) : {}

const titleOf = (r: JsonRecord): string => (typeof propsOf(r).title === 'string' ? (propsOf(r).title as string) : '')

/** Structural equality of JSON values (records are plain JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** What changed per record from `before` to `after`, in id order; unchanged records are left out. A card
 *  may be renamed, moved and rescored at once; 'edited' means some other field changed. */
export function diffRecords(before: Records, after: Records): CardDiff[] {
  const a = toMap(before)
  const b = toMap(after)
  const out: CardDiff[] = []
  const ids = new Set([...a.keys(), ...b.keys()])
  for (const id of [...ids].sort()) {
    const was = a.get(id)
    const now = b.get(id)
    const card = isNodeShapeRecord(now ?? was)
    if (!was || !now) {
      out.push({ id, title: card ? titleOf((now ?? was)!) : '', card, changes: [now ? 'added' : 'removed'] })
      continue
    }
    if (jsonEqual(was, now)) continue
    if (!card || !isNodeShapeRecord(was)) {
      out.push({ id, title: card ? titleOf(now) : '', card, changes: ['edited'] })
      continue
    }
    const changes: CardChange[] = []
    const pa = propsOf(was)
    const pb = propsOf(now)
    if (pa.title !== pb.title) changes.push('renamed')
    if (pa.parentNode !== pb.parentNode) changes.push('moved')
    if (SCORE_PROPS.some((k) => !jsonEqual(pa[k], pb[k]))) changes.push('rescored')
    // Anything else: other props, the record's own fields (position, kind, lock…).
    const rest = (r: JsonRecord, p: Record<string, unknown>) => {
      const props = { ...p }
      for (const k of ['title', 'parentNode', ...SCORE_PROPS]) delete props[k]
      return { ...r, props }
    }
    if (!jsonEqual(rest(was, pa), rest(now, pb))) changes.push('edited')
    out.push({ id, title: titleOf(now), card: true, changes })
  }
  return out
}

/** Titles named per kind of change in a summary. */
export const SUMMARY_EXAMPLES = 3

/** Counts of changed cards per kind of change (free records count as edited), with a few titles. */
export function summarize(diff: readonly CardDiff[]): VersionSummary {
  const s: VersionSummary = { added: 0, removed: 0, renamed: 0, moved: 0, rescored: 0, edited: 0, examples: { added: [], removed: [], renamed: [] } }
  for (const d of diff) {
    for (const change of d.changes) {
      if (!d.card) {
        s.edited++
        break
      }
      s[change]++
      if (change === 'added' || change === 'removed' || change === 'renamed') {
        const list = s.examples[change]
        if (list.length < SUMMARY_EXAMPLES && d.title.trim()) list.push(d.title.trim().slice(0, 100))
      }
    }
  }
  return s
}

export const emptySummary = (): VersionSummary => summarize([])

/** Retention of automatic versions: all of them younger than `allMs`, then the newest per hour up to
 *  `hourlyMs`, then the newest per (UTC) day up to `dailyMs` (null: for ever). Others are kept always. */
export interface ThinPolicy {
  allMs: number
  hourlyMs: number
  dailyMs: number | null
}

export const DEFAULT_THIN_POLICY: ThinPolicy = { allMs: 24 * 3_600_000, hourlyMs: 7 * 24 * 3_600_000, dailyMs: null }

/** Reasons whose versions retention never drops: everything but 'auto'. */
export const isKeptForever = (reason: VersionReason): boolean => reason !== 'auto'

/** Ids of the versions retention drops at `now`. Stable: thinning the result again drops nothing more. */
export function versionsToThin(versions: readonly Pick<VersionInfo, 'id' | 'at' | 'reason'>[], now: number, policy: ThinPolicy = DEFAULT_THIN_POLICY): number[] {
  const HOUR = 3_600_000
  const DAY = 24 * HOUR
  const autos = versions
    .filter((v) => !isKeptForever(v.reason))
    .map((v) => ({ id: v.id, at: Date.parse(v.at) }))
    .sort((x, y) => y.at - x.at || y.id - x.id) // newest first: the first seen in a bucket is kept
  const seen = new Set<string>()
  const drop: number[] = []
  for (const v of autos) {
    const age = now - v.at
    if (!(age > policy.allMs)) continue // also keeps versions with an unreadable or future time
    if (policy.dailyMs !== null && age > policy.dailyMs) {
      drop.push(v.id)
      continue
    }
    const bucket = age <= policy.hourlyMs ? `h${Math.floor(v.at / HOUR)}` : `d${Math.floor(v.at / DAY)}`
    if (seen.has(bucket)) drop.push(v.id)
    else seen.add(bucket)
  }
  return drop.sort((x, y) => x - y)
}
