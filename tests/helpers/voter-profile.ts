// One browser profile voting on a board with `token`: it keeps the voter cookie the server sets (the last
// Set-Cookie wins, an emptied one clears it) and sends it back, as a browser does.
export function voterProfile(baseUrl: string, boardId: string, token: string) {
  let cookie: string | null = null
  const setCookies: string[] = []
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/boards/${boardId}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(cookie ? { cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    for (const set of res.headers.getSetCookie()) {
      setCookies.push(set)
      const pair = set.split(';')[0]
      cookie = pair.endsWith('=') ? null : pair
    }
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : null, text, headers: res.headers }
  }
  return {
    /** Every Set-Cookie the server sent this profile, oldest first. */
    setCookies,
    vote: (nodeId: string, delta = 1, extra: Record<string, unknown> = {}) => call('POST', '/rounds/current/votes', { ...extra, nodeId, delta }),
    session: (query = '') => call('GET', `/session${query}`),
    /** The id the server gave this profile (empty before its first vote). */
    get id() {
      return cookie ? cookie.slice(cookie.indexOf('=') + 1).split('.')[0] : ''
    },
    get cookie() {
      return cookie
    },
    set cookie(value: string | null) {
      cookie = value
    },
  }
}
