// A lazily loaded part of the app (a dynamic import), fetched once and shared by every caller. A load that
// fails (offline before that part was cached, a network blip) is forgotten, so the next call tries again.

export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null
      throw error
    }))
}
