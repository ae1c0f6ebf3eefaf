// A tiny router: two routes, history API, no dependency.
import { useEffect, useState } from 'react'
import { findRecent, tabToken } from './local'

export type Route = { name: 'home' } | { name: 'board'; id: string; token: string } | { name: 'not-found' }

export function parseRoute(location: Location = window.location): Route {
  if (location.pathname === '/' || location.pathname === '/index.html') return { name: 'home' }
  const match = location.pathname.match(/^\/b\/([^/]+)\/?$/)
  if (match) {
    const id = decodeURIComponent(match[1])
    // The link's token, else the one this tab or this browser opened the board with (the app takes it out
    // of the address bar once it worked).
    const token = new URLSearchParams(location.search).get('token') || tabToken(id) || findRecent(id)?.token || ''
    return { name: 'board', id, token }
  }
  return { name: 'not-found' }
}

export function navigate(path: string) {
  window.history.pushState(null, '', path)
  window.dispatchEvent(new PopStateEvent('popstate'))
}

export function boardPath(id: string, token: string) {
  return `/b/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute())
  useEffect(() => {
    const onPop = () => setRoute(parseRoute())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])
  return route
}
