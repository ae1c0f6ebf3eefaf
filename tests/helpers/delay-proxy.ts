// A TCP proxy in front of a local server that holds every chunk of a websocket connection, both ways, for a
// fixed delay before passing it on, in order: a page loaded through it syncs with the server (every frame,
// the handshake included) as over a network with a round trip of twice the delay. Plain HTTP goes through at
// once, so the page and its code load as fast as from the server itself. The browser's Host header names the
// proxy, so the server's CSP and websocket origin checks see one consistent origin.
import net from 'node:net'

export interface DelayProxy {
  /** http://127.0.0.1:port of the proxy: use it instead of the server's URL. */
  url: string
  close(): Promise<void>
}

export async function startDelayProxy(target: string, delayMs = 150): Promise<DelayProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  /** Everything `from` sends reaches `to` `delay()` later; same-delay timers fire in order, so order holds. */
  const pipeLate = (from: net.Socket, to: net.Socket, delay: () => number) => {
    const later = (fn: () => void) => {
      const ms = delay()
      if (ms > 0) setTimeout(fn, ms)
      else fn()
    }
    from.on('data', (chunk) => later(() => !to.destroyed && to.write(chunk)))
    from.on('end', () => later(() => to.end()))
    from.on('error', () => to.destroy())
    from.on('close', () => later(() => setTimeout(() => to.destroy(), 5)))
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname)
    track(client)
    track(upstream)
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    // A connection is a websocket's when its first request asks for the upgrade (HTTP keep-alive connections
    // are never upgraded later by a browser).
    let websocket: boolean | null = null
    client.once('data', (chunk: Buffer) => {
      websocket = /^upgrade:\s*websocket/im.test(chunk.toString('latin1'))
    })
    const delay = () => (websocket ? delayMs : 0)
    pipeLate(client, upstream, delay)
    pipeLate(upstream, client, delay)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
