// Scores shown on cards as aids for comparing siblings, not verdicts (Torres warns against false precision).

import type { NodeKind, OpportunityProps, SolutionProps } from './model'

/** ICE is the *average* of impact, confidence and ease (not their product), so it stays on the 1–10 scale. */
export const ICE_METHOD = 'average' as const

function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

const round1 = (value: number) => Math.round(value * 10) / 10

/** Ulwick's opportunity score: importance + max(importance − satisfaction, 0) on 0–10 scales; >10 is strong. */
export function opportunityScore(importance: number | null | undefined, satisfaction: number | null | undefined): number | null {
  if (!isScore(importance) || !isScore(satisfaction)) return null
  return round1(importance + Math.max(importance - satisfaction, 0))
}

/** ICE averaged over the three inputs, rounded to one decimal; null until all three are set. */
export function iceScore(
  impact: number | null | undefined,
  confidence: number | null | undefined,
  ease: number | null | undefined,
): number | null {
  if (!isScore(impact) || !isScore(confidence) || !isScore(ease)) return null
  return round1((impact + confidence + ease) / 3)
}

/** The score a card shows: opportunity score for opportunities, ICE for solutions, null otherwise. */
export function nodeScore(node: { kind: NodeKind; props: unknown }): number | null {
  if (node.kind === 'opportunity') {
    const p = node.props as OpportunityProps
    return opportunityScore(p.importance, p.satisfaction)
  }
  if (node.kind === 'solution') {
    const p = node.props as SolutionProps
    return iceScore(p.impact, p.confidence, p.ease)
  }
  return null
}

/** A new array, highest score first, unscored nodes last; equal scores keep their given order. */
export function sortSiblingsByScore<T extends { kind: NodeKind; props: unknown }>(children: readonly T[]): T[] {
  return children
    .map((node, i) => ({ node, i, score: nodeScore(node) }))
    .sort((a, b) => {
      if (a.score === null || b.score === null) {
        if (a.score !== b.score) return a.score === null ? 1 : -1
      } else if (a.score !== b.score) return b.score - a.score
      return a.i - b.i
    })
    .map((entry) => entry.node)
}
