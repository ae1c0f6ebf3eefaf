// Tree JSON: the interchange format for import, export and `GET /tree`.
// Validated with zod at the edge with hard caps, because it arrives from users and scripts.
// Roots may be of any kind: a board can hold loose, not-yet-attached nodes, and export must not lose them
// (hints flag them). Below a root, nesting must follow the rules. `score` is derived: written, never read.

import { z } from 'zod'
import { generateNKeysBetween } from 'fractional-indexing'
import { ASSUMPTION_CATEGORIES, ASSUMPTION_RESULTS, NODE_KINDS, SOLUTION_STATUSES, isNodeKind } from '../model'
import type { AssumptionProps, JsonRecord, NodeKind, OpportunityProps, OutcomeProps, SolutionProps } from '../model'
import { isValidShapeId, newShapeId } from '../ids'
import { NODE_TITLE_MAX, makeNodeRecord } from '../records'
import { canBeChildOf, placementRule } from '../rules'
import { iceScore, opportunityScore } from '../scoring'
import { MAX_TREE_DEPTH, deriveTree } from '../tree'
import type { SkippedRecord, Tree, TreeNode } from '../tree'
import { layoutTree } from '../layout'
import { jsonErrorOffset } from './json-position'

export const TREE_LIMITS = {
  title: NODE_TITLE_MAX,
  notes: 10_000,
  evidenceItems: 50,
  evidenceChars: 2_000,
  text: 2_000, // metric, assumption test
  nodes: 5_000,
  depth: MAX_TREE_DEPTH, // the most a board's tree shows, so every export imports again
  jsonChars: 20_000_000,
  errors: 20, // report at most this many problems at once
} as const

interface BaseJsonNode {
  id?: string
  title: string
  notes: string
  children: TreeJsonNode[]
}
export interface OutcomeJsonNode extends BaseJsonNode {
  kind: 'outcome'
  metric: string
  baseline: number | null
  target: number | null
  current: number | null
}
export interface OpportunityJsonNode extends BaseJsonNode {
  kind: 'opportunity'
  evidence: string[]
  importance: number | null
  satisfaction: number | null
  score: number | null
}
export interface SolutionJsonNode extends BaseJsonNode {
  kind: 'solution'
  impact: number | null
  confidence: number | null
  ease: number | null
  score: number | null
  status: SolutionProps['status']
}
export interface AssumptionJsonNode extends BaseJsonNode {
  kind: 'assumption'
  category: AssumptionProps['category']
  test: string
  result: AssumptionProps['result']
}
export type TreeJsonNode = OutcomeJsonNode | OpportunityJsonNode | SolutionJsonNode | AssumptionJsonNode
export interface TreeJson {
  title: string
  roots: TreeJsonNode[]
  /** Exports only, and only when the board held records that could not be part of the tree; imports ignore it. */
  skipped?: SkippedRecord[]
}

// ---- export ----

/** One node's own fields; children are filled in by treeToJson. */
function nodeToJson(node: TreeNode): TreeJsonNode {
  const base = { id: node.id, title: node.props.title, notes: node.props.notes }
  const children: TreeJsonNode[] = []
  switch (node.kind) {
    case 'outcome': {
      const p = node.props as OutcomeProps
      return { ...base, kind: 'outcome', metric: p.metric, baseline: p.baseline, target: p.target, current: p.current, children }
    }
    case 'opportunity': {
      const p = node.props as OpportunityProps
      return {
        ...base,
        kind: 'opportunity',
        evidence: [...p.evidence],
        importance: p.importance,
        satisfaction: p.satisfaction,
        score: opportunityScore(p.importance, p.satisfaction),
        children,
      }
    }
    case 'solution': {
      const p = node.props as SolutionProps
      return {
        ...base,
        kind: 'solution',
        impact: p.impact,
        confidence: p.confidence,
        ease: p.ease,
        score: iceScore(p.impact, p.confidence, p.ease),
        status: p.status,
        children,
      }
    }
    case 'assumption': {
      const p = node.props as AssumptionProps
      return { ...base, kind: 'assumption', category: p.category, test: p.test, result: p.result, children }
    }
  }
}

/** The whole tree (detached nodes included, as roots) as Tree JSON, plus `skipped` when records were left
 *  out. Iterative: a tree's depth is whatever the stored document says. */
export function treeToJson(tree: Tree, title: string): TreeJson {
  const roots: TreeJsonNode[] = []
  const stack: { node: TreeNode; into: TreeJsonNode[] }[] = tree.roots.map((node) => ({ node, into: roots })).reverse()
  while (stack.length) {
    const { node, into } = stack.pop()!
    const json = nodeToJson(node)
    into.push(json)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], into: json.children })
  }
  const skipped = tree.skipped ?? []
  return skipped.length ? { title, roots, skipped: skipped.map((s) => ({ ...s })) } : { title, roots }
}

