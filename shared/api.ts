// The JSON shapes of the board API (README, "HTTP API") that client, tests and scripts read. The server's
// routes produce them; keeping the types here means one definition of the wire contract.
import type { LockedBet } from './bet'

import type { Role } from './model'

export type { Role }

/** `POST /api/boards` → 201. The three tokens are secrets: only the creator sees them. */
export interface CreatedBoard {
  id: string
  title: string
  ownerToken: string
  editToken: string
  viewToken: string
  ownerUrl: string
  editUrl: string
  viewUrl: string
}

/** `GET /api/boards/:id`. */
export interface BoardInfo {
  id: string
  title: string
  createdAt: string
  updatedAt: string
  role: Role
  bet: LockedBet | null
  /** The board's view link (read-only), for editors and owners to invite stakeholders with; a viewer holds it
   *  already and gets no field. Never the edit or owner link. */
  viewUrl?: string
}
