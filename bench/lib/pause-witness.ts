// Runs pause-witness.cjs beside the servers and keeps what it saw, to tell a server's own stall from a pause
// of the whole machine (see the .cjs file).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Pause } from './pauses'
import { killAndWait } from './stop-child'

const SCRIPT = path.join(import.meta.dirname, 'pause-witness.cjs')

export interface PauseWitness {
  /** Every pause it saw so far. */
  all(): Pause[]
  stop(): Promise<void>
}

export function startPauseWitness(minGapMs = 50): PauseWitness {
  const child = spawn(process.execPath, [SCRIPT, String(minGapMs)], { stdio: ['ignore', 'pipe', 'ignore'] })
  const seen: Pause[] = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const p = JSON.parse(line) as Pause
      if (Number.isFinite(p.endedAt) && Number.isFinite(p.ms)) seen.push(p)
    } catch {
      // not one of its lines
    }
  })
  return {
    all: () => [...seen],
    stop: () => killAndWait(child),
  }
}
