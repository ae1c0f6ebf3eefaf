// The outcome tree's vocabulary: node kinds, their fields, and how they sit in tldraw records.
// Pure data definitions shared by client and server; no I/O, no tldraw import (the server never loads tldraw).

export const NODE_KINDS = ['outcome', 'opportunity', 'solution', 'assumption'] as const
export type NodeKind = (typeof NODE_KINDS)[number]

/** What a board link lets its holder do: owner (everything), editor (edit), viewer (read). */
export type Role = 'owner' | 'editor' | 'viewer'

/** Which kinds may be the tree parent of each kind (null = a root). The method: outcome → opportunity;
 *  opportunity → opportunity | solution; solution → assumption. */
export const ALLOWED_PARENTS: Record<NodeKind, readonly (NodeKind | null)[]> = {
  outcome: [null],
  opportunity: ['outcome', 'opportunity'],
  solution: ['opportunity'],
  assumption: ['solution'],
}

export const SOLUTION_STATUSES = ['idea', 'exploring', 'testing', 'chosen', 'shipped', 'dropped'] as const
export type SolutionStatus = (typeof SOLUTION_STATUSES)[number]

export const ASSUMPTION_CATEGORIES = ['desirability', 'viability', 'feasibility', 'usability', 'ethical'] as const
export type AssumptionCategory = (typeof ASSUMPTION_CATEGORIES)[number]

/** An assumption counts as tested once its result is anything but 'untested'. */
export const ASSUMPTION_RESULTS = ['untested', 'testing', 'supported', 'refuted'] as const
export type AssumptionResult = (typeof ASSUMPTION_RESULTS)[number]

/** Fields every node shape carries in its tldraw `props`. The tree edge lives on the child:
 *  `parentNode` is the parent's shape id ('' for a root) and `order` a fractional index among siblings. */
export interface BaseNodeProps {
  w: number
  h: number
  title: string
  notes: string
  parentNode: string
  order: string
}
export interface OutcomeProps extends BaseNodeProps {
  metric: string
  baseline: number | null
  target: number | null
  current: number | null
}
export interface OpportunityProps extends BaseNodeProps {
  evidence: string[]
  importance: number | null // 0–10
  satisfaction: number | null // 0–10
}
export interface SolutionProps extends BaseNodeProps {
  impact: number | null // 1–10
  confidence: number | null // 1–10
  ease: number | null // 1–10
  status: SolutionStatus
}
export interface AssumptionProps extends BaseNodeProps {
  category: AssumptionCategory
  test: string
  result: AssumptionResult
}
export interface NodePropsByKind {
  outcome: OutcomeProps
  opportunity: OpportunityProps
  solution: SolutionProps
  assumption: AssumptionProps
}
export type AnyNodeProps = NodePropsByKind[NodeKind]

/** Default size of a node card on the canvas, in tldraw page units. */
export const NODE_WIDTH = 240
export const NODE_HEIGHT = 120

/** A tldraw record as plain JSON (what the Yjs document stores). */
export interface JsonRecord {
  id: string
  typeName: string
  [key: string]: unknown
}

/** A tldraw shape record for one tree node, as plain JSON. */
export interface NodeShapeRecord<K extends NodeKind = NodeKind> extends JsonRecord {
  id: string // 'shape:…'
  typeName: 'shape'
  type: K
  x: number
  y: number
  rotation: number
  index: string
  parentId: string // tldraw parent (the page), not the tree parent
  isLocked: boolean
  opacity: number
  props: NodePropsByKind[K]
  meta: Record<string, unknown>
}

/** Names inside the Yjs document (layout 2, see record-layout.ts). */
export const YDOC_RECORDS = 'records' // Y.Map: record id → Y.Map of the record's fields
export const YDOC_RECORDS_V1 = 'tl_records' // layout 1 (boards made before): YKeyValue entries {key, val}
export const YDOC_META = 'meta' // Y.Map: 'schema' → tldraw SerializedSchema
export const YDOC_BOARD = 'board' // Y.Map written by the server only: 'bet' → LockedBet | null, 'votes' → revealed results

export const PAGE_ID = 'page:page'
export const DOCUMENT_ID = 'document:document'

export function isNodeKind(value: unknown): value is NodeKind {
  return typeof value === 'string' && (NODE_KINDS as readonly string[]).includes(value)
}

export function isNodeShapeRecord(record: unknown): record is NodeShapeRecord {
  const r = record as JsonRecord | null
  return !!r && r.typeName === 'shape' && isNodeKind((r as { type?: unknown }).type)
}
