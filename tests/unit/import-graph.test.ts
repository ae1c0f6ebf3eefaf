// The import-graph rules in .dependency-cruiser.cjs (client layers, shared/ stays pure, client/ and server/
// stay apart, the entry chunk stays free of tldraw), checked with dependency-cruiser. `npm run check:imports`
// runs the same check from the command line.
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cruise } from 'dependency-cruiser'
import type { ICruiseResult, IViolation } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const fixture = join(root, 'tests/fixtures/import-graph')

// Cruises client/, shared/ and server/ under baseDir with the repo's rules. All paths in the result
// (and in the rules) are relative to baseDir.
async function cruiseWithRules(baseDir: string) {
  const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'))
  const tsConfigFile = join(root, 'tsconfig.json')
  options.baseDir = baseDir
  options.tsConfig = { fileName: tsConfigFile }
  const { output } = await cruise(['client', 'shared', 'server'], options, {}, { tsConfig: extractTSConfig(tsConfigFile) })
  return output as ICruiseResult
}

const line = (v: IViolation) => `${v.from} → ${v.to} (${v.rule.name})`

// One line per violation, then what each broken rule asks for (its comment in .dependency-cruiser.cjs).
function report(result: ICruiseResult): string {
  const violations = result.summary.violations
  const comments = new Map<string, string>()
  for (const rule of result.summary.ruleSetUsed?.forbidden ?? []) if (rule.name && rule.comment) comments.set(rule.name, rule.comment)
  const broken = [...new Set(violations.map((v) => v.rule.name))]
  return [
    `${violations.length} import-graph violation(s):`,
    ...violations.map((v) => `  ${line(v)}${v.cycle ? `  [cycle: ${v.cycle.map((c) => c.name).join(' → ')}]` : ''}`),
    '',
    ...broken.map((name) => `${name}:\n  ${comments.get(name) ?? ''}`),
    '',
  ].join('\n')
}

// A cruise of the repo takes 1-3 s; leave room for a busy machine (npm test runs all projects at once).
describe('import graph (.dependency-cruiser.cjs)', { timeout: 30_000 }, () => {
  it('client/, shared/ and server/ break no rule', async () => {
    const result = await cruiseWithRules(root)
    // Guard against a cruise that checks nothing (a renamed folder, a broken resolver).
    const sources = result.modules.map((m) => m.source)
    for (const dir of ['client/', 'shared/', 'server/']) expect(sources.some((s) => s.startsWith(dir)), dir).toBe(true)
    expect(sources).toContain('client/main.tsx')

    const violations = result.summary.violations
    expect(violations.length, violations.length ? report(result) : '').toBe(0)
  })

  it('reports each rule on a fixture tree that breaks them, and only there', async () => {
    const result = await cruiseWithRules(fixture)
    // An npm module by its package name, not by the file its entry point happens to be.
    const packageName = (path: string) => path.replace(/^(?:\.\.\/)*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1')
    const lines = result.summary.violations.map((v) => `${v.from} → ${packageName(v.to)} (${v.rule.name})`)
    expect(lines.sort()).toEqual(
      [
        'client/bet/x.ts → client/history/y.ts (feature-may-import-only-itself-shapes-sync-editor-ui-platform)',
        'client/editor/a.ts → client/board/b.ts (editor-may-import-only-ui-platform)',
        'client/ui/u.ts → client/root.ts (ui-may-import-only-platform)',
        'client/misc/m.ts → client/platform/p.ts (client-folder-missing-from-layer-list)',
        'client/app/c.ts → @tldraw/tldraw (entry-chunk-imports-no-tldraw)',
        'client/main.tsx → @tldraw/tldraw (entry-chunk-imports-no-tldraw)',
        'client/sync/BoardConnection.ts → @tldraw/tldraw (entry-chunk-imports-no-tldraw)',
        'client/platform/p.ts → server/t.ts (client-imports-no-server)',
        'server/t.ts → client/bet/z.ts (server-imports-no-client)',
        'shared/s.ts → client/platform/p.ts (shared-imports-no-client-or-server)',
        'shared/s.ts → path (shared-imports-no-node-builtins)',
        'client/notes/n1.ts → client/notes/n2.ts (no-circular)', // one violation per cycle
      ].sort(),
    )
  })
})
