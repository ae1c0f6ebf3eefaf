// bench/lib/tail-split.ts: how bench/fanout-tail.ts splits each fan-out delivery into inbound, handler and out.
import { describe, expect, it } from 'vitest'
import { slowestPercent, splitDeliveries } from '../../bench/lib/tail-split'

const µs = 1e3 // ns

describe('splitDeliveries', () => {
  it('matches each update to the first handler run after its send, whatever order the runs come in', () => {
    const deliveries = [
      { seq: 1, sent: 0, arrival: 500 * µs },
      { seq: 1, sent: 0, arrival: 700 * µs },
      { seq: 2, sent: 10_000 * µs, arrival: 10_400 * µs },
    ]
    const runs: [number, number][] = [
      [10_100 * µs, 10_300 * µs],
      [100 * µs, 400 * µs],
    ]
    expect(splitDeliveries(deliveries, runs)).toEqual([
      { total: 500, inbound: 100, handler: 300, out: 100 },
      { total: 700, inbound: 100, handler: 300, out: 300 },
      { total: 400, inbound: 100, handler: 200, out: 100 },
    ])
  })

  it('gives a negative out when the receiver had the frame before the handler returned', () => {
    const [parts] = splitDeliveries([{ seq: 1, sent: 0, arrival: 200 * µs }], [[100 * µs, 400 * µs]])
    expect(parts.out).toBe(-200)
  })

  it('leaves out deliveries with no handler run between send and arrival', () => {
    const deliveries = [
      { seq: 1, sent: 0, arrival: 500 * µs }, // its run starts after the arrival
      { seq: 2, sent: 10_000 * µs, arrival: 10_500 * µs }, // no run at all after its send
    ]
    expect(splitDeliveries(deliveries, [[600 * µs, 700 * µs]])).toEqual([])
  })
})

describe('slowestPercent', () => {
  it('averages the parts of the deliveries at or above p99 and counts which part was largest', () => {
    const parts = [
      { total: 1, inbound: 0.5, handler: 0.3, out: 0.2 },
      { total: 10, inbound: 8, handler: 1, out: 1 },
      { total: 12, inbound: 2, handler: 2, out: 8 },
    ]
    const tail = slowestPercent(parts, 10)
    expect(tail.count).toBe(2)
    expect(tail.mean).toEqual({ inbound: 5, handler: 1.5, out: 4.5 })
    expect(tail.largest).toEqual({ inbound: 1, handler: 0, out: 1 })
  })
})
