// Outcome: the metric the team wants to move, from baseline to target (and where it is now).
import { defaultNodeProps } from '../../shared/records'
import { outcomeShapeProps } from '../editor/shape-props'
import type { OutcomeShape } from '../editor/shape-props'
import { Chip } from './NodeCard'
import { NodeShapeUtil } from './NodeShapeUtil'

const fmt = (n: number | null) => (n === null ? '?' : String(n))

export class OutcomeShapeUtil extends NodeShapeUtil<OutcomeShape> {
  static override type = 'outcome' as const
  static override props = outcomeShapeProps
  readonly kind = 'outcome' as const

  getDefaultProps(): OutcomeShape['props'] {
    return defaultNodeProps('outcome')
  }

  renderFields(shape: OutcomeShape) {
    const { metric, baseline, target, current } = shape.props
    return {
      fields: (
        <>
          <Chip tone="metric" title="Metric">
            {metric || 'No metric yet'}
          </Chip>
          {(baseline !== null || target !== null) && (
            <Chip tone="strong" title="Baseline → target">
              {fmt(baseline)} → {fmt(target)}
            </Chip>
          )}
          {current !== null && <Chip title="Current value">now {current}</Chip>}
        </>
      ),
    }
  }
}
