// How a new board starts: empty, a starter tree whose notes carry Torres' guidance, or a worked example.
import { BOARD_TEMPLATES } from '../../shared/templates'
import type { BoardTemplate } from '../../shared/templates'

export type TemplateId = BoardTemplate['id']

export function templateById(id: TemplateId): BoardTemplate {
  return BOARD_TEMPLATES.find((t) => t.id === id) ?? BOARD_TEMPLATES[0]
}

const PREVIEW: Record<TemplateId, string> = { empty: '◻', starter: '◎ ◆ ▲', example: '◎ ◆◆ ▲▲▲' }

export function TemplatePicker({ value, onChange }: { value: TemplateId; onChange: (id: TemplateId) => void }) {
  return (
    <fieldset className="ob-templates">
      <legend className="ob-field">
        <span>Start from</span>
      </legend>
      {BOARD_TEMPLATES.map((t) => (
        <label key={t.id} className={`ob-template${value === t.id ? ' is-on' : ''}`} data-template={t.id}>
          <input type="radio" name="template" value={t.id} checked={value === t.id} onChange={() => onChange(t.id)} />
          <span className="ob-template__preview" aria-hidden>
            {PREVIEW[t.id]}
          </span>
          <span className="ob-template__text">
            <strong>{t.name}</strong>
            <small>{t.description}</small>
          </span>
        </label>
      ))}
    </fieldset>
  )
}
