// Solution: an idea for the opportunity above, compared by ICE (the average of impact, confidence, ease).
import { defaultNodeProps } from '../../shared/records'
import { iceScore } from '../../shared/scoring'
import { solutionShapeProps } from '../editor/shape-props'
import type { SolutionShape } from '../editor/shape-props'
import { Chip } from './NodeCard'
import { NodeShapeUtil } from './NodeShapeUtil'

export class SolutionShapeUtil extends NodeShapeUtil<SolutionShape> {
  static override type = 'solution' as const
  static override props = solutionShapeProps
  readonly kind = 'solution' as const

  getDefaultProps(): SolutionShape['props'] {
    return defaultNodeProps('solution')
  }

  renderFields(shape: SolutionShape) {
    const { impact, confidence, ease, status } = shape.props
    return {
      score: { label: 'ICE', value: iceScore(impact, confidence, ease), title: 'ICE: the average of impact, confidence and ease' },
      fields: (
        <>
          <Chip tone={`status-${status}`} title="Status">
            {status}
          </Chip>
          {impact === null && confidence === null && ease === null ? (
            <Chip tone="muted" title="Impact · Confidence · Ease (1–10): not scored yet">
              not scored
            </Chip>
          ) : (
            <Chip title="Impact · Confidence · Ease (1–10)">
              {impact ?? '–'} · {confidence ?? '–'} · {ease ?? '–'}
            </Chip>
          )}
        </>
      ),
    }
  }
}
