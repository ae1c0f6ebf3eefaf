// Assumption: what must be true for the solution to work, its category, and what testing showed.
import { defaultNodeProps } from '../../shared/records'
import { assumptionShapeProps } from '../editor/shape-props'
import type { AssumptionShape } from '../editor/shape-props'
import { Chip } from './NodeCard'
import { NodeShapeUtil } from './NodeShapeUtil'

export class AssumptionShapeUtil extends NodeShapeUtil<AssumptionShape> {
  static override type = 'assumption' as const
  static override props = assumptionShapeProps
  readonly kind = 'assumption' as const

  getDefaultProps(): AssumptionShape['props'] {
    return defaultNodeProps('assumption')
  }

  renderFields(shape: AssumptionShape) {
    const { category, result, test } = shape.props
    return {
      fields: (
        <>
          <Chip tone="category" title="Category">
            {category}
          </Chip>
          <Chip tone={`result-${result}`} title={test ? `Test: ${test}` : 'No test described yet'}>
            {result}
          </Chip>
        </>
      ),
    }
  }
}
