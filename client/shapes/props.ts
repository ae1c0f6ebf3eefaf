// Props validators for the four tree-node shapes. They accept exactly the props in shared/model.ts (scores
// nullable, evidence a list of strings, enums as literal sets), so a record the server built from plain JSON
// passes tldraw's validation unchanged. Imported by the shape utils (browser) and by
// scripts/gen-tldraw-schema.ts (Node), so nothing here may touch the DOM or React.

import { T, createTLSchema, defaultBindingSchemas, defaultShapeSchemas } from '@tldraw/tldraw'
import type { RecordProps, TLShape } from '@tldraw/tldraw'
import { ASSUMPTION_CATEGORIES, ASSUMPTION_RESULTS, SOLUTION_STATUSES } from '../../shared/model'
import type { AssumptionProps, NodeKind, OpportunityProps, OutcomeProps, SolutionProps } from '../../shared/model'

declare module '@tldraw/tldraw' {
  export interface TLGlobalShapePropsMap {
    outcome: OutcomeProps
    opportunity: OpportunityProps
    solution: SolutionProps
    assumption: AssumptionProps
  }
}

export type OutcomeShape = TLShape<'outcome'>
export type OpportunityShape = TLShape<'opportunity'>
export type SolutionShape = TLShape<'solution'>
export type AssumptionShape = TLShape<'assumption'>
export type NodeShape = OutcomeShape | OpportunityShape | SolutionShape | AssumptionShape

const baseProps = {
  w: T.number,
  h: T.number,
  title: T.string,
  notes: T.string,
  parentNode: T.string,
  order: T.string,
}

const score = T.number.nullable()

export const outcomeShapeProps: RecordProps<OutcomeShape> = {
  ...baseProps,
  metric: T.string,
  baseline: score,
  target: score,
  current: score,
}

export const opportunityShapeProps: RecordProps<OpportunityShape> = {
  ...baseProps,
  evidence: T.arrayOf(T.string),
  importance: score,
  satisfaction: score,
}

export const solutionShapeProps: RecordProps<SolutionShape> = {
  ...baseProps,
  impact: score,
  confidence: score,
  ease: score,
  status: T.literalEnum(...SOLUTION_STATUSES),
}

export const assumptionShapeProps: RecordProps<AssumptionShape> = {
  ...baseProps,
  category: T.literalEnum(...ASSUMPTION_CATEGORIES),
  test: T.string,
  result: T.literalEnum(...ASSUMPTION_RESULTS),
}

export const nodeShapeProps = {
  outcome: outcomeShapeProps,
  opportunity: opportunityShapeProps,
  solution: solutionShapeProps,
  assumption: assumptionShapeProps,
} satisfies Record<NodeKind, unknown>

/** The board's tldraw schema: tldraw's default shapes and bindings plus our four node shapes. The editor's
 *  store builds the same schema from the shape utils; the e2e test checks the two serialize identically. */
export function createBoardSchema() {
  return createTLSchema({
    shapes: {
      ...defaultShapeSchemas,
      outcome: { props: outcomeShapeProps },
      opportunity: { props: opportunityShapeProps },
      solution: { props: solutionShapeProps },
      assumption: { props: assumptionShapeProps },
    },
    bindings: defaultBindingSchemas,
  })
}
