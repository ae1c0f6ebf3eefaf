// Counters, gauges and one histogram, rendered as Prometheus text for GET /metrics. Small on purpose: no
// client library, names prefixed outcome_board_.

const STORE_WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

export class Metrics {
  rooms = 0
  connections = 0
  messagesIn = 0
  messagesOut = 0
  bytesIn = 0
  bytesOut = 0
  droppedWrites = 0
  /** Client edits refused by the write guard (invalid records, server-owned data, size cap). */
  refusedWrites = 0
  /** Messages for other processes dropped while Redis was unreachable (their updates are stored). */
  fanoutDropped = 0
  protocolErrors = 0
  rateLimited = 0
  httpRateLimited = 0
  /** Client addresses the HTTP rate limiters remember (set when rendered). */
  rateLimitClients = 0
  oversizedFrames = 0
  deadSockets = 0
  slowConsumers = 0
  storeErrors = 0
  compactions = 0
  /** Sync step 1 answered from a kept copy of the doc's state instead of encoding the doc. */
  syncFromState = 0
  roomLoads = 0
  roomUnloads = 0
  private writeBuckets = STORE_WRITE_BUCKETS.map(() => 0)
  private writeCount = 0
  private writeSum = 0

  observeStoreWrite(seconds: number): void {
    this.writeCount++
    this.writeSum += seconds
    STORE_WRITE_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.writeBuckets[i]++
    })
  }

  render(): string {
    const out: string[] = []
    const metric = (name: string, type: string, help: string, lines: string[]) => {
      out.push(`# HELP outcome_board_${name} ${help}`, `# TYPE outcome_board_${name} ${type}`, ...lines)
    }
    const simple = (name: string, type: string, help: string, value: number) =>
      metric(name, type, help, [`outcome_board_${name} ${value}`])

    simple('rooms', 'gauge', 'Rooms (board documents) loaded in memory.', this.rooms)
    simple('connections', 'gauge', 'Open websocket connections.', this.connections)
    metric('messages_total', 'counter', 'Websocket messages by direction.', [
      `outcome_board_messages_total{direction="in"} ${this.messagesIn}`,
      `outcome_board_messages_total{direction="out"} ${this.messagesOut}`,
    ])
    metric('bytes_total', 'counter', 'Websocket payload bytes by direction.', [
      `outcome_board_bytes_total{direction="in"} ${this.bytesIn}`,
      `outcome_board_bytes_total{direction="out"} ${this.bytesOut}`,
    ])
    const buckets = STORE_WRITE_BUCKETS.map(
      (le, i) => `outcome_board_store_write_seconds_bucket{le="${le}"} ${this.writeBuckets[i]}`,
    )
    metric('store_write_seconds', 'histogram', 'Latency of durable update appends.', [
      ...buckets,
      `outcome_board_store_write_seconds_bucket{le="+Inf"} ${this.writeCount}`,
      `outcome_board_store_write_seconds_sum ${this.writeSum}`,
      `outcome_board_store_write_seconds_count ${this.writeCount}`,
    ])
    simple('dropped_writes_total', 'counter', 'Document writes from viewers, dropped.', this.droppedWrites)
    simple('refused_writes_total', 'counter', 'Client edits refused and undone by the server.', this.refusedWrites)
    simple('fanout_dropped_total', 'counter', 'Messages for other processes dropped while Redis was unreachable.', this.fanoutDropped)
    simple('protocol_errors_total', 'counter', 'Connections closed for a malformed message.', this.protocolErrors)
    simple('rate_limited_total', 'counter', 'Connections closed for flooding.', this.rateLimited)
    simple('http_rate_limited_total', 'counter', 'HTTP requests answered 429.', this.httpRateLimited)
    simple('rate_limit_clients', 'gauge', 'Client addresses tracked by the HTTP rate limiters.', this.rateLimitClients)
    simple('oversized_frames_total', 'counter', 'Connections closed for a frame over the size cap.', this.oversizedFrames)
    simple('slow_consumers_total', 'counter', 'Connections closed for too much unsent data.', this.slowConsumers)
    simple('dead_sockets_total', 'counter', 'Sockets terminated after a missed pong.', this.deadSockets)
    simple('store_errors_total', 'counter', 'Failed store reads or writes.', this.storeErrors)
    simple('compactions_total', 'counter', 'Update logs compacted into one state.', this.compactions)
    simple('sync_answers_from_state_total', 'counter', 'Sync step 1 answered from the kept state bytes, not by encoding the doc.', this.syncFromState)
    simple('room_loads_total', 'counter', 'Rooms loaded from the store.', this.roomLoads)
    simple('room_unloads_total', 'counter', 'Rooms unloaded from memory.', this.roomUnloads)
    return out.join('\n') + '\n'
  }
}
