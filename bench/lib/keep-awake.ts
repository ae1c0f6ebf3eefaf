// Keeps the machine's CPUs from going idle while latency is measured, without taking time from anything else.
//
// On these VMs an idle CPU halts at once (the kernel is booted with haltpoll.guest_halt_poll_ns=0), and a
// halted virtual CPU takes the host tens to hundreds of microseconds to wake, more when the host is busy.
// So a server's latency depended on how busy it kept the machine: one that did more work per second kept the
// CPUs awake and answered sooner, one that did less paid a wake-up on every message (seen here: batching
// presence, which halves a 50-client room's CPU, raised its p50 by 30% on a busy host and lowered it by 15%
// with the CPUs kept awake). One spinning process per CPU in SCHED_IDLE (chrt --idle), which runs only when
// nothing else can and yields to anything that wakes, keeps every CPU awake for every server alike. Only
// for latency at a workshop's rate (fanout.ts): under heavy load nothing idles, and there the spinners only got
// in the scheduler's way (p99 at 3,200 updates/s went from 6 ms to 20–900 ms with them).
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
