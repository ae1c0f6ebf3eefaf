// Publishes the board on screen as `boardContext` (editor/board-context.ts) while the editor is mounted,
// with the trackers the server can push to: the cached list at once, the server's answer when it comes.

import { useEffect } from 'react'
import { TRACKERS } from '../../shared/trackers'
import { getConfig } from '../platform/api'
import type { BoardMeta } from '../platform/api'
import { cachedConfig } from '../platform/local'
import { boardContext } from '../editor/board-context'

const onlyTrackers = (list: readonly string[] | undefined) => TRACKERS.filter((t) => list?.includes(t))

export function useBoardContext({ id, token, role, title, viewUrl }: BoardMeta) {
  useEffect(() => {
    boardContext.set({ boardId: id, token, role, title, viewUrl, trackers: onlyTrackers(cachedConfig()?.trackers) })
    let cancelled = false
    getConfig().then(
      (config) => {
        const ctx = boardContext.get()
        if (!cancelled && ctx) boardContext.set({ ...ctx, trackers: onlyTrackers(config.trackers) })
      },
      () => {}, // offline: the cached list (or none) stands
    )
    return () => {
      cancelled = true
      boardContext.set(null)
    }
  }, [id, token, role, title, viewUrl])
}
