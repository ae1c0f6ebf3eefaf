// The version history API (README, "HTTP API"; server/routes/versions.ts) as the browser calls it. The server
// decides who may do what (list and read: anyone with a link; name the present: editor or owner; restore:
// owner); the UI only explains what would be refused. `by` is the display name the version records.

import type { ExportFormat } from '../../shared/formats/export-format'
import type { RestoreResult, VersionInfo, VersionRecords } from '../../shared/versions'
import { ApiError, request } from '../platform/api'

export type { RestoreResult, VersionInfo, VersionRecords }

const base = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/versions`
const withBy = <T extends object>(body: T, by?: string) => JSON.stringify(by?.trim() ? { ...body, by: by.trim().slice(0, 80) } : body)

export const versionsApi = {
  list: (boardId: string, token: string) => request<VersionInfo[]>(base(boardId), {}, token),
  records: (boardId: string, token: string, v: number) => request<VersionRecords>(`${base(boardId)}/${v}/records`, {}, token),
  /** Name the present (editor or owner). */
  save: (boardId: string, token: string, name: string, by?: string) =>
    request<VersionInfo>(base(boardId), { method: 'POST', body: withBy({ name }, by) }, token),
  /** Make the present equal to version `v` (owner); with `ids`, bring back only those records. */
  restore: (boardId: string, token: string, v: number, ids?: string[], by?: string) =>
    request<RestoreResult>(`${base(boardId)}/${v}/restore`, { method: 'POST', body: withBy(ids ? { ids } : {}, by) }, token),
}

/** A version's tree as an export (the same formats as the live tree's), as text to save. */
export async function versionExport(boardId: string, token: string, v: number, format: ExportFormat): Promise<string> {
  let res: Response
  try {
    res = await fetch(`${base(boardId)}/${v}?format=${format}`, { headers: { Authorization: `Bearer ${token}` } })
  } catch {
    throw new ApiError(0, 'The server cannot be reached')
  }
  if (!res.ok) throw new ApiError(res.status, `Export failed (${res.status})`)
  return res.text()
}
