// The gentle signal at zero: a two-note WebAudio chime. Browsers block audio before a user gesture; then the
// context just stays suspended (or the constructor throws) and we stay silent — never an error.

export function chime() {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
    if (!Ctx) return
    const ctx = new Ctx()
    const start = ctx.currentTime + 0.02
    ;[660, 880].forEach((freq, i) => {
      const at = start + i * 0.2
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0.0001, at)
      gain.gain.exponentialRampToValueAtTime(0.12, at + 0.03)
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6)
      osc.connect(gain).connect(ctx.destination)
      osc.start(at)
      osc.stop(at + 0.65)
    })
    ctx.resume?.().catch(() => {})
    setTimeout(() => ctx.close().catch(() => {}), 1500)
  } catch {
    // no audio here: the flash is enough
  }
}
