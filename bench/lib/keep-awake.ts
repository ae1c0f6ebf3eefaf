// Keeps the machine's CPUs from going idle while latency is measured, without taking time from anything else.
//
// On these VMs an idle CPU halts at once and the host is slow to wake it, so a server that did less work per
// second paid a wake-up on every message and looked slower for it (bench/README.md, fan-out, "How it is measured").
// One spinning process per CPU in SCHED_IDLE (chrt --idle), which runs only when nothing else can, keeps every
// CPU awake for every server alike. Only for latency at a workshop's rate (fanout.ts): under heavy load
// nothing idles, and the spinners only get in the scheduler's way.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import os from 'node:os'
import { killAndWait } from './stop-child'

export interface KeepAwake {
  /** How the CPUs are kept awake, for the table ("off" when they are not). */
  readonly how: string
  stop(): Promise<void>
}

const SPIN = 'for (;;) {}'

export function keepAwake(enabled: boolean): KeepAwake {
  if (!enabled) return { how: 'off', stop: async () => {} }
  const chrt = spawnSync('chrt', ['--idle', '0', 'true']).status === 0
  const spinners: ChildProcess[] = []
  for (let i = 0; i < os.cpus().length; i++) {
    const child = chrt
      ? spawn('chrt', ['--idle', '0', process.execPath, '-e', SPIN], { stdio: 'ignore' })
      : spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' })
    // Without chrt, the lowest priority there is (nice 19): it still yields to the servers almost always.
    if (!chrt && child.pid !== undefined) os.setPriority(child.pid, 19)
    spinners.push(child)
  }
  return {
    how: chrt ? `one SCHED_IDLE spinner per CPU (${spinners.length})` : `one nice-19 spinner per CPU (${spinners.length})`,
    stop: async () => {
      await Promise.all(spinners.map(killAndWait))
    },
  }
}
