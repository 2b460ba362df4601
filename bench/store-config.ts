/** Settings of the store bench, from the environment (see store.bench.ts), and its seeded shuffle. */

function numberFromEnv(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name} must be a number of at least ${min}, not "${text}"`);
  }
  return value;
}

function listFromEnv(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (!text) return fallback;
  const list = text.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`${name} must be a comma-separated list of positive integers, not "${text}"`);
  }
  return list;
}

const phases = (process.env.BENCH_PHASES ?? 'appends,reads,late').split(',').map((p) => p.trim());

export const config = {
  /** Measured seconds of each append cell. */
  seconds: numberFromEnv('BENCH_SECONDS', 10, 0.1),
  /** Appends before the measurement, into the same fresh database. */
  warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 2, 0),
  /** Repetitions of every append cell and of every whole-log read. */
  repeats: Math.round(numberFromEnv('BENCH_REPEATS', 3, 1)),
  writers: listFromEnv('BENCH_WRITERS', [1, 4, 16]),
  shapes: listFromEnv('BENCH_SHAPES', [1, 10]),
  phases: new Set(phases),
  /** Seed of the cell order; a run prints it, and the same seed gives the same order. */
  seed: Math.round(numberFromEnv('BENCH_SEED', Math.floor(Math.random() * 2 ** 31), 0)) >>> 0,
  /** Events in each whole-log read's log. */
  readEvents: Math.round(numberFromEnv('BENCH_READ_EVENTS', 100_000, 1000)),
  readPage: 1000,
  /** Appends per writer in the late-commit test. */
  lateAppendsPerWriter: Math.round(numberFromEnv('BENCH_LATE_TRANSACTIONS', 100, 1)),
  /** Connections holding slow transactions open during the late-commit test. */
  lateSlowConnections: Math.round(numberFromEnv('BENCH_LATE_SLOW', 4, 0)),
};

export const topWriters = Math.max(...config.writers);

/** mulberry32: a small seeded generator, enough to shuffle cells reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Seconds a run with these settings should take, roughly (cell set-up measured at about 2.5 s on a busy machine). */
export function estimatedSeconds(contenders: number, lateStores: number): number {
  let total = 0;
  if (config.phases.has('appends')) {
    const cells = config.shapes.length * config.writers.length * contenders * config.repeats;
    total += cells * (config.seconds + config.warmupSeconds + 2.5);
  }
  // Filling three logs at about 5,000 events/s, then reading each a few times at about 50,000.
  if (config.phases.has('reads'))
    total += 3 * config.readEvents * (1 / 5000 + (config.repeats + 1) / 50_000);
  // 32 writers at roughly 1,000 appends/s per store, plus Emmett's consumers draining.
  if (config.phases.has('late'))
    total += lateStores * ((32 * config.lateAppendsPerWriter) / 1000 + 5);
  return total;
}
