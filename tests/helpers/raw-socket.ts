// A bare websocket client for protocol-level tests: sends raw frames, records what comes back and how the
// socket closed.
import WebSocket from 'ws'
import { waitFor } from './wait'

export interface RawSocket {
  ws: WebSocket
  received: Uint8Array[]
  closed: Promise<{ code: number; reason: string }>
  send(frame: Uint8Array | string): void
  close(): void
}

export async function openRaw(url: string, options: WebSocket.ClientOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, options)
  ws.binaryType = 'nodebuffer'
  const received: Uint8Array[] = []
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
  ws.on('error', () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
  return {
    ws,
    received,
    closed,
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame)
    },
    close() {
      ws.close()
    },
  }
}

/** The HTTP status a websocket handshake is refused with (or 101 when it is accepted; the socket is then
 *  closed). `localAddress`: the loopback address it comes from (per-address limits). */
export async function upgradeStatus(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<number> {
  const ws = new WebSocket(url, { headers, localAddress })
  ws.on('error', () => {})
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
      ws.terminate()
    })
  })
}

export async function waitForFrames(sock: RawSocket, n: number): Promise<void> {
  await waitFor(() => sock.received.length >= n, { what: `${n} frames` })
}
