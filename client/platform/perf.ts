// Named moments of a board's load (performance marks "ob:<name>"), read by the client benchmark to show
// where the time to interactive goes. A mark costs a few microseconds and nothing is sent anywhere.

export function mark(name: string) {
  try {
    performance.mark(`ob:${name}`)
  } catch {
    // performance.mark unavailable: the marks are only for measuring
  }
}
