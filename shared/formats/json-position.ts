// Where a JSON text first goes wrong. JSON.parse in some engines (Node 20 among them) names no position
// for many errors, and people fixing a hand-edited file need a line and column. Only run after
// JSON.parse has failed; iterative, so deep nesting cannot overflow the stack.

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y

type State = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end' | 'done'

/** Offset of the first syntax error in `text`, or -1 when the text is valid JSON. */
export function jsonErrorOffset(text: string): number {
  let i = 0
  const stack: string[] = []
  let state: State = 'value'
  const afterValue = (): State => (stack.length ? 'comma-or-end' : 'done')
  /** Scans a string starting at i (a quote); returns the offset after it, or -(error offset) - 1. */
  const scanString = (): number => {
    STRING_BODY.lastIndex = i + 1
    STRING_BODY.exec(text)
    const end = STRING_BODY.lastIndex
    return text[end] === '"' ? end + 1 : -end - 1
  }
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
    if (i >= text.length) return state === 'done' ? -1 : i
    const c = text[i]
    if (state === 'done') return i
    if (state === 'value' || state === 'value-or-end') {
      if (state === 'value-or-end' && c === ']') {
        stack.pop()
        i++
        state = afterValue()
      } else if (c === '{' || c === '[') {
        stack.push(c)
        i++
        state = c === '{' ? 'key-or-end' : 'value-or-end'
      } else if (c === '"') {
        const end = scanString()
        if (end < 0) return -end - 1
        i = end
        state = afterValue()
      } else {
        const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i))
        NUMBER.lastIndex = i
        const number = NUMBER.exec(text)
        if (literal) i += literal.length
        else if (number) i = NUMBER.lastIndex
        else return i
        state = afterValue()
      }
    } else if (state === 'key' || state === 'key-or-end') {
      if (state === 'key-or-end' && c === '}') {
        stack.pop()
        i++
        state = afterValue()
      } else if (c === '"') {
        const end = scanString()
        if (end < 0) return -end - 1
        i = end
        state = 'colon'
      } else return i
    } else if (state === 'colon') {
      if (c !== ':') return i
      i++
      state = 'value'
    } else {
      const top = stack[stack.length - 1]
      if (c === ',') state = top === '{' ? 'key' : 'value'
      else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop()
        state = afterValue()
      } else return i
      i++
    }
  }
}
