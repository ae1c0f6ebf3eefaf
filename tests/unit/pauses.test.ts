// bench/lib/pauses.ts: how the fan-out bench tells a server's own stall from a pause of the whole machine.
import { describe, expect, it } from 'vitest'
import { CLOCK_SLACK_MS, longest, overlapping, sharedShare } from '../../bench/lib/pauses'

const stall = { endedAt: 10_000, ms: 1000 } // from 9,000 to 10,000

describe('overlapping', () => {
  it('finds the pauses that overlap a stall, longest first, and none that end before or start after it', () => {
    const seen = [
      { endedAt: 8_000, ms: 500 }, // over before the stall
      { endedAt: 9_500, ms: 200 },
      { endedAt: 10_010, ms: 990 },
      { endedAt: 12_000, ms: 1000 }, // starts after it
    ]
    expect(overlapping(seen, stall)).toEqual([
      { endedAt: 10_010, ms: 990 },
      { endedAt: 9_500, ms: 200 },
    ])
  })

  it('allows the two clocks to disagree by the slack', () => {
    expect(overlapping([{ endedAt: 9_000 - CLOCK_SLACK_MS + 1, ms: 100 }], stall)).toHaveLength(1)
    expect(overlapping([{ endedAt: 9_000 - CLOCK_SLACK_MS - 1, ms: 100 }], stall)).toHaveLength(0)
  })
})

describe('sharedShare', () => {
  it('is 1 when the bystander was paused all along, and 0 when it ran throughout', () => {
    expect(sharedShare(stall, [{ endedAt: 10_005, ms: 1000 }])).toBe(1)
    expect(sharedShare(stall, [])).toBe(0)
    expect(sharedShare(stall, [{ endedAt: 5_000, ms: 1000 }])).toBe(0)
  })

  it('counts time covered by two pauses once', () => {
    const share = sharedShare(stall, [
      { endedAt: 9_500, ms: 500 },
      { endedAt: 9_400, ms: 100 }, // within the first
    ])
    expect(share).toBeCloseTo((500 + CLOCK_SLACK_MS) / 1000)
  })

  it('sees a share of the stall when the bystander was held for part of it', () => {
    expect(sharedShare(stall, [{ endedAt: 9_600, ms: 300 }])).toBeCloseTo((300 + 2 * CLOCK_SLACK_MS) / 1000)
  })
})

describe('longest', () => {
  it('picks the longest pause, or null when there is none', () => {
    expect(longest([{ endedAt: 1, ms: 5 }, { endedAt: 2, ms: 9 }])).toEqual({ endedAt: 2, ms: 9 })
    expect(longest([])).toBeNull()
  })
})
