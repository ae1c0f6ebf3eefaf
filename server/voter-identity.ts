// Voter identities, issued by the server. Board tokens are shared per role, so they cannot tell people apart;
// a voter is a browser profile holding a server-signed cookie: `<id>.<HMAC-SHA256(secret, board + id)>`,
// HttpOnly, SameSite=Strict, scoped to the board's API path. A client can neither choose nor forge an id, and
// a cookie signed for one board is worthless on another. Clearing cookies gets a new identity, so issuing
// them is rate-limited per client address per board.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Context } from 'hono'
import { type LimiterFactory, type RateLimiter, clientAddress, limiterFactory } from './rate-limit'

export const VOTER_COOKIE = 'ob_voter'
const ID = /^[A-Za-z0-9_-]{22}$/
const SIG = /^[A-Za-z0-9_-]{43}$/
/** A voter keeps their identity (and so their ballots) on a board this long after it was issued. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600
const SECRET_FILE = 'voter-secret'

/** The signing key: VOTER_SECRET, else a random key created once in the data dir (readable by this user only). */
export function loadVoterSecret(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, 'utf8')
  const file = path.join(dataDir, SECRET_FILE)
  fs.mkdirSync(dataDir, { recursive: true })
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const key = fs.readFileSync(file, 'utf8').trim()
  if (key.length < 32) throw new Error(`${file} holds no usable key; delete it to have a new one made`)
  return Buffer.from(key, 'utf8')
}

export type VoterLookup = { status: 'none' } | { status: 'valid'; voterId: string } | { status: 'forged' }

export class VoterIdentities {
  private readonly issued: RateLimiter

  constructor(
    private readonly secret: Buffer,
    perHour: number,
    maxClients: number,
    /** Where the issuing limit lives (deps.limits.make: Redis with REDIS_URL); in memory by default. */
    makeLimit: LimiterFactory = limiterFactory(maxClients),
  ) {
    this.issued = makeLimit('voter-ids', perHour / 3600, perHour)
  }

  private sign(boardId: string, voterId: string): Buffer {
    return createHmac('sha256', this.secret).update(`voter:v1:${boardId}:${voterId}`).digest()
  }

  /** The voter id the request's cookie proves, if any. */
  read(c: Context, boardId: string): VoterLookup {
    const raw = cookieValue(c.req.header('cookie'), VOTER_COOKIE)
    if (raw === null) return { status: 'none' }
    const [id, sig, extra] = raw.split('.')
    if (extra !== undefined || !ID.test(id ?? '') || !SIG.test(sig ?? '')) return { status: 'forged' }
    const given = Buffer.from(sig, 'base64url')
    const expected = this.sign(boardId, id)
    return given.length === expected.length && timingSafeEqual(given, expected) ? { status: 'valid', voterId: id } : { status: 'forged' }
  }

  /** Issues a new identity as a cookie on the response, or answers how long to wait (ms) when this address
   *  has had its share of new identities on this board. */
  async issue(c: Context, boardId: string): Promise<{ voterId: string } | { waitMs: number }> {
    const waitMs = await this.issued.take(`${clientAddress(c)} ${boardId}`)
    if (waitMs > 0) return { waitMs }
    const voterId = randomBytes(16).toString('base64url')
    const value = `${voterId}.${this.sign(boardId, voterId).toString('base64url')}`
    c.header('Set-Cookie', cookie(c, boardId, value, COOKIE_MAX_AGE_S), { append: true })
    return { voterId }
  }

  /** Drops a cookie that did not verify (altered, or signed with another key). */
  clear(c: Context, boardId: string): void {
    c.header('Set-Cookie', cookie(c, boardId, '', 0), { append: true })
  }

  /** Client addresses tracked by the issuing limit. */
  get size(): number {
    return this.issued.size
  }
}

function cookie(c: Context, boardId: string, value: string, maxAge: number): string {
  const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https' ? '; Secure' : ''
  return `${VOTER_COOKIE}=${value}; Path=/api/boards/${boardId}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}
