// A throwaway PostgreSQL database per test file: created with a random name on the machine's server
// (127.0.0.1:5432, trust auth, or PG_TEST_URL) and dropped after. Without a reachable server the tests that
// need one are skipped, saying so; with CI=true they fail instead, since CI's machine must have one.
import pg from 'pg'

const ADMIN_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** True when a PostgreSQL server answers; false (or a thrown error in CI) when none does. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    return true
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI and did not answer at ${ADMIN_URL}: ${(err as Error).message}`)
    console.warn(`skipping PostgreSQL tests: no server at ${ADMIN_URL} (${(err as Error).message})`)
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export interface TempDatabase {
  url: string
  drop(): Promise<void>
}

export async function createTempDatabase(): Promise<TempDatabase> {
  const name = `ob_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
