// Presence over Yjs awareness: our instance_presence record goes out (throttled, since awareness traffic
// grows with the square of the room), everyone else's comes in as remote instance_presence records. tldraw
// draws cursors, names and selections from those records and the people menu lists them.

import {
  InstancePresenceRecordType,
  UserRecordType,
  computed,
  createPresenceStateDerivation,
  createUserId,
  defaultUserPreferences,
  getUserPreferences,
  react,
} from '@tldraw/tldraw'
import type { TLInstancePresence, TLRecord, TLStore } from '@tldraw/tldraw'
import type { Awareness } from 'y-protocols/awareness'

export const PRESENCE_THROTTLE_MS = 80

/** The person at this browser, from tldraw's user preferences (name, colour, id kept in localStorage). */
export const currentUser = computed('outcome-board current user', () => {
  const prefs = getUserPreferences()
  return UserRecordType.create({
    id: createUserId(prefs.id),
    name: prefs.name?.trim() || 'Anonymous',
    color: prefs.color ?? defaultUserPreferences.color,
  })
})

export function bindPresence(store: TLStore, awareness: Awareness): () => void {
  const presenceId = InstancePresenceRecordType.createId(`${store.id}-${awareness.clientID}`)
  const $presence = createPresenceStateDerivation(currentUser, { instanceId: presenceId })(store)

  // Outgoing: at most one awareness update per PRESENCE_THROTTLE_MS, always ending on the latest state.
  let last = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const publish = () => {
    timer = null
    last = Date.now()
    awareness.setLocalStateField('presence', $presence.get() ?? null)
  }
  const stopReact = react('publish presence', () => {
    $presence.get()
    if (timer) return
    const wait = PRESENCE_THROTTLE_MS - (Date.now() - last)
    if (wait <= 0) publish()
    else timer = setTimeout(publish, wait)
  })

  // Incoming: mirror every other client's presence into the store as remote changes.
  const recordIdByClient = new Map<number, TLInstancePresence['id']>()
  const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    const states = awareness.getStates()
    const toPut: TLRecord[] = []
    const toRemove: TLInstancePresence['id'][] = []
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const presence = (states.get(clientId) as { presence?: TLInstancePresence | null } | undefined)?.presence
      const previous = recordIdByClient.get(clientId)
      if (presence && typeof presence.id === 'string' && presence.typeName === 'instance_presence') {
        if (previous && previous !== presence.id) toRemove.push(previous)
        recordIdByClient.set(clientId, presence.id)
        toPut.push(presence)
      } else if (previous) {
        toRemove.push(previous)
        recordIdByClient.delete(clientId)
      }
    }
    for (const clientId of removed) {
      const previous = recordIdByClient.get(clientId)
      if (previous) toRemove.push(previous)
      recordIdByClient.delete(clientId)
    }
    if (!toPut.length && !toRemove.length) return
    store.mergeRemoteChanges(() => {
      if (toRemove.length) store.remove(toRemove.filter((id) => store.has(id)))
      for (const record of toPut) {
        try {
          store.put([record])
        } catch {
          // a presence record from a newer or broken client: skip it rather than drop everyone
        }
      }
    })
  }
  awareness.on('change', onChange)
  onChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })

  return () => {
    stopReact()
    if (timer) clearTimeout(timer)
    awareness.off('change', onChange)
    awareness.setLocalState(null)
    const ids = [...recordIdByClient.values()].filter((id) => store.has(id))
    if (ids.length) store.mergeRemoteChanges(() => store.remove(ids))
  }
}
