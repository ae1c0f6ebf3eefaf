// What the browser remembers between visits: recent boards (with the token that opened them), the person's
// display name, and the last known server config. localStorage only; nothing here is sent anywhere.

import type { ClientConfig, Role } from './api'

export interface RecentBoard {
  id: string
  title: string
  token: string
  role: Role
  openedAt: number
  /** Links the creator got back; only the owner has all three. */
  links?: { edit?: string; view?: string; owner?: string }
}

const RECENT_KEY = 'outcome-board:recent'
const CONFIG_KEY = 'outcome-board:config'
const MAX_RECENT = 20

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : fallback
  } catch {
    return fallback
  }
}

function write(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // storage full or disabled: remembering is a convenience, never a requirement
  }
}

export function recentBoards(): RecentBoard[] {
  const list = read<RecentBoard[]>(RECENT_KEY, [])
  return Array.isArray(list) ? list.filter((b) => b && typeof b.id === 'string').sort((a, b) => b.openedAt - a.openedAt) : []
}

export function findRecent(id: string, token?: string): RecentBoard | undefined {
  return recentBoards().find((b) => b.id === id && (!token || b.token === token))
}

/** Adds or refreshes a board; a stronger token for the same board replaces a weaker one. */
export function rememberBoard(entry: Omit<RecentBoard, 'openedAt'> & { openedAt?: number }) {
  const rank: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 }
  const list = recentBoards()
  const existing = list.find((b) => b.id === entry.id)
  const keepOld = existing && rank[existing.role] > rank[entry.role]
  const merged: RecentBoard = {
    ...(existing ?? {}),
    ...(keepOld ? { title: entry.title } : entry),
    links: { ...existing?.links, ...entry.links },
    openedAt: entry.openedAt ?? Date.now(),
  } as RecentBoard
  write(RECENT_KEY, [merged, ...list.filter((b) => b.id !== entry.id)].slice(0, MAX_RECENT))
}

export function forgetBoard(id: string) {
  write(
    RECENT_KEY,
    recentBoards().filter((b) => b.id !== id),
  )
}

export function cachedConfig(): ClientConfig | null {
  return read<ClientConfig | null>(CONFIG_KEY, null)
}

export function cacheConfig(config: ClientConfig) {
  write(CONFIG_KEY, config)
}

/** Parses a pasted board link (full URL or just "/b/ID?token=T") into its board id and token. */
export function parseBoardLink(text: string): { id: string; token: string } | null {
  const trimmed = text.trim()
  if (!trimmed) return null
  let url: URL
  try {
    url = new URL(trimmed, window.location.origin)
  } catch {
    return null
  }
  const match = url.pathname.match(/\/b\/([^/?#]+)\/?$/)
  const token = url.searchParams.get('token')
  if (!match || !token) return null
  return { id: decodeURIComponent(match[1]), token }
}

const NOTICE_KEY = 'outcome-board:home-notice'
const TAB_TOKEN_KEY = 'outcome-board:tab-token:'

/** The token this tab opened a board with (kept for reloads once it is out of the address bar). */
export function tabToken(boardId: string): string | null {
  try {
    return sessionStorage.getItem(TAB_TOKEN_KEY + boardId)
  } catch {
    return null
  }
}

/** Takes a working token out of the address bar, so the page's URL (what a Referer, a screenshot or a copied
 *  address would carry) no longer holds it; this tab keeps it for reloads, the recent boards list for later. */
export function hideTokenFromAddressBar(boardId: string, token: string) {
  try {
    sessionStorage.setItem(TAB_TOKEN_KEY + boardId, token)
  } catch {
    return // nowhere to keep it for a reload: leave the address as it is
  }
  const url = new URL(window.location.href)
  if (!url.searchParams.has('token')) return
  url.searchParams.delete('token')
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
}

/** A one-time message for the home page (e.g. "the board was deleted"), kept for this tab only. */
export function setHomeNotice(text: string) {
  try {
    sessionStorage.setItem(NOTICE_KEY, text)
  } catch {
    // storage disabled: the notice is a courtesy
  }
}

/** The home page's one-time message, if any (clearHomeNotice once it is shown). */
export function homeNotice(): string | null {
  try {
    return sessionStorage.getItem(NOTICE_KEY)
  } catch {
    return null
  }
}

export function clearHomeNotice() {
  try {
    sessionStorage.removeItem(NOTICE_KEY)
  } catch {
    // nothing was kept
  }
}
