import { describe, expect, it } from 'vitest'
import { isValidShapeId, newShapeId } from '../../shared/ids'

describe('newShapeId', () => {
  it('is shape: followed by 21 url-safe characters', () => {
    for (let i = 0; i < 200; i++) expect(newShapeId()).toMatch(/^shape:[A-Za-z0-9_-]{21}$/)
  })
  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 5000 }, newShapeId))
    expect(ids.size).toBe(5000)
  })
  it('uses every character of the alphabet (unbiased mask)', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 500; i++) for (const ch of newShapeId().slice(6)) seen.add(ch)
    expect(seen.size).toBe(64)
  })
})

describe('isValidShapeId', () => {
  it('accepts our ids and short url-safe tails', () => {
    expect(isValidShapeId(newShapeId())).toBe(true)
    expect(isValidShapeId('shape:abc')).toBe(true)
  })
  it('refuses anything else', () => {
    for (const bad of ['abc', 'shape:', 'page:abc', 'shape:a b', 'shape:<script>', `shape:${'a'.repeat(65)}`, 42, null]) {
      expect(isValidShapeId(bad)).toBe(false)
    }
  })
})
