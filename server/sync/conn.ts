// What a room needs from a connection. The websocket implementation lives in ws-conn.ts; a room never sees
// a socket, so its logic stays testable and transport-free.
import type { Role } from '../store/types'

export interface Conn {
  readonly id: number
  readonly role: Role
  /** Awareness client ids this connection has announced; removed and broadcast when it closes. */
  readonly awarenessIds: Set<number>
  readonly isOpen: boolean
  /** Bytes queued on the socket and not yet sent (for skipping awareness to slow sockets). */
  readonly bufferedAmount: number
  /** The document layout the client's code says it reads (`?layout=`), or null when it says none: code from
   *  before layout 2, or a script. */
  readonly layout?: number | null
  send(frame: Uint8Array): void
  /** Holds the frames sent until uncork() and writes them together (one system call instead of one each). */
  cork?(): void
  uncork?(): void
  close(code: number, reason: string): void
}
