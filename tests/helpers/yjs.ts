// Real y-websocket providers from Node (ws as the WebSocket), and small doc helpers.
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { LAYOUT } from '../../shared/record-layout'
import { waitFor } from './wait'
import { type RecordItems, recordItems } from './record-items'

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  items: RecordItems
  destroy(): void
}

const open: TestClient[] = []

/** A provider on `wsBase` (ws://host:port/ws) for `boardId`, connected; await `synced(client)` if needed. */
export function makeProvider(wsBase: string, boardId: string, token: string, doc = new Y.Doc()): TestClient {
  const provider = new WebsocketProvider(wsBase, boardId, doc, {
    params: { token, layout: String(LAYOUT) }, // the document layout this code writes (the server states its own)
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  })
  const client: TestClient = {
    doc,
    provider,
    items: recordItems(doc),
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
  open.push(client)
  return client
}

export async function synced(client: TestClient, timeout = 10_000): Promise<void> {
  await waitFor(() => client.provider.synced, { timeout, what: 'provider synced' })
}

/** Destroys every provider made since the last call (afterEach). */
export function destroyProviders(): void {
  for (const c of open.splice(0)) c.destroy()
}

/** Applies to `to` what `from` has and `to` lacks, as one update (a remote transaction on `to`, with `origin`). */
export function sendUpdate(from: Y.Doc, to: Y.Doc, origin?: unknown): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), origin)
}

/** Brings two documents to the same state: what `a` has to `b`, then what `b` has to `a`. */
export function syncDocs(a: Y.Doc, b: Y.Doc, origin?: unknown): void {
  sendUpdate(a, b, origin)
  sendUpdate(b, a, origin)
}
