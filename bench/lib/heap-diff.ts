// Diffs two V8 heap snapshots by constructor/type: count and self size added between them, top N.
//   node --import tsx bench/lib/heap-diff.ts before.heapsnapshot after.heapsnapshot [N] [divisor]
// (divisor: e.g. the number of rooms, to print per-room figures.)
import fs from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string | string[])[] } }
  nodes: number[]
  strings: string[]
}

export function histogram(s: Snapshot): Map<string, { count: number; size: number }> {
  const f = s.snapshot.meta.node_fields
  const width = f.length
  const iType = f.indexOf('type')
  const iName = f.indexOf('name')
  const iSize = f.indexOf('self_size')
  const types = s.snapshot.meta.node_types[0] as string[]
  const out = new Map<string, { count: number; size: number }>()
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]]
    const name = s.strings[s.nodes[i + iName]]
    const key = type === 'object' || type === 'closure' ? `${type}:${name}` : type === 'string' || type === 'concatenated string' || type === 'sliced string' ? 'string' : type
    const e = out.get(key) ?? { count: 0, size: 0 }
    e.count++
    e.size += s.nodes[i + iSize]
    out.set(key, e)
  }
  return out
}

if (process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1])) {
  const [a, b, n = '40', div = '1'] = process.argv.slice(2)
  const ha = histogram(JSON.parse(fs.readFileSync(a, 'utf8')))
  const hb = histogram(JSON.parse(fs.readFileSync(b, 'utf8')))
  const d = Number(div)
  const rows = [...hb].map(([k, v]) => {
    const o = ha.get(k) ?? { count: 0, size: 0 }
    return { k, count: (v.count - o.count) / d, size: (v.size - o.size) / d }
  })
  rows.sort((x, y) => y.size - x.size)
  const total = rows.reduce((s, r) => s + r.size, 0)
  console.log(`total self size added: ${(total / 1024).toFixed(1)} KiB${d > 1 ? ` per unit (÷${d})` : ''}`)
  for (const r of rows.slice(0, Number(n))) console.log(`${(r.size / 1024).toFixed(2).padStart(9)} KiB ${r.count.toFixed(1).padStart(8)}×  ${r.k}`)
}
