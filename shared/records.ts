// Building tldraw records as plain JSON, so the server can seed a board without loading tldraw.
// Field lists mirror @tldraw/tlschema 5 (TLBaseShape, TLDocument, TLPage); shapes are validated by tldraw
// on the client, so a node's props carry exactly its kind's fields and nothing more.

import { DOCUMENT_ID, NODE_HEIGHT, NODE_WIDTH, PAGE_ID } from './model'
import type { JsonRecord, NodeKind, NodePropsByKind, NodeShapeRecord } from './model'
import { newShapeId } from './ids'

/** The longest title a card may have (Tree JSON's cap, so every board exports and imports again). */
export const NODE_TITLE_MAX = 300

/** Props of a fresh node of `kind`: empty text, no scores yet, not attached to any parent. */
export function defaultNodeProps<K extends NodeKind>(kind: K): NodePropsByKind[K] {
  const base = { w: NODE_WIDTH, h: NODE_HEIGHT, title: '', notes: '', parentNode: '', order: 'a0' }
  switch (kind) {
    case 'outcome':
      return { ...base, metric: '', baseline: null, target: null, current: null } as NodePropsByKind[K]
    case 'opportunity':
      return { ...base, evidence: [], importance: null, satisfaction: null } as unknown as NodePropsByKind[K]
    case 'solution':
      return { ...base, impact: null, confidence: null, ease: null, status: 'idea' } as NodePropsByKind[K]
    case 'assumption':
      return { ...base, category: 'desirability', test: '', result: 'untested' } as NodePropsByKind[K]
    default:
      throw new Error(`Unknown node kind: ${String(kind)}`)
  }
}

/** Keeps only the props `kind` defines (tldraw rejects unknown props), filling the rest from defaults. */
export function normalizeNodeProps<K extends NodeKind>(kind: K, props: unknown): NodePropsByKind[K] {
  const defaults = defaultNodeProps(kind) as unknown as Record<string, unknown>
  const given = props && typeof props === 'object' ? (props as Record<string, unknown>) : {}
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(defaults)) {
    const value = given[key]
    out[key] = value === undefined ? defaults[key] : value
  }
  if (Array.isArray(out.evidence)) out.evidence = [...(out.evidence as unknown[])]
  return out as unknown as NodePropsByKind[K]
}

export interface NodePlacement {
  id?: string
  x?: number
  y?: number
  /** tldraw's z-order index among the page's shapes (not the tree order, which is props.order). */
  index?: string
}

/** A complete node shape record on the board's page. */
export function makeNodeRecord<K extends NodeKind>(
  kind: K,
  props: Partial<NodePropsByKind[K]> = {},
  place: NodePlacement = {},
): NodeShapeRecord<K> {
  return {
    id: place.id ?? newShapeId(),
    typeName: 'shape',
    type: kind,
    x: place.x ?? 0,
    y: place.y ?? 0,
    rotation: 0,
    index: place.index ?? 'a1',
    parentId: PAGE_ID,
    isLocked: false,
    opacity: 1,
    props: normalizeNodeProps(kind, props),
    meta: {},
  }
}

/** The document and page records every board starts with (tldraw's singleton document, one page). */
export function makeBaseDocumentRecords(): JsonRecord[] {
  return [
    { id: DOCUMENT_ID, typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: PAGE_ID, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
  ]
}
