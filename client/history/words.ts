// Versions in words: why one was made, when, who took part and what changed, for people reading the list.

import type { VersionInfo, VersionReason, VersionSummary } from '../../shared/versions'

export const REASON_WORDS: Record<VersionReason, string> = {
  auto: 'Auto-saved after edits',
  named: 'Named version',
  'before-lock': 'Before the bet was locked',
  'after-lock': 'After the bet was locked',
  'before-unlock': 'Before the bet was unlocked',
  'after-unlock': 'After the bet was unlocked',
  'before-import': 'Before an import',
  'before-restore': 'Before a restore',
  'after-restore': 'After a restore',
  'before-layout': 'Before the board’s format upgrade',
}

/** The line a version is known by: its name if it has one, else why it was made. */
export function versionTitle(v: VersionInfo): string {
  return v.name?.trim() || REASON_WORDS[v.reason] || 'Saved version'
}

/** The reason under a name ("Before the bet was locked"), unless the title already says it. */
export function versionSubtitle(v: VersionInfo): string | null {
  if (!v.name?.trim() || v.reason === 'named') return null
  return REASON_WORDS[v.reason] ?? null
}

const SUMMARY_PARTS: [keyof Omit<VersionSummary, 'examples'>, string][] = [
  ['added', 'added'],
  ['removed', 'removed'],
  ['renamed', 'renamed'],
  ['moved', 'moved'],
  ['rescored', 'rescored'],
  ['edited', 'edited'],
]

/** "3 added, 1 removed, 2 renamed", or "No changes to cards". */
export function summaryText(s: Partial<VersionSummary> | null | undefined): string {
  if (!s) return 'No changes to cards'
  const parts = SUMMARY_PARTS.filter(([k]) => (s[k] ?? 0) > 0).map(([k, word]) => `${s[k]} ${word}`)
  return parts.length ? parts.join(', ') : 'No changes to cards'
}

export function peopleText(v: VersionInfo): string {
  if (!v.people?.length) return 'Nobody recorded'
  return v.people.map((p) => `${p.name || 'Someone'} (${p.role})`).join(', ')
}

const rtf = typeof Intl !== 'undefined' && 'RelativeTimeFormat' in Intl ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
]

/** "5 minutes ago", "yesterday". */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  let delta = (t - now) / 1000
  if (Math.abs(delta) < 45) return 'just now'
  for (const [unit, size] of STEPS) {
    if (Math.abs(delta) < size) return rtf ? rtf.format(Math.round(delta), unit) : `${Math.round(Math.abs(delta))} ${unit}s ago`
    delta /= size
  }
  return iso
}

export function absoluteTime(iso: string): string {
  const t = new Date(iso)
  return Number.isFinite(t.getTime()) ? t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : iso
}
