// The markdown outline: an optional `# Title`, then a nested list of `Kind: title` items.
// The outline carries titles and structure only — no scores, notes or evidence — because it is meant to be
// typed by hand in a workshop; use Tree JSON for a lossless copy. Parsing reports every problem with its
// line number. Like Tree JSON, top-level items may be of any kind (they become loose, hinted nodes).
//
// The `Kind:` prefix may be left out (an outline pasted from a document or a mind map): an item without one
// takes the kind that follows its parent's (outcome → opportunity → solution → assumption), and a top-level
// one is an outcome, so an outline with no prefixes at all gets its kinds from depth. A prefixed item keeps
// its kind, and its unprefixed children follow it ("Opportunity:" on a sub-opportunity makes the items under
// it solutions). Nothing sits under an assumption, so an unprefixed item there (five levels deep in a plain
// outline) is an error naming its line, rather than a guess that would change the tree the person wrote.

import { NODE_KINDS } from '../model'
import type { NodeKind } from '../model'
import { canBeChildOf, placementRule } from '../rules'
import { TREE_LIMITS, parseTreeJson } from './tree-json'
import type { ParseResult, TreeJson, TreeJsonNode } from './tree-json'

export const OUTLINE_LIMITS = { lines: 20_000, chars: 2_000_000 } as const

const LABEL: Record<NodeKind, string> = {
  outcome: 'Outcome',
  opportunity: 'Opportunity',
  solution: 'Solution',
  assumption: 'Assumption',
}
const article = (kind: NodeKind) => (kind === 'solution' ? 'a' : 'an')
const ITEM = /^([ \t]*)[-*+][ \t]+(.*)$/
const PREFIX = /^(outcome|opportunity|solution|assumption)[ \t]*:[ \t]*(.*)$/i
const TAB_WIDTH = 4
/** The kind an unprefixed item takes under a parent of each kind (none under an assumption). */
const CHILD_KIND: Record<NodeKind, NodeKind | null> = { outcome: 'opportunity', opportunity: 'solution', solution: 'assumption', assumption: null }
/** Kinds by depth, for an unprefixed item whose parent's kind is unknown (the parent was itself refused). */
const DEPTH_KINDS: readonly NodeKind[] = ['outcome', 'opportunity', 'solution', 'assumption']

/** A parsed outline, and how many of its items had no `Kind:` prefix (their kind was inferred). */
export type OutlineResult = { ok: true; value: TreeJson; inferred: number } | { ok: false; errors: string[] }

function indentWidth(ws: string): number {
  let width = 0
  for (const ch of ws) width += ch === '\t' ? TAB_WIDTH - (width % TAB_WIDTH) : 1
  return width
}

