// Big Tree JSON seeds for tests of board creation's caps.

/** A Tree JSON of exactly `n` nodes: an outcome, opportunities of 20 solutions of 4 assumptions each. */
export function bigTree(n: number, notes = '') {
  const node = (kind: string, title: string) => ({ kind, title, notes, children: [] as unknown[] })
  const root = node('outcome', 'Grow weekly active teams')
  let count = 1
  while (count < n) {
    const opp = node('opportunity', `Opportunity ${count}: I cannot see what changed since my last visit`)
    root.children.push(opp)
    count++
    for (let s = 0; s < 20 && count < n; s++, count++) {
      const sol = node('solution', `Solution ${count}: an activity digest`)
      opp.children.push(sol)
      for (let a = 0; a < 4 && count + 1 < n; a++, count++) sol.children.push(node('assumption', `Assumption ${count + 1}: people read it`))
    }
  }
  return { title: 'Big tree', roots: [root] }
}

/** Nodes in a Tree JSON forest. */
export function countNodes(roots: { children: unknown[] }[]): number {
  let n = 0
  const stack = [...roots]
  while (stack.length) {
    n++
    stack.push(...(stack.pop()!.children as { children: unknown[] }[]))
  }
  return n
}
