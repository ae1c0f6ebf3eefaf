// Wraps a real store so a test can make loads or writes fail, or slow them down.
import type { Store } from '../../server/store/types'

export interface Faults {
  failLoads: number // fail this many loadUpdates calls
  failWrites: boolean
  writeDelayMs: number
  loadDelayMs: number
  writesStarted: number
}

export function faultyStore(inner: Store): { store: Store; faults: Faults } {
  const faults: Faults = { failLoads: 0, failWrites: false, writeDelayMs: 0, loadDelayMs: 0, writesStarted: 0 }
  const store: Store = {
    ...inner,
    async loadUpdates(boardId) {
      if (faults.loadDelayMs) await new Promise((r) => setTimeout(r, faults.loadDelayMs))
      if (faults.failLoads > 0) {
        faults.failLoads--
        throw new Error('injected load failure')
      }
      return inner.loadUpdates(boardId)
    },
    async appendUpdates(boardId, updates) {
      faults.writesStarted++
      if (faults.writeDelayMs) await new Promise((r) => setTimeout(r, faults.writeDelayMs))
      if (faults.failWrites) throw new Error('injected write failure (disk full)')
      return inner.appendUpdates(boardId, updates)
    },
    appendUpdatesNow(boardId, updates) {
      if (!inner.appendUpdatesNow || faults.writeDelayMs) return null // a slowed write is one the room waits for
      faults.writesStarted++
      if (faults.failWrites) throw new Error('injected write failure (disk full)')
      return inner.appendUpdatesNow(boardId, updates)
    },
  }
  return { store, faults }
}
