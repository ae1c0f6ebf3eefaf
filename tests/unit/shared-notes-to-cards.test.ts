import { describe, expect, it } from 'vitest'
import { cardTextFromNote, readingOrder } from '../../shared/notes-to-cards'
import { NODE_TITLE_MAX } from '../../shared/records'
import { TREE_LIMITS } from '../../shared/formats/tree-json'

describe('cardTextFromNote', () => {
  it('keeps a short note whole as the title, its lines joined', () => {
    expect(cardTextFromNote('I can’t find the export')).toEqual({ title: 'I can’t find the export', notes: '' })
    expect(cardTextFromNote('  Setup takes\nfar too   long \n\n')).toEqual({ title: 'Setup takes far too long', notes: '' })
    expect(cardTextFromNote('')).toEqual({ title: '', notes: '' })
  })

  it('caps the title at the node schema’s limit and keeps the rest in the notes', () => {
    expect(NODE_TITLE_MAX).toBe(TREE_LIMITS.title)
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`)
    const text = words.join(' ')
    expect(text.length).toBeGreaterThan(NODE_TITLE_MAX)
    const { title, notes } = cardTextFromNote(text)
    expect(title.length).toBeLessThanOrEqual(NODE_TITLE_MAX)
    expect(title.endsWith('…')).toBe(true)
    expect(notes.startsWith('…')).toBe(true)
    // Cut between words, and nothing lost: title and notes together are the note's text.
    expect(title.slice(0, -1).split(' ').every((w) => words.includes(w))).toBe(true)
    expect(`${title.slice(0, -1)} ${notes.slice(1)}`).toBe(text)
  })

  it('cuts inside a word only when there is no space to cut at', () => {
    const text = 'x'.repeat(NODE_TITLE_MAX + 50)
    const { title, notes } = cardTextFromNote(text)
    expect(title.length).toBe(NODE_TITLE_MAX)
    expect(title.slice(0, -1) + notes.slice(1)).toBe(text)
  })
})

describe('readingOrder', () => {
  const note = (id: string, x: number, y: number) => ({ id, x, y, h: 200 })
  it('reads rows top to bottom, each left to right, tolerating a ragged row', () => {
    const notes = [note('d', 0, 260), note('b', 220, 30), note('c', 440, -20), note('a', 0, 0), note('e', 230, 250)]
    expect(readingOrder(notes).map((n) => n.id)).toEqual(['a', 'b', 'c', 'd', 'e'])
  })
  it('keeps a column in order and does not change its input', () => {
    const notes = [note('b', 0, 300), note('a', 5, 0)]
    expect(readingOrder(notes).map((n) => n.id)).toEqual(['a', 'b'])
    expect(notes.map((n) => n.id)).toEqual(['b', 'a'])
  })
})
