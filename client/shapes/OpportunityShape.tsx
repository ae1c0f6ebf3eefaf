// Opportunity: a customer need, pain or desire, sized by Ulwick's opportunity score (aid, not verdict).
import { defaultNodeProps } from '../../shared/records'
import { opportunityScore } from '../../shared/scoring'
import { opportunityShapeProps } from '../editor/shape-props'
import type { OpportunityShape } from '../editor/shape-props'
import { Chip } from './NodeCard'
import { NodeShapeUtil } from './NodeShapeUtil'

export class OpportunityShapeUtil extends NodeShapeUtil<OpportunityShape> {
  static override type = 'opportunity' as const
  static override props = opportunityShapeProps
  readonly kind = 'opportunity' as const

  getDefaultProps(): OpportunityShape['props'] {
    return defaultNodeProps('opportunity')
  }

  renderFields(shape: OpportunityShape) {
    const { importance, satisfaction, evidence } = shape.props
    const score = opportunityScore(importance, satisfaction)
    return {
      score: {
        label: 'score',
        value: score,
        strong: score !== null && score > 10,
        title: 'Opportunity score: importance + max(importance − satisfaction, 0)',
      },
      fields: (
        <>
          {importance === null && satisfaction === null ? (
            <Chip tone="muted" title="Importance and satisfaction (0–10): not scored yet">
              not scored
            </Chip>
          ) : (
            <>
              <Chip title="Importance (0–10)">imp {importance ?? '–'}</Chip>
              <Chip title="Satisfaction (0–10)">sat {satisfaction ?? '–'}</Chip>
            </>
          )}
          <Chip tone={evidence.length ? 'strong' : 'muted'} title={evidence.join('\n') || 'No evidence yet'}>
            {evidence.length} evidence
          </Chip>
        </>
      ),
    }
  }
}
