// shared/tldraw-schema.json is what the server writes into a new board's Yjs `meta.schema`. It must match the
// schema the browser's tldraw store uses, or clients would migrate (or reject) what the server seeded.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { schemaJsonText, serializedBoardSchema } from '../../scripts/gen-tldraw-schema'

const committed = readFileSync(resolve(import.meta.dirname, '../../shared/tldraw-schema.json'), 'utf8')

describe('shared/tldraw-schema.json', () => {
  it('matches the schema built from client/editor/shape-props.ts (regenerate with `npx tsx scripts/gen-tldraw-schema.ts`)', () => {
    expect(JSON.parse(committed)).toEqual(serializedBoardSchema())
    expect(committed).toBe(schemaJsonText())
  })

  it('includes the four node shapes', () => {
    const { sequences } = JSON.parse(committed) as { sequences: Record<string, number> }
    for (const kind of ['outcome', 'opportunity', 'solution', 'assumption']) {
      expect(sequences).toHaveProperty(`com.tldraw.shape.${kind}`)
    }
  })
})
