// Gentle coaching from Teresa Torres' Continuous Discovery Habits, shown beside cards. They are aids,
// not verdicts: most are 'info'; 'warn' is kept for structure that is actually broken.

import type { AssumptionProps, OpportunityProps, OutcomeProps } from './model'
import type { Tree, TreeNode } from './tree'
import { walkTree } from './tree'
import { placementRule } from './rules'

export type HintCode =
  | 'opportunity-looks-like-solution'
  | 'few-solutions'
  | 'no-solutions'
  | 'single-child-opportunity'
  | 'solution-under-outcome'
  | 'disallowed-parent'
  | 'missing-parent'
  | 'cycle'
  | 'untested-assumptions'
  | 'outcome-missing-metric'

export interface Hint {
  code: HintCode
  severity: 'info' | 'warn'
  message: string
}

// Words that open a solution ("Add …", "Build …") rather than a customer need ("I can't …").
const SOLUTION_VERBS = new Set([
  'add', 'build', 'create', 'make', 'let', 'allow', 'enable', 'integrate', 'launch', 'offer', 'provide',
  'implement', 'introduce', 'redesign', 'show', 'send', 'use', 'automate', 'improve', 'simplify', 'develop',
  'give', 'display', 'notify', 'remind', 'generate',
])
const PRODUCT_NOUN = /\b(feature|app|tool|button|page|dashboard|widget|wizard|integration|plugin|report|template|checklist|tutorial|notification|email|bot|screen|tab|setting|menu|api)s?\b/
// "The setup page is confusing" describes a pain, not a thing to build.
const PAIN_WORDS = /\b(is|are|was|were|isn't|aren't|doesn't|don't|can't|cannot|takes?|feels?|looks?|seems?|hard|slow|confus\w*)\b/

/** Heuristic: does this opportunity title read like a solution in disguise? Only solution openers count,
 *  so customer voice ("I can't …", "My team …") is never flagged. */
export function looksLikeSolution(title: string): boolean {
  const text = title.trim().toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/^[^a-z0-9]+/, '')
  if (!text) return false
  const first = text.split(/[^a-z'-]+/)[0] ?? ''
  if (SOLUTION_VERBS.has(first)) return true
  if (/^(a|an|the|new)\b/.test(text) && PRODUCT_NOUN.test(text) && !PAIN_WORDS.test(text)) return true
  return false
}

function hintsForNode(node: TreeNode, tree: Tree): Hint[] {
  const hints: Hint[] = []
  if (node.detachedReason) {
    const parent = tree.byId.get(node.props.parentNode)
    if (node.detachedReason === 'disallowed-parent' && node.kind === 'solution' && parent?.kind === 'outcome') {
      hints.push({
        code: 'solution-under-outcome',
        severity: 'warn',
        message: 'A solution can only sit under an opportunity: which customer need does it address?',
      })
    } else if (node.detachedReason === 'disallowed-parent') {
      hints.push({ code: 'disallowed-parent', severity: 'warn', message: `${placementRule(node.kind)}; move it to a fitting parent.` })
    } else if (node.detachedReason === 'cycle') {
      hints.push({ code: 'cycle', severity: 'warn', message: 'This node is part of a loop of parents; move it under a node outside the loop.' })
    } else {
      hints.push({ code: 'missing-parent', severity: 'warn', message: `Not attached to the tree. ${placementRule(node.kind)}.` })
    }
  }

  if (node.kind === 'outcome' && !(node.props as OutcomeProps).metric.trim()) {
    hints.push({ code: 'outcome-missing-metric', severity: 'info', message: 'Name the metric this outcome should move, with a baseline and a target.' })
  }

  if (node.kind === 'opportunity') {
    const p = node.props as OpportunityProps
    if (looksLikeSolution(p.title)) {
      hints.push({
        code: 'opportunity-looks-like-solution',
        severity: 'info',
        message: 'This reads like a solution. Phrase it as a customer need or pain, e.g. "I can’t …".',
      })
    }
    const solutions = node.children.filter((c) => c.kind === 'solution').length
    // A target opportunity (no sub-opportunities) is where solutions go: say so while it has none. One broken
    // down into sub-opportunities needs none of its own; its leaves carry the hint.
    if (solutions === 0 && !node.children.some((c) => c.kind === 'opportunity')) {
      hints.push({ code: 'no-solutions', severity: 'info', message: 'No solution yet: brainstorm several ways to address this need, then compare at least three.' })
    }
    if (solutions === 1 || solutions === 2) {
      hints.push({ code: 'few-solutions', severity: 'info', message: `Compare at least three solutions for this opportunity (${solutions} so far).` })
    }
    if (node.children.length === 1 && node.children[0].kind === 'opportunity') {
      hints.push({
        code: 'single-child-opportunity',
        severity: 'info',
        message: 'Only one sub-opportunity: is it the same need reworded? Break it down further or merge the two.',
      })
    }
  }

  if (node.kind === 'solution') {
    const assumptions = node.children.filter((c) => c.kind === 'assumption')
    if (assumptions.length === 0) {
      hints.push({ code: 'untested-assumptions', severity: 'info', message: 'List the assumptions this solution rests on, then test the riskiest first.' })
    } else if (assumptions.every((a) => (a.props as AssumptionProps).result === 'untested')) {
      hints.push({ code: 'untested-assumptions', severity: 'info', message: 'No assumption tested yet: test the riskiest one (usually desirability) first.' })
    }
  }
  return hints
}

/** Hints per node id; nodes with nothing to say are absent from the map. */
export function hintsFor(tree: Tree): Map<string, Hint[]> {
  const out = new Map<string, Hint[]>()
  for (const node of walkTree(tree)) {
    const hints = hintsForNode(node, tree)
    if (hints.length) out.set(node.id, hints)
  }
  return out
}