// ---- validation ----

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`)
const scale = z.number().finite().min(0, 'must be between 0 and 10').max(10, 'must be between 0 and 10').nullable().default(null)
const finite = z.number().finite('must be a finite number').nullable().default(null)
const common = {
  id: z.unknown().optional(), // invalid ids are not an error: the node simply gets a fresh one
  title: text(TREE_LIMITS.title),
  notes: text(TREE_LIMITS.notes).default(''),
}

/** Per-kind fields of one node, children excluded (they are walked separately, with depth and size caps). */
const NODE_FIELDS = {
  outcome: z.object({ ...common, metric: text(TREE_LIMITS.title).default(''), baseline: finite, target: finite, current: finite }),
  opportunity: z.object({
    ...common,
    evidence: z
      .array(text(TREE_LIMITS.evidenceChars))
      .max(TREE_LIMITS.evidenceItems, `must have at most ${TREE_LIMITS.evidenceItems} items`)
      .default([]),
    importance: scale,
    satisfaction: scale,
  }),
  solution: z.object({ ...common, impact: scale, confidence: scale, ease: scale, status: z.enum(SOLUTION_STATUSES).default('idea') }),
  assumption: z.object({
    ...common,
    category: z.enum(ASSUMPTION_CATEGORIES).default('desirability'),
    test: text(TREE_LIMITS.text).default(''),
    result: z.enum(ASSUMPTION_RESULTS).default('untested'),
  }),
} as const

type Path = (string | number)[]

/** `roots[0].children[1].kind` from a path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part)
  return out
}

/** Validates and normalises the node forest iteratively (never recursion: depth is attacker-controlled). */
function checkRoots(roots: unknown[], ctx: z.RefinementCtx, rootPath: Path): TreeJsonNode[] {
  let issues = 0
  const issue = (path: Path, message: string) => {
    if (issues++ < TREE_LIMITS.errors) ctx.addIssue({ code: 'custom', path, message })
  }
  const out: TreeJsonNode[] = []
  let count = 0
  const stack: { raw: unknown; path: Path; depth: number; parentKind: NodeKind | null; into: TreeJsonNode[] }[] = []
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ raw: roots[i], path: [...rootPath, i], depth: 1, parentKind: null, into: out })
  const ordered: { node: TreeJsonNode; into: TreeJsonNode[] }[] = []
  while (stack.length) {
    const { raw, path, depth, parentKind, into } = stack.pop()!
    if (++count > TREE_LIMITS.nodes) {
      issue(rootPath, `too many nodes (at most ${TREE_LIMITS.nodes})`)
      break
    }
    if (depth > TREE_LIMITS.depth) {
      issue(path, `nested too deeply (at most ${TREE_LIMITS.depth} levels)`)
      continue
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      issue(path, 'must be an object with kind, title and children')
      continue
    }
    const obj = raw as Record<string, unknown>
    if (!isNodeKind(obj.kind)) {
      issue([...path, 'kind'], `unknown kind ${JSON.stringify(obj.kind) ?? 'undefined'} (expected ${NODE_KINDS.join(', ')})`)
      continue
    }
    const kind = obj.kind
    if (parentKind !== null && !canBeChildOf(kind, parentKind)) {
      const article = (k: NodeKind) => (k === 'solution' ? 'a' : 'an')
      issue([...path, 'kind'], `${article(kind)} ${kind} cannot sit under ${article(parentKind)} ${parentKind} (${placementRule(kind).toLowerCase()})`)
    }
    const fields = NODE_FIELDS[kind].safeParse(obj)
    if (!fields.success) {
      for (const sub of fields.error.issues) {
        issue([...path, ...(sub.path as Path)], sub.code === 'invalid_type' && sub.input === undefined ? 'is required' : sub.message)
      }
    }
    const children = obj.children ?? []
    if (!Array.isArray(children)) {
      issue([...path, 'children'], 'must be an array')
      continue
    }
    const { id, ...rest } = (fields.success ? fields.data : {}) as Record<string, unknown>
    const node = { kind, ...rest, children: [] as TreeJsonNode[] } as unknown as TreeJsonNode
    if (isValidShapeId(id)) node.id = id
    if (kind === 'opportunity' || kind === 'solution') (node as { score: number | null }).score = null
    ordered.push({ node, into })
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ raw: children[i], path: [...path, 'children', i], depth: depth + 1, parentKind: kind, into: node.children })
    }
  }
  // Pre-order pop order equals document order, so pushing here keeps sibling order.
  for (const { node, into } of ordered) into.push(node)
  return out
}

/** Derived scores from the inputs (whatever `score` the input claimed is ignored). */
function fillScores(roots: TreeJsonNode[]) {
  const stack = [...roots]
  while (stack.length) {
    const n = stack.pop()!
    if (n.kind === 'opportunity') n.score = opportunityScore(n.importance, n.satisfaction)
    if (n.kind === 'solution') n.score = iceScore(n.impact, n.confidence, n.ease)
    stack.push(...n.children)
  }
}

/** Tree JSON with all caps; output is normalised (defaults filled, ids kept only when valid, scores derived). */
export const TreeJsonSchema = z
  .object({
    title: text(TREE_LIMITS.title).default(''),
    roots: z.array(z.unknown()),
  })
  .transform((value, ctx): TreeJson => {
    const roots = checkRoots(value.roots, ctx, ['roots'])
    fillScores(roots)
    return { title: value.title, roots }
  })

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] }

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineColumn(textIn: string, offset: number): { line: number; column: number } {
  const before = textIn.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

function parseJsonText(input: string): ParseResult<unknown> {
  if (input.length > TREE_LIMITS.jsonChars) return { ok: false, errors: [`JSON is too large (at most ${TREE_LIMITS.jsonChars} characters)`] }
  try {
    return { ok: true, value: JSON.parse(input) }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const at = /position (\d+)/.exec(message)
    const offset = at ? Number(at[1]) : jsonErrorOffset(input)
    const where = offset >= 0 ? lineColumn(input, offset) : null
    const clean = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)/, '')
    return { ok: false, errors: [where ? `invalid JSON at line ${where.line}, column ${where.column}: ${clean}` : `invalid JSON: ${clean}`] }
  }
}

/** Parses Tree JSON from text or an already-parsed value; errors name the JSON path of each problem. */
export function parseTreeJson(input: unknown): ParseResult<TreeJson> {
  let value = input
  if (typeof input === 'string') {
    const parsed = parseJsonText(input)
    if (!parsed.ok) return parsed
    value = parsed.value
  }
  const result = TreeJsonSchema.safeParse(value)
  if (result.success) return { ok: true, value: result.data }
  const errors = result.error.issues.slice(0, TREE_LIMITS.errors).map((i) => {
    const path = formatPath(i.path)
    const message = i.code === 'invalid_type' && i.path.length === 1 && i.input === undefined ? 'is required' : i.message
    return path ? `${path}: ${message}` : message
  })
  return { ok: false, errors }
}

// ---- import ----

function propsOf(node: TreeJsonNode): Record<string, unknown> {
  const { id: _id, kind: _kind, children: _children, score: _score, ...props } = node as TreeJsonNode & { score?: unknown }
  return props
}

/**
 * Node shape records for a validated Tree JSON: ids kept when valid and unique (else fresh), sibling order
 * as fractional indexes, positions from the tidy layout. Add makeBaseDocumentRecords() for a new board.
 */
export function treeJsonToRecords(treeJson: TreeJson, opts: { anchor?: { x: number; y: number } } = {}): JsonRecord[] {
  const records: JsonRecord[] = []
  const used = new Set<string>()
  const stack: { node: TreeJsonNode; parent: string; order: string }[] = []
  const pushSiblings = (nodes: TreeJsonNode[], parent: string) => {
    const orders = generateNKeysBetween(null, null, nodes.length)
    for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i], parent, order: orders[i] })
  }
  pushSiblings(treeJson.roots, '')
  while (stack.length) {
    const { node, parent, order } = stack.pop()!
    const id = node.id && isValidShapeId(node.id) && !used.has(node.id) ? node.id : newShapeId()
    used.add(id)
    records.push(makeNodeRecord(node.kind, { ...propsOf(node), parentNode: parent, order } as never, { id }))
    pushSiblings(node.children, id)
  }
  // z-order follows document order, so parents draw beneath their children's connectors consistently.
  const zIndexes = generateNKeysBetween(null, null, records.length)
  records.forEach((r, i) => (r.index = zIndexes[i]))
  const tree = deriveTree(records)
  const positions = layoutTree(tree, opts)
  for (const r of records) {
    const p = positions.get(r.id)
    if (p) Object.assign(r, { x: p.x, y: p.y })
  }
  return records
}

/** Convenience for tests and tools: records → Tree JSON in one step. */
export function recordsToTreeJson(records: Iterable<JsonRecord>, title: string): TreeJson {
  return treeToJson(deriveTree(records), title)
}

