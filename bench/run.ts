// `npm run bench`: every benchmark in turn, each starting its own server processes (ours and the reference
// @y/websocket-server 0.1.1), then one table on stdout and the raw figures in bench/results/ (git-ignored).
//   BENCH_QUICK=1 npm run bench          smoke run of everything at small sizes (< 1 minute)
//   BENCH_ONLY=fanout,cold npm run bench  a subset: fanout, rooms, cold, storage, client, versions, processes, layout
// Sizes: see bench/lib/config.ts (each can be set from the environment).
//   BENCH_CPU_PROF_DIR=/tmp/prof npm run bench   V8 CPU profiles of our servers and of the client's page loads,
//                                                each summarised (top functions) in a .txt beside it
import { execSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clientBench } from './client'
import { coldLoadBench } from './cold-load'
import { fanoutBench } from './fanout'
import { layoutBench } from './layout'
import { type BenchName, config, enabled } from './lib/config'
import { summarizeProfiles } from './lib/cpuprofile'
import { readCpuTimes, stealShare, stealText } from './lib/host-steal'
import { formatMarkdown, formatTable, type Row } from './lib/format'
import { type BenchResult, row } from './lib/result'
import { ROOT } from './lib/servers'
import { processesBench } from './processes'
import { roomsBench } from './rooms'
import { storageBench } from './storage'
import { versionsBench } from './versions'

const benches: [BenchName, string, (log: (s: string) => void) => Promise<BenchResult>][] = [
  ['fanout', 'fan-out latency and throughput', fanoutBench],
  ['rooms', 'rooms and memory', roomsBench],
  ['cold', 'cold load', coldLoadBench],
  ['storage', 'storage', storageBench],
  ['client', 'client in Chromium', clientBench],
  ['versions', 'version history', versionsBench],
  ['layout', 'document layout 2 against layout 1', layoutBench],
  ['processes', 'several processes (PostgreSQL + Redis, nginx)', processesBench],
]

const log = (s: string) => process.stderr.write(`${s}\n`)

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

async function main(): Promise<void> {
  const started = new Date()
  const env = {
    commit: gitCommit(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryBytes: os.totalmem(),
    loadAverageAtStart: os.loadavg(),
    quick: config.quick,
  }
  const cpuAtStart = readCpuTimes()
  const stolen: Record<string, number | null> = {}
  log(`bench: ${config.quick ? 'QUICK (small sizes) ' : ''}on ${env.cpus} CPU(s), load ${env.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}, commit ${env.commit}`)
  const results: BenchResult[] = []
  const rows: Row[] = []
  for (const [name, title, fn] of benches) {
    if (!enabled(name)) continue
    const t0 = performance.now()
    const cpu0 = readCpuTimes()
    log(`▶ ${title}`)
    try {
      const r = await fn(log)
      results.push(r)
      rows.push(...r.rows)
    } catch (err) {
      const message = (err as Error)?.message?.split('\n')[0] ?? String(err)
      log(`  ✗ ${title} failed: ${(err as Error)?.stack ?? err}`)
      results.push({ name, rows: [], data: { error: String((err as Error)?.stack ?? err) }, notes: [] })
      rows.push(row({ bench: name, metric: 'FAILED', ours: message.slice(0, 80), status: 'MISSED' }))
    }
    stolen[name] = stealShare(cpu0, readCpuTimes())
    log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s; CPU time taken by the host: ${stealText(stolen[name])})`)
  }
  const finished = new Date()
  const table = formatTable(rows)
  const notes = results.flatMap((r) => r.notes)
  process.stdout.write(`\n${table}\n\n`)
  for (const n of notes) process.stdout.write(`- ${n}\n`)
  const loadEnd = os.loadavg()
  const stealAll = stealShare(cpuAtStart, readCpuTimes())
  const stealBy = Object.entries(stolen).map(([name, share]) => `${name} ${stealText(share)}`).join(', ')
  process.stdout.write(
    `\n${env.cpus} CPU(s), load average ${env.loadAverageAtStart[0].toFixed(2)} at start, ${loadEnd[0].toFixed(2)} at end; CPU time taken by the host (steal) ${stealText(stealAll)} (${stealBy}); ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s.\n`,
  )

  const dir = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(dir, { recursive: true })
  const stamp = started.toISOString().replace(/[:.]/g, '-')
  const json = JSON.stringify(
    { startedAt: started.toISOString(), finishedAt: finished.toISOString(), env: { ...env, loadAverageAtEnd: loadEnd, stealShare: stealAll, stealShareByBench: stolen }, config, rows, notes, results },
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  )
  const file = path.join(dir, `${stamp}${config.quick ? '-quick' : ''}.json`)
  fs.writeFileSync(file, json)
  fs.writeFileSync(path.join(dir, 'latest.json'), json)
  fs.writeFileSync(path.join(dir, 'latest.md'), `${formatMarkdown(rows)}\n`)
  process.stdout.write(`Results: ${path.relative(ROOT, file)} (also latest.json, latest.md)\n`)
  const profDir = process.env.BENCH_CPU_PROF_DIR
  if (profDir && fs.existsSync(profDir)) {
    const summaries = summarizeProfiles(profDir)
    process.stdout.write(`CPU profiles: ${summaries.length} summarised in ${profDir} (a .txt beside each .cpuprofile)\n`)
  }
  if (rows.some((r) => r.metric === 'FAILED')) process.exitCode = 1
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`)
  process.exit(1)
})
