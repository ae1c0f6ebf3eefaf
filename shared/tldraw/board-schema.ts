// The board's tldraw record schema: tldraw's default shapes and bindings plus our four node shapes, with
// tldraw's own validators. The one place in shared/ that imports tldraw: only its schema and validator
// packages (pure, no DOM), so the server can check every record a client writes exactly as the editor would
// (see server/sync/write-guard.ts). Keep it out of the client's entry chunk: only the editor imports it.
import { createTLSchema, defaultBindingSchemas, defaultShapeSchemas } from '@tldraw/tlschema'
import { T } from '@tldraw/validate'
import { ASSUMPTION_CATEGORIES, ASSUMPTION_RESULTS, SOLUTION_STATUSES, type NodeKind } from '../model'

const baseProps = {
  w: T.number,
  h: T.number,
  title: T.string,
  notes: T.string,
  parentNode: T.string,
  order: T.string,
}

const score = T.number.nullable()

/** Props validators of the four node shapes: exactly the props in shared/model.ts. */
export const nodeShapeProps = {
  outcome: { ...baseProps, metric: T.string, baseline: score, target: score, current: score },
  opportunity: { ...baseProps, evidence: T.arrayOf(T.string), importance: score, satisfaction: score },
  solution: {
    ...baseProps,
    impact: score,
    confidence: score,
    ease: score,
    status: T.literalEnum(...SOLUTION_STATUSES),
  },
  assumption: {
    ...baseProps,
    category: T.literalEnum(...ASSUMPTION_CATEGORIES),
    test: T.string,
    result: T.literalEnum(...ASSUMPTION_RESULTS),
  },
} satisfies Record<NodeKind, unknown>

/** The board's tldraw schema. The editor's store builds the same schema from the shape utils; the e2e test
 *  checks the two serialize identically, and shared/tldraw-schema.json is its serialized form. */
export function createBoardSchema() {
  return createTLSchema({
    shapes: {
      ...defaultShapeSchemas,
      outcome: { props: nodeShapeProps.outcome },
      opportunity: { props: nodeShapeProps.opportunity },
      solution: { props: nodeShapeProps.solution },
      assumption: { props: nodeShapeProps.assumption },
    },
    bindings: defaultBindingSchemas,
  })
}
