// Counters, gauges and one histogram for GET /metrics, rendered by prom-client: the server's own series
// (outcome_board_*) and prom-client's default process metrics (event loop lag, GC, heap, CPU), the latter
// labelled `process` with this process's id (logged at start; also outcome_board_process_info), so the
// processes behind one proxy are told apart. The counters are plain fields, bumped on hot paths (every
// websocket message) at the cost of an increment; they are copied into prom-client when /metrics is read.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

const STORE_WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** This Node process: its host and a random part (several processes may share a host, or a pid in containers). */
export const PROCESS_ID = `${hostname()}-${randomBytes(4).toString('hex')}`

/** prom-client's default metrics, one set per Node process however many servers it runs (tests run several). */
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry, labels: { process: PROCESS_ID } })
  }
  return processRegistry
}

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
  private readonly registry = new Registry()
  private readonly storeWrites: Histogram
  private readonly process = processMetrics()

  constructor() {
    const registers = [this.registry]
    const value = (name: string, type: 'counter' | 'gauge', help: string, read: () => number) => {
      if (type === 'gauge') {
        new Gauge({ name: `outcome_board_${name}`, help, registers, collect() { this.set(read()) } })
      } else {
        new Counter({ name: `outcome_board_${name}`, help, registers, collect() { this.reset(); this.inc(read()) } })
      }
    }
    const byDirection = (name: string, help: string, read: () => [number, number]) =>
      new Counter({
        name: `outcome_board_${name}`,
        help,
        labelNames: ['direction'],
        registers,
        collect() {
          const [inbound, outbound] = read()
          this.reset()
          this.inc({ direction: 'in' }, inbound)
          this.inc({ direction: 'out' }, outbound)
        },
      })

    new Gauge({ name: 'outcome_board_process_info', help: 'This process; its id is the process label of the process metrics.', labelNames: ['process'], registers }).set(
      { process: PROCESS_ID },
      1,
    )
    value('rooms', 'gauge', 'Rooms (board documents) loaded in memory.', () => this.rooms)
    value('connections', 'gauge', 'Open websocket connections.', () => this.connections)
    byDirection('messages_total', 'Websocket messages by direction.', () => [this.messagesIn, this.messagesOut])
    byDirection('bytes_total', 'Websocket payload bytes by direction.', () => [this.bytesIn, this.bytesOut])
    this.storeWrites = new Histogram({ name: 'outcome_board_store_write_seconds', help: 'Latency of durable update appends.', buckets: STORE_WRITE_BUCKETS, registers })
    value('dropped_writes_total', 'counter', 'Document writes from viewers, dropped.', () => this.droppedWrites)
    value('refused_writes_total', 'counter', 'Client edits refused and undone by the server.', () => this.refusedWrites)
    value('fanout_dropped_total', 'counter', 'Messages for other processes dropped while Redis was unreachable.', () => this.fanoutDropped)
    value('protocol_errors_total', 'counter', 'Connections closed for a malformed message.', () => this.protocolErrors)
    value('rate_limited_total', 'counter', 'Connections closed for flooding.', () => this.rateLimited)
    value('http_rate_limited_total', 'counter', 'HTTP requests answered 429.', () => this.httpRateLimited)
    value('rate_limit_clients', 'gauge', 'Client addresses remembered by the HTTP rate limits in this process.', () => this.rateLimitClients)
    value('oversized_frames_total', 'counter', 'Connections closed for a frame over the size cap.', () => this.oversizedFrames)
    value('slow_consumers_total', 'counter', 'Connections closed for too much unsent data.', () => this.slowConsumers)
    value('dead_sockets_total', 'counter', 'Sockets terminated after a missed pong.', () => this.deadSockets)
    value('store_errors_total', 'counter', 'Failed store reads or writes.', () => this.storeErrors)
    value('compactions_total', 'counter', 'Update logs compacted into one state.', () => this.compactions)
    value('sync_answers_from_state_total', 'counter', 'Sync step 1 answered from the kept state bytes, not by encoding the doc.', () => this.syncFromState)
    value('room_loads_total', 'counter', 'Rooms loaded from the store.', () => this.roomLoads)
    value('room_unloads_total', 'counter', 'Rooms unloaded from memory.', () => this.roomUnloads)
  }

  observeStoreWrite(seconds: number): void {
    this.storeWrites.observe(seconds)
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  readonly contentType = this.registry.contentType

  async render(): Promise<string> {
    const [own, processWide] = await Promise.all([this.registry.metrics(), this.process.metrics()])
    return `${own}\n${processWide}`
  }
}
