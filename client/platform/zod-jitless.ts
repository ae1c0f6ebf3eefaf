// zod compiles validators with `new Function` unless told not to, and probes whether it may first; under the
// app's Content-Security-Policy (no 'unsafe-eval') even that caught probe is reported as a violation.
// Imported by every client path that loads zod, before anything is parsed.
import { z } from 'zod'

z.config({ jitless: true })
