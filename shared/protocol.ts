// The websocket wire format: the y-websocket protocol (y-protocols' sync and awareness messages framed by a
// leading varUint message type), plus one message type of our own for server-to-client board events.
// Each websocket frame carries exactly one message (the y-websocket 3.x client reads one per frame).

export const MESSAGE_SYNC = 0 // followed by a sync sub-message (y-protocols/sync)
export const MESSAGE_AWARENESS = 1 // followed by an awareness update (y-protocols/awareness)
export const MESSAGE_AUTH = 2 // followed by an auth sub-message (y-protocols/auth)
export const MESSAGE_QUERY_AWARENESS = 3 // empty: "send me everyone's awareness"
/** Ours: a JSON board event from the server (timer, voting round, summon…), encoded as a varString. */
export const MESSAGE_BOARD_EVENT = 100

export const SYNC_STEP_1 = 0
export const SYNC_STEP_2 = 1
export const SYNC_UPDATE = 2

/** Websocket close codes the server uses, so clients can tell why they were dropped. */
export const CLOSE_MESSAGE_TOO_BIG = 1009
export const CLOSE_PROTOCOL_ERROR = 1002
export const CLOSE_POLICY_VIOLATION = 1008 // floods, writes refused
export const CLOSE_GOING_AWAY = 1001 // server shutting down
export const CLOSE_ACCESS_REVOKED = 4401 // token rotated while connected
export const CLOSE_BOARD_DELETED = 4404 // the owner deleted the board while connected (terminal: 44xx)
export const CLOSE_RELOAD = 4426 // the client's code is older than the board's layout: reload (terminal: 44xx)
/** What a client on older code is told, in the close reason (its code shows it as it stands). */
export const RELOAD_REASON = 'This board now uses a newer format. Reload the page to keep editing; your changes on this device are kept.'

/** Largest websocket frame the server accepts. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024
/** The server sends something at least this often so y-websocket clients (30 s silence timeout) stay up. */
export const KEEPALIVE_MS = 15_000
/** Added by the server: the board could not be loaded or stored; the client may reconnect. */
export const CLOSE_INTERNAL_ERROR = 1011
