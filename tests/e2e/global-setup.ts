// Builds the client once before the e2e files run, only when dist/client is missing or older than its sources.
import { ensureClientBuild } from '../../scripts/ensure-client-build.mjs'

export default function setup() {
  ensureClientBuild({ log: (line) => console.log(`[e2e] ${line}`) })
}
