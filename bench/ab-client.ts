// A/B of the board's time to interactive between two checkouts, for judging one change: each checkout's own
// server (its own dist/client, so build both first) holds the same board, and fresh first-visit loads go
// A, B, B, A, … in turns, so the machine's moments fall on both alike. Prints the geometric mean of the paired
// ratios B/A with a 95% bootstrap interval. Single runs of `npm run bench` move ±20% with the machine's day;
// a change of a few percent shows only this way.
//   npx tsx bench/ab-client.ts <checkout A> <checkout B> [pairs=30]
import path from 'node:path'
import { chromium } from 'playwright-core'
import { firstVisitTime, seedBoard } from './client'
import { config } from './lib/config'
import { ms } from './lib/format'
import { startOurs } from './lib/servers'
import { median, pairedGeomeanRatio } from './lib/stats'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium'

const [dirA, dirB, pairsArg = '30'] = process.argv.slice(2)
if (!dirA || !dirB) {
  console.error('usage: npx tsx bench/ab-client.ts <checkout A> <checkout B> [pairs=30]')
  process.exit(2)
}
const pairs = Number(pairsArg)
const n = config.client.nodes
const servers = [await startOurs({ dir: path.resolve(dirA) }), await startOurs({ dir: path.resolve(dirB) })]
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
try {
  const urls: string[] = []
  for (const server of servers) {
    const room = await seedBoard(server, n)
    urls.push(`${server.httpUrl}/b/${room.id}?token=${room.tokens!.edit}`)
  }
  const times: [number[], number[]] = [[], []]
  for (let k = 0; k < pairs; k++) {
    for (const side of k % 2 ? [1, 0] : [0, 1]) {
      times[side].push(await firstVisitTime(browser, urls[side], n))
    }
    process.stderr.write(`  pair ${k + 1}/${pairs}: A ${ms(times[0][k])}, B ${ms(times[1][k])}\n`)
  }
  const { ratio, interval } = pairedGeomeanRatio(times[0], times[1])
  console.log(`${n}-node board, ${pairs} pairs: A median ${ms(median(times[0]))}, B median ${ms(median(times[1]))}; B/A ${ratio.toFixed(3)}× (95% ${interval[0].toFixed(3)}–${interval[1].toFixed(3)})`)
} finally {
  await browser.close()
  for (const server of servers) await server.stop()
}
