// Summarises V8 .cpuprofile files (our servers' --cpu-prof, the client bench's page loads) as self and total
// time per function, top N: with BENCH_CPU_PROF_DIR set, run.ts writes one beside each profile.
import fs from 'node:fs'
import path from 'node:path'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
export interface Profile {
  nodes: Node[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export function summarizeProfile(profile: Profile, top = 30): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const key = (n: Node) => {
    const url = n.callFrame.url.replace(/^.*\/node_modules\//, '~/').replace(/^file:\/\/.*?\/(server|shared|bench)\//, '$1/')
    return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`
  }
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!
    self.set(key(n), (self.get(key(n)) ?? 0) + us)
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!)
      if (seen.has(k)) continue
      seen.add(k)
      total.set(k, (total.get(k) ?? 0) + us)
    }
  }
  const wall = profile.endTime - profile.startTime
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / wall) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n')
  return `wall ${(wall / 1000).toFixed(0)} ms\n-- self --\n${fmt(self)}\n-- total --\n${fmt(total)}`
}

/** Writes `<profile>.txt` beside every .cpuprofile in `dir` that has none yet; returns the files written. */
export function summarizeProfiles(dir: string, top = 30): string[] {
  const written: string[] = []
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.cpuprofile')).sort()) {
    const out = path.join(dir, `${name}.txt`)
    if (fs.existsSync(out)) continue
    fs.writeFileSync(out, `${summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')), top)}\n`)
    written.push(out)
  }
  return written
}
