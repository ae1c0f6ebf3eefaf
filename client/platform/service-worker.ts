// The offline app shell (public/sw.js) caches every file of the app when it installs: about a hundred
// requests. Registered at the page's load event, that install ran in the middle of a board's first load
// (the load event comes long before the board is on screen), its requests competing with the editor's code
// and the document for the network and the CPUs. So a board page registers it once the board is
// mounted (or after SETTLE_MAX_MS, whatever happened), other pages once they have loaded, and then only
// when the browser is idle.

const SETTLE_MAX_MS = 10_000

let settle: () => void = () => {}
const settled = new Promise<void>((resolve) => (settle = resolve))

/** The page's main content is on screen: the service worker may now fetch the app for offline use. */
export function pageSettled() {
  settle()
}

export function registerServiceWorkerWhenSettled() {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  const timer = setTimeout(settle, SETTLE_MAX_MS)
  if (!location.pathname.startsWith('/b/')) window.addEventListener('load', settle, { once: true })
  void settled.then(() => {
    clearTimeout(timer)
    const register = () => {
      navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('service worker not registered', error))
    }
    if (typeof requestIdleCallback === 'function') requestIdleCallback(register, { timeout: 2_000 })
    else setTimeout(register, 0)
  })
}
