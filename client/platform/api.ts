// The board API as the browser sees it (README, "HTTP API"). Errors keep the HTTP status so callers can tell
// "no such board" from "wrong token" from "network down" (status 0).

import type { BoardInfo, CreatedBoard, Role } from '../../shared/api'

export type { BoardInfo, CreatedBoard, Role }

export interface ClientConfig {
  tldrawLicenseKey: string | null
  trackers: string[]
}

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message)
  }
}

export async function request<T>(path: string, init: RequestInit = {}, token?: string): Promise<T> {
  const headers = new Headers(init.headers)
  if (token) headers.set('Authorization', `Bearer ${token}`)
  if (init.body) headers.set('Content-Type', 'application/json')
  let res: Response
  try {
    res = await fetch(path, { ...init, headers })
  } catch {
    throw new ApiError(0, 'The server cannot be reached')
  }
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // not JSON (e.g. a proxy error page)
  }
  if (!res.ok) {
    const message = (body as { error?: string } | null)?.error ?? `Request failed (${res.status})`
    throw new ApiError(res.status, message)
  }
  return body as T
}

/** `tree` (Tree JSON, e.g. a template from shared/templates.ts) seeds the new board. */
export function createBoard(title: string, tree?: unknown): Promise<CreatedBoard> {
  return request('/api/boards', { method: 'POST', body: JSON.stringify(tree ? { title, tree } : { title }) })
}

export function getBoard(id: string, token: string): Promise<BoardInfo> {
  return request(`/api/boards/${encodeURIComponent(id)}`, {}, token)
}

export async function getConfig(): Promise<ClientConfig> {
  const raw = await request<Partial<ClientConfig>>('/api/config')
  return { tldrawLicenseKey: raw.tldrawLicenseKey ?? null, trackers: raw.trackers ?? [] }
}

export interface RotatedTokens {
  id: string
  ownerToken?: string
  editToken?: string
  viewToken?: string
  ownerUrl?: string
  editUrl?: string
  viewUrl?: string
}

/** Owner only: new tokens for `roles` (the server's default: editor and viewer). The old ones stop working
 *  at once, and sockets opened with them are closed (4401). */
export function rotateTokens(id: string, token: string, roles?: Role[]): Promise<RotatedTokens> {
  return request(`/api/boards/${encodeURIComponent(id)}/tokens/rotate`, { method: 'POST', body: JSON.stringify(roles ? { roles } : {}) }, token)
}

/** Renames a board (editor or owner); answers the board as the server now has it. */
export function renameBoard(id: string, token: string, title: string): Promise<BoardInfo> {
  return request<BoardInfo>(`/api/boards/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify({ title }) }, token)
}

/** The board as the page resolved it (GET /api/boards/:id, or what this browser remembers when offline). */
export interface BoardMeta {
  id: string
  token: string
  title: string
  role: Role | null
  offline: boolean
  /** The board's view link (read-only) when this person may hand it out or holds it: editors and owners get
   *  it from the server, a viewer's own link is one. The bet export links to it. */
  viewUrl?: string
}
