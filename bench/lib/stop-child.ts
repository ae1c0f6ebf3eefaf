// Stops a helper process the bench started (a spinner, the bystander) and waits until it is gone.
import type { ChildProcess } from 'node:child_process'

export function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}
