// Offline app shell for the outcome board. The board's data lives in IndexedDB (y-indexeddb); this worker
// only makes the page itself load without a network: it precaches every built file listed in
// /precache.json, serves hashed assets cache-first, and pages network-first with the cached shell as
// fallback. /api, /ws and anything on another origin are never touched.
const CACHE = 'outcome-board-shell-v1'

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      try {
        const res = await fetch('/precache.json', { cache: 'no-store' })
        if (res.ok) {
          const { files } = await res.json()
          await cache.addAll(['/', ...files.filter((f) => f !== '/index.html')])
        }
      } catch {
        // Dev server or offline install: runtime caching below still fills the cache.
      }
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key)
      await self.clients.claim()
    })(),
  )
})

function isAppRequest(url) {
  return url.origin === self.location.origin && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/ws/')
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (!isAppRequest(url)) return

  if (request.mode === 'navigate') {
    // Network first so a deploy shows up at once; the cached shell when the network is gone.
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE)
        try {
          const res = await fetch(request)
          if (res.ok) cache.put('/', res.clone())
          return res
        } catch {
          return (await cache.match('/')) || Response.error()
        }
      })(),
    )
    return
  }

  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE)
      const hit = await cache.match(request, { ignoreSearch: false })
      if (hit) return hit
      // No Referer: the worker's own referrer policy (not the page's) would send the page's tokened URL.
      const res = await fetch(request, { referrerPolicy: 'no-referrer' })
      if (res.ok && url.pathname.startsWith('/assets/')) cache.put(request, res.clone())
      return res
    })(),
  )
})
