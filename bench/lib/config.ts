// Benchmark sizes, from the environment. BENCH_QUICK=1 shrinks everything to a smoke run (< 1 minute).
// Every size can be overridden on its own, e.g. ROOMS_COUNT=200 npm run bench.

const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true'

function num(name: string, full: number, small: number): number {
  const raw = process.env[name]
  if (raw !== undefined && raw.trim() !== '') {
    const v = Number(raw)
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${raw}: expected a non-negative number`)
    return v
  }
  return quick ? small : full
}

function list(name: string, full: number[], small: number[]): number[] {
  const raw = process.env[name]
  if (raw !== undefined && raw.trim() !== '') return raw.split(',').map((s) => Number(s.trim())).filter((n) => n > 0)
  return quick ? small : full
}

export const config = {
  quick,
  /** Comma-separated subset of benches to run: fanout,rooms,cold,storage,client,versions,processes,layout. */
  only: (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean),

  fanout: {
    roomSizes: list('FANOUT_ROOM_SIZES', [10, 50], [10, 50]),
    rate: num('FANOUT_RATE', 100, 100), // writer updates per second
    awarenessHz: num('FANOUT_AWARENESS_HZ', 10, 10), // from every client
    seconds: num('FANOUT_SECONDS', 10, 2), // measured per server per round
    sliceSeconds: num('FANOUT_SLICE_SECONDS', 1, 0.5), // the servers take turns this long (rotating order)
    warmupSeconds: num('FANOUT_WARMUP_SECONDS', 1, 0.5),
    rounds: num('FANOUT_ROUNDS', 4, 1), // the p99 ratio is also shown round by round
    processes: Math.max(1, Math.round(num('FANOUT_PROCESSES', 3, 2))), // of each server, pooled; ≥ 2 also shows the noise floor (process to process)
    keepAwake: num('FANOUT_KEEP_AWAKE', 1, 1) > 0, // spinners in SCHED_IDLE keep the CPUs from halting (lib/keep-awake.ts)
    rampRoomSize: num('RAMP_ROOM_SIZE', 10, 10),
    rampRates: list('RAMP_RATES', [100, 200, 400, 800, 1600, 3200, 6400], [200, 800, 3200]),
    rampStepSeconds: num('RAMP_STEP_SECONDS', 3, 1),
    rampP99BoundMs: num('RAMP_P99_BOUND_MS', 100, 100),
  },
  rooms: {
    count: num('ROOMS_COUNT', 1000, 100),
    graceMs: num('ROOMS_GRACE_MS', 2000, 500), // our ROOM_GRACE_MS during this bench (default 30 s)
    nodesPerRoom: num('ROOMS_NODES', 10, 10),
    connectConcurrency: num('ROOMS_CONCURRENCY', 50, 50),
  },
  cold: {
    nodes: num('COLD_NODES', 5000, 1000),
    trials: num('COLD_TRIALS', 3, 1),
    warmTrials: num('COLD_WARM_TRIALS', 5, 2),
  },
  storage: {
    seconds: num('STORAGE_SECONDS', 10, 2),
    window: num('STORAGE_WINDOW', 64, 64), // updates in flight per writer
    rooms: num('STORAGE_ROOMS', 10, 4), // parallel rooms in the multi-room run
    compactUpdates: num('STORAGE_COMPACT_UPDATES', 10_000, 1_000),
    nodes: num('STORAGE_NODES', 100, 50),
  },
  client: {
    nodes: num('CLIENT_NODES', 1000, 200),
    loadTrials: num('CLIENT_LOAD_TRIALS', 5, 1), // fresh page loads; the median is reported
    remoteTrials: num('CLIENT_REMOTE_TRIALS', 20, 5),
    panZoomFrames: num('CLIENT_PANZOOM_FRAMES', 240, 60), // frames of panning, then as many of zooming, per load
  },
  processes: {
    roomSize: num('PROCESSES_ROOM_SIZE', 50, 20), // clients in each room, split across the two processes
    rate: num('PROCESSES_RATE', 100, 100), // writer updates per second
    awarenessHz: num('PROCESSES_AWARENESS_HZ', 10, 10), // from every client
    seconds: num('PROCESSES_SECONDS', 10, 2), // measured per room per round
    sliceSeconds: num('PROCESSES_SLICE_SECONDS', 1, 0.5), // the rooms take turns this long (rotating order)
    warmupSeconds: num('PROCESSES_WARMUP_SECONDS', 1, 0.5),
    rounds: num('PROCESSES_ROUNDS', 3, 1),
    throughputSeconds: num('PROCESSES_THROUGHPUT_SECONDS', 5, 1), // per configuration per round
    throughputRounds: num('PROCESSES_THROUGHPUT_ROUNDS', 2, 1),
    window: num('PROCESSES_WINDOW', 64, 64), // updates in flight per writer
    nodes: num('PROCESSES_NODES', 100, 50), // the throughput run's board
  },
  versions: {
    editNodes: num('VERSIONS_EDIT_NODES', 100, 50), // the board the storage run edits
    edits: num('VERSIONS_EDITS', 1000, 200),
    bursts: num('VERSIONS_BURSTS', 20, 4), // each closes one automatic version
    nodes: num('VERSIONS_NODES', 1000, 200), // the board the timing run lists and opens
    count: num('VERSIONS_COUNT', 50, 10), // versions on it
    trials: num('VERSIONS_TRIALS', 20, 5),
  },
  layout: {
    sizes: list('LAYOUT_NODES', [1000, 5000], [200, 1000]), // boards compared in layout 2 and layout 1
    trials: num('LAYOUT_TRIALS', 15, 4), // paired trials (decode + read, joins from the reference, warm joins)
    coldTrials: num('LAYOUT_COLD_TRIALS', 3, 1), // our server restarted before each
  },
}

export type BenchName = 'fanout' | 'rooms' | 'cold' | 'storage' | 'client' | 'versions' | 'processes' | 'layout'

export function enabled(name: BenchName): boolean {
  return config.only.length === 0 || config.only.includes(name)
}
