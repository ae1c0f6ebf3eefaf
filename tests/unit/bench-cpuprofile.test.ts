// bench/lib/cpuprofile.ts: the summary run.ts writes beside each CPU profile when BENCH_CPU_PROF_DIR is set.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Profile, summarizeProfile, summarizeProfiles } from '../../bench/lib/cpuprofile'

const frame = (functionName: string, lineNumber: number) => ({ functionName, url: 'file:///repo/server/sync/room.ts', lineNumber })

/** (root) → relay → apply, and (root) → idle; 30 ms in apply, 10 ms in relay itself, 60 ms idle. */
const profile: Profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', -1), children: [2, 4] },
    { id: 2, callFrame: frame('relay', 9), children: [3] },
    { id: 3, callFrame: frame('apply', 19) },
    { id: 4, callFrame: frame('(idle)', -1) },
  ],
  startTime: 0,
  endTime: 100_000,
  samples: [3, 3, 3, 2, 4, 4, 4, 4, 4, 4],
  timeDeltas: Array(10).fill(10_000),
}

describe('summarizeProfile', () => {
  it('counts self time where a sample landed and total time up the stack, as a share of the wall time', () => {
    const text = summarizeProfile(profile)
    const [self, total] = text.split('-- total --')
    expect(text.startsWith('wall 100 ms')).toBe(true)
    expect(self).toMatch(/60 ms +60\.0% +\(idle\)/)
    expect(self).toMatch(/30 ms +30\.0% +apply server\/sync\/room\.ts:20/)
    expect(self).toMatch(/10 ms +10\.0% +relay server\/sync\/room\.ts:10/)
    expect(total).toMatch(/40 ms +40\.0% +relay/)
    expect(total).toMatch(/100 ms +100\.0% +\(root\)/)
  })

  it('keeps the top N of each list', () => {
    const self = summarizeProfile(profile, 1).split('-- total --')[0]
    expect(self).toContain('(idle)')
    expect(self).not.toContain('apply')
  })
})

describe('summarizeProfiles', () => {
  it('writes a .txt beside each profile once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ob-cpuprofile-'))
    try {
      fs.writeFileSync(path.join(dir, 'CPU.1.cpuprofile'), JSON.stringify(profile))
      fs.writeFileSync(path.join(dir, 'notes.json'), '{}')
      expect(summarizeProfiles(dir)).toEqual([path.join(dir, 'CPU.1.cpuprofile.txt')])
      expect(fs.readFileSync(path.join(dir, 'CPU.1.cpuprofile.txt'), 'utf8')).toContain('apply')
      expect(summarizeProfiles(dir)).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
