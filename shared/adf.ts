// Markdown → Atlassian Document Format, for Jira descriptions (API v3 accepts ADF only). Handles the
// markdown our own exports produce: headings, paragraphs, bullet/numbered lists, block quotes, rules,
// **bold**, `code` and [links](url). ADF rejects empty text nodes, so none is ever emitted.

export interface AdfMark {
  type: 'strong' | 'code' | 'link'
  attrs?: { href: string }
}
export interface AdfNode {
  type: string
  attrs?: Record<string, unknown>
  content?: AdfNode[]
  text?: string
  marks?: AdfMark[]
}
export interface AdfDoc {
  type: 'doc'
  version: 1
  content: AdfNode[]
}

const SAFE_HREF = /^(https?:\/\/|mailto:)/i
const INLINE = /\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|`([^`\n]+)`/g

/** Inline markdown to ADF text nodes; unsafe link targets are kept as plain text. */
export function inlineToAdf(text: string): AdfNode[] {
  const out: AdfNode[] = []
  const push = (t: string, marks?: AdfMark[]) => {
    if (!t) return
    const prev = out[out.length - 1]
    if (!marks && prev && !prev.marks) prev.text += t // keep plain runs in one node
    else out.push(marks ? { type: 'text', text: t, marks } : { type: 'text', text: t })
  }
  let last = 0
  for (const m of text.matchAll(INLINE)) {
    push(text.slice(last, m.index))
    if (m[1] !== undefined) {
      if (SAFE_HREF.test(m[2])) push(m[1], [{ type: 'link', attrs: { href: m[2] } }])
      else push(m[0])
    } else if (m[3] !== undefined) push(m[3], [{ type: 'strong' }])
    else push(m[4], [{ type: 'code' }])
    last = m.index! + m[0].length
  }
  push(text.slice(last))
  return out
}

/** Text lines of one paragraph, joined by hard breaks; null when there is no text at all. */
function paragraph(lines: string[]): AdfNode | null {
  const content: AdfNode[] = []
  for (const line of lines) {
    const inline = inlineToAdf(line.trim())
    if (!inline.length) continue
    if (content.length) content.push({ type: 'hardBreak' })
    content.push(...inline)
  }
  return content.length ? { type: 'paragraph', content } : null
}

const BULLET = /^\s*[-*+]\s+(.*)$/
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/
const HEADING = /^(#{1,6})\s+(.*)$/
const QUOTE = /^>\s?(.*)$/
const RULE = /^\s*(-{3,}|\*{3,}|_{3,})\s*$/

export function markdownToAdf(markdown: string): AdfDoc {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const content: AdfNode[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (!line.trim()) {
      i++
      continue
    }
    const heading = HEADING.exec(line)
    if (heading) {
      const inline = inlineToAdf(heading[2].trim())
      if (inline.length) content.push({ type: 'heading', attrs: { level: heading[1].length }, content: inline })
      i++
      continue
    }
    if (RULE.test(line)) {
      content.push({ type: 'rule' })
      i++
      continue
    }
    const listKind = BULLET.test(line) ? 'bulletList' : NUMBERED.test(line) ? 'orderedList' : null
    if (listKind) {
      const pattern = listKind === 'bulletList' ? BULLET : NUMBERED
      const items: AdfNode[] = []
      while (i < lines.length && pattern.test(lines[i])) {
        const p = paragraph([pattern.exec(lines[i])![1]])
        if (p) items.push({ type: 'listItem', content: [p] }) // listItem must hold a paragraph, never text
        i++
      }
      if (items.length) content.push(listKind === 'orderedList' ? { type: 'orderedList', attrs: { order: 1 }, content: items } : { type: 'bulletList', content: items })
      continue
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = []
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(QUOTE.exec(lines[i++])![1])
      const p = paragraph(quoted)
      if (p) content.push({ type: 'blockquote', content: [p] })
      continue
    }
    const para: string[] = []
    while (i < lines.length && lines[i].trim() && !HEADING.test(lines[i]) && !BULLET.test(lines[i]) && !NUMBERED.test(lines[i]) && !QUOTE.test(lines[i]) && !RULE.test(lines[i])) {
      para.push(lines[i++])
    }
    const p = paragraph(para)
    if (p) content.push(p)
  }
  return { type: 'doc', version: 1, content }
}
