// The four tree-node shapes' tldraw types and props validators. The validators live in
// shared/tldraw/board-schema.ts, so the server checks client writes with the very same ones.

import type { RecordProps, TLShape } from '@tldraw/tldraw'
import { createBoardSchema, nodeShapeProps } from '../../shared/tldraw/board-schema'
import type { AssumptionProps, OpportunityProps, OutcomeProps, SolutionProps } from '../../shared/model'

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

export const outcomeShapeProps: RecordProps<OutcomeShape> = nodeShapeProps.outcome
export const opportunityShapeProps: RecordProps<OpportunityShape> = nodeShapeProps.opportunity
export const solutionShapeProps: RecordProps<SolutionShape> = nodeShapeProps.solution
export const assumptionShapeProps: RecordProps<AssumptionShape> = nodeShapeProps.assumption

export { createBoardSchema, nodeShapeProps }
