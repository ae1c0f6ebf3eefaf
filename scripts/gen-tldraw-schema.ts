// Writes shared/tldraw-schema.json: the serialized tldraw store schema of a board (tldraw's default shapes
// and bindings plus our four node shapes). The server seeds a new board's Yjs `meta.schema` from it without
// loading tldraw. Run after changing client/editor/shape-props.ts or upgrading tldraw:
//   npx tsx scripts/gen-tldraw-schema.ts
// tests/unit/tldraw-schema.test.ts fails while the committed file is stale.

import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createBoardSchema } from '../client/editor/shape-props'

export function serializedBoardSchema() {
  return createBoardSchema().serialize()
}

export function schemaJsonText(): string {
  return JSON.stringify(serializedBoardSchema(), null, 2) + '\n'
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)
if (isMain) {
  const out = resolve(import.meta.dirname, '../shared/tldraw-schema.json')
  writeFileSync(out, schemaJsonText())
  console.log(`wrote ${out}`)
  // tldraw opens a BroadcastChannel at import time, which would keep Node running.
  process.exit(0)
}