/** Parses an outline into Tree JSON (with defaults for every kind field). */
export function parseOutline(text: string): OutlineResult {
  if (typeof text !== 'string') return { ok: false, errors: ['the outline must be text'] }
  if (text.length > OUTLINE_LIMITS.chars) return { ok: false, errors: [`the outline is too long (at most ${OUTLINE_LIMITS.chars} characters)`] }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  if (lines.length > OUTLINE_LIMITS.lines) return { ok: false, errors: [`the outline has too many lines (at most ${OUTLINE_LIMITS.lines})`] }

  const errors: string[] = []
  const fail = (lineNo: number, message: string) => errors.push(`line ${lineNo}: ${message}`)
  let title = ''
  let seenItem = false
  let unit = 0 // indent width of one level, learnt from the first indented item
  let count = 0
  let inferred = 0
  const roots: TreeJsonNode[] = []
  // stack[d] = the last item seen at depth d: its node (null when the item was invalid: its children are
  // still read) and its kind (null when none could be given to it), which unprefixed children follow.
  const stack: { node: TreeJsonNode | null; kind: NodeKind | null }[] = []

  for (let i = 0; i < lines.length && errors.length < TREE_LIMITS.errors; i++) {
    const lineNo = i + 1
    const line = lines[i]
    if (!line.trim()) continue
    const heading = /^#[ \t]+(.*)$/.exec(line)
    if (heading && !seenItem && !title) {
      title = heading[1].trim()
      if (title.length > TREE_LIMITS.title) fail(lineNo, `the title is longer than ${TREE_LIMITS.title} characters`)
      continue
    }
    const item = ITEM.exec(line)
    if (!item) {
      fail(lineNo, `expected a list item such as "- Opportunity: …"${seenItem ? '' : ' (or a "# Title" line first)'}`)
      continue
    }
    seenItem = true
    if (++count > TREE_LIMITS.nodes) {
      fail(lineNo, `too many items (at most ${TREE_LIMITS.nodes})`)
      break
    }

    const width = indentWidth(item[1])
    if (width > 0 && unit === 0) unit = width
    let depth = 0
    if (width > 0) {
      if (width % unit !== 0) {
        fail(lineNo, `indentation of ${width} spaces does not match the outline's step of ${unit}`)
        continue
      }
      depth = width / unit
    }
    if (depth > stack.length) {
      fail(lineNo, `indented too far: one level deeper than the item above at most`)
      continue
    }
    if (depth >= TREE_LIMITS.depth) {
      fail(lineNo, `nested too deeply (at most ${TREE_LIMITS.depth} levels)`)
      continue
    }
    stack.length = depth // leaving deeper levels

    const text = item[2].trim()
    const prefix = PREFIX.exec(text)
    const parent = depth > 0 ? stack[depth - 1] : undefined
    let kind: NodeKind
    let itemTitle: string
    if (prefix) {
      kind = prefix[1].toLowerCase() as NodeKind
      itemTitle = prefix[2].trim()
    } else {
      const guess = !parent ? 'outcome' : parent.kind ? CHILD_KIND[parent.kind] : (DEPTH_KINDS[depth] ?? null)
      if (!guess) {
        fail(
          lineNo,
          `nothing can sit under an Assumption, so this item's kind cannot be inferred (without a "Kind:" prefix the levels are ${DEPTH_KINDS.map((k) => LABEL[k]).join(' → ')}; start deeper opportunities with "Opportunity:")`,
        )
        stack.push({ node: null, kind: null })
        continue
      }
      kind = guess
      itemTitle = text
      inferred++
    }
    let valid = true
    if (!itemTitle) {
      fail(lineNo, `the ${LABEL[kind]} has no title`)
      valid = false
    } else if (itemTitle.length > TREE_LIMITS.title) {
      fail(lineNo, `the title is longer than ${TREE_LIMITS.title} characters`)
      valid = false
    }
    if (parent?.kind && !canBeChildOf(kind, parent.kind)) {
      fail(lineNo, `${article(kind)} ${LABEL[kind]} cannot sit under ${article(parent.kind)} ${LABEL[parent.kind]} (${placementRule(kind).toLowerCase()})`)
      valid = false
    }
    if (!valid || (parent && !parent.node)) {
      stack.push({ node: null, kind })
      continue
    }
    const node = { kind, title: itemTitle, children: [] } as unknown as TreeJsonNode
    ;(parent?.node ? parent.node.children : roots).push(node)
    stack.push({ node, kind })
  }
  if (errors.length) return { ok: false, errors: errors.slice(0, TREE_LIMITS.errors) }
  // Tree JSON validation fills each kind's defaults and re-checks every cap in one place.
  const parsed = parseTreeJson({ title, roots })
  return parsed.ok ? { ...parsed, inferred } : parsed
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()

/** Markdown outline of a Tree JSON: titles and structure only, two spaces per level. */
export function treeToOutline(treeJson: TreeJson): string {
  const out: string[] = []
  if (oneLine(treeJson.title)) out.push(`# ${oneLine(treeJson.title)}`)
  const stack: { node: TreeJsonNode; depth: number }[] = treeJson.roots.map((node) => ({ node, depth: 0 })).reverse()
  while (stack.length) {
    const { node, depth } = stack.pop()!
    // An empty title cannot be written (the parser refuses it), so it gets a visible placeholder.
    out.push(`${'  '.repeat(depth)}- ${LABEL[node.kind]}: ${oneLine(node.title) || 'Untitled'}`)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], depth: depth + 1 })
  }
  return out.join('\n') + '\n'
}
