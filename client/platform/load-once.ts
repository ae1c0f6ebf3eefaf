// A lazily loaded part of the app (a dynamic import), fetched once and shared by every caller. A load that
// fails (offline before that part was cached, a network blip) is forgotten, so the next call tries again —
// at a fresh URL: a browser may remember a failed module for good (Chromium 150 answers a second import of
// the same URL from its failed module map without asking the network), so the retry adds a query that makes
// it a new module. The chunk's own imports are ordinary URLs, loaded or cached as usual.

/** The URL of the module a failed dynamic import names ("Failed to fetch dynamically imported module: …",
 *  "error loading dynamically imported module: …", "Importing a module script failed." has none). */
export function failedModuleUrl(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error)
  const match = /(https?:\/\/\S+?\.m?js)(?:[?#]\S*)?\s*$/.exec(message.trim())
  return match ? match[1] : null
}

let retries = 0

/** Imports a module URL again under a URL the browser has never tried. */
export function importFresh<T>(url: string): Promise<T> {
  const fresh = new URL(url)
  fresh.searchParams.set('retry', `${Date.now().toString(36)}${++retries}`)
  return import(/* @vite-ignore */ fresh.href) as Promise<T>
}

export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null
  let failedUrl: string | null = null
  return () =>
    (loading ??= (failedUrl ? importFresh<T>(failedUrl) : load()).catch((error: unknown) => {
      loading = null
      failedUrl = failedModuleUrl(error) ?? failedUrl
      throw error
    }))
}
