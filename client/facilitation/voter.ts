// A voter is a browser: tokens are shared per role, so the server tells people apart by a random id each
// browser keeps in localStorage. getRandomValues works on plain http too (randomUUID needs a secure context).

const KEY = 'outcome-board:voter-id'
const VALID = /^[A-Za-z0-9_-]{8,64}$/
let memory: string | null = null

function fresh(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function voterId(): string {
  if (memory) return memory
  let id: string | null = null
  try {
    id = localStorage.getItem(KEY)
  } catch {
    // storage disabled: this tab votes under an id that lives as long as the page
  }
  if (!id || !VALID.test(id)) {
    id = fresh()
    try {
      localStorage.setItem(KEY, id)
    } catch {
      // see above
    }
  }
  memory = id
  return id
}
