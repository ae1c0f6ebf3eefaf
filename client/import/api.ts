// The one call the import makes besides editing the board: keep the present as a version first (POST
// /versions with reason before-import, editor or owner), so an import can always be undone from the history.

import type { VersionInfo } from '../../shared/versions'
import { request } from '../platform/api'

export function saveBeforeImport(boardId: string, token: string, by?: string): Promise<VersionInfo> {
  const name = by?.trim().slice(0, 80)
  const body = JSON.stringify(name ? { reason: 'before-import', by: name } : { reason: 'before-import' })
  return request<VersionInfo>(`/api/boards/${encodeURIComponent(boardId)}/versions`, { method: 'POST', body }, token)
}
