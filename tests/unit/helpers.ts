// Small builders for unit tests: node records with readable ids.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { makeNodeRecord } from '../../shared/records'
import type { JsonRecord, NodeKind } from '../../shared/model'

export function rec(kind: NodeKind, id: string, parent = '', order = 'a0', props: Record<string, unknown> = {}): JsonRecord {
  return makeNodeRecord(kind, { title: id, parentNode: parent ? `shape:${parent}` : '', order, ...props } as never, { id: `shape:${id}` })
}

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8')
}

/** Removes ids everywhere so two exports can be compared "apart from ids". */
export function withoutIds<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'id' ? undefined : v)))
}

import { parseTreeJson, treeJsonToRecords } from '../../shared/formats/tree-json'
import { deriveTree } from '../../shared/tree'
import type { Tree } from '../../shared/tree'

/** The team-onboarding fixture as a derived tree, plus a lookup by title. */
export function onboardingTree(): { tree: Tree; idOf: (title: string) => string } {
  const parsed = parseTreeJson(fixture('team-onboarding.json'))
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
  const tree = deriveTree(treeJsonToRecords(parsed.value))
  const idOf = (title: string) => [...tree.byId.values()].find((n) => n.props.title === title)!.id
  return { tree, idOf }
}
