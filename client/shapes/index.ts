// The four tree-node shape utils, registered with the store and the editor together.
import { AssumptionShapeUtil } from './AssumptionShape'
import { OpportunityShapeUtil } from './OpportunityShape'
import { OutcomeShapeUtil } from './OutcomeShape'
import { SolutionShapeUtil } from './SolutionShape'

export const nodeShapeUtils = [OutcomeShapeUtil, OpportunityShapeUtil, SolutionShapeUtil, AssumptionShapeUtil]
export { AssumptionShapeUtil, OpportunityShapeUtil, OutcomeShapeUtil, SolutionShapeUtil }
