import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export type RateLimitStore = 'memory' | 'postgres';

/** At most `points` requests per tracker in a window of `durationSeconds` (fixed, from the first). */
export interface RateLimitBudget {
  /** Also the prefix of the budget's keys in the store. */
  readonly name: string;
  readonly points: number;
  readonly durationSeconds: number;
}

export interface RateLimitBudgets {
  /** Per principal (or address), within any one second. */
  readonly burst: RateLimitBudget;
  /** Per principal (or address), per minute. */
  readonly minute: RateLimitBudget;
  /** Per client network, requests that end without a principal, checked before authentication. */
  readonly address: RateLimitBudget;
}

/** Where `RATE_LIMIT_STORE=postgres` counts (see the platform migration CreateRateLimits). */
export const RATE_LIMIT_TABLE = { schema: 'api', table: 'rate_limits' } as const;

/** How often rows of windows that have ended are deleted from the table. */
const SWEEP_EVERY_MS = 5 * 60_000;

/** The table's key is a varchar(255): longer trackers (odd token claims) are counted by digest. */
const LONGEST_TRACKER = 200;

export function storeKey(tracker: string): string {
  if (tracker.length <= LONGEST_TRACKER) return tracker;
  return `sha256:${createHash('sha256').update(tracker).digest('hex')}`;
}

/** Whole seconds to wait, at least one: the value of `Retry-After`. */
function secondsUntil(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

function memoryLimiter(budget: RateLimitBudget): RateLimiterMemory {
  return new RateLimiterMemory({
    keyPrefix: budget.name,
    points: budget.points,
    duration: budget.durationSeconds,
  });
}

/**
 * Counts in PostgreSQL, so that every instance spends the same budget. A caller past its budget
 * is refused from this process's memory until the window ends (no query per refused request);
 * if PostgreSQL fails, this process counts on its own meanwhile rather than refusing everyone.
 */
function postgresLimiter(budget: RateLimitBudget, pool: Pool): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    schemaName: RATE_LIMIT_TABLE.schema,
    tableName: RATE_LIMIT_TABLE.table,
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: budget.name,
    points: budget.points,
    duration: budget.durationSeconds,
    inMemoryBlockOnConsumed: budget.points,
    insuranceLimiter: memoryLimiter(budget),
  });
}

/** Counts one request: 0 when within the budget, otherwise the seconds until it would be. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return secondsUntil(rejection.msBeforeNext);
    throw rejection;
  }
}

/**
 * The rate-limit counters (rate-limiter-flexible), in memory or in PostgreSQL. Windows are fixed:
 * a tracker's window starts with its first request and its budget is whole again when the
 * window ends, which is what `Retry-After` says. Requests refused in a window do not push it
 * back, so a client that waits as told gets through.
 */
export class RateLimitCounters {
  private readonly burst: RateLimiterAbstract;
  private readonly minute: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;
  /** Networks whose address budget is spent, until their window ends: checked without a query. */
  private readonly spentAddresses = new RateLimiterMemory({
    keyPrefix: 'spent',
    points: 1,
    duration: 60,
  });
  private readonly sweeper?: NodeJS.Timeout;
  private readonly counting = new Set<Promise<void>>();

  constructor(
    readonly budgets: RateLimitBudgets,
    readonly store: RateLimitStore = 'memory',
    private readonly pool?: Pool,
  ) {
    if (store === 'postgres' && !pool) throw new Error('RATE_LIMIT_STORE=postgres needs a pool');
    const shared = store === 'postgres' ? pool : undefined;
    const limiter = (budget: RateLimitBudget) =>
      shared ? postgresLimiter(budget, shared) : memoryLimiter(budget);
    this.burst = limiter(budgets.burst);
    this.minute = limiter(budgets.minute);
    this.address = limiter(budgets.address);
    if (store === 'postgres') {
      this.sweeper = setInterval(
        () => void this.deleteEnded().catch(() => undefined),
        SWEEP_EVERY_MS,
      );
      this.sweeper.unref();
    }
  }

  /**
   * Counts a request of a principal (or address) against the burst, then the per-minute budget:
   * 0, or the seconds to wait. A burst refused does not count against the minute.
   */
  async take(tracker: string): Promise<number> {
    const key = storeKey(tracker);
    const burst = await consume(this.burst, key);
    return burst > 0 ? burst : consume(this.minute, key);
  }

  /** 0 when the network may come in, or the seconds until it may: counts nothing. */
  async addressWait(network: string): Promise<number> {
    const spent = await this.spentAddresses.get(storeKey(network));
    return spent && spent.consumedPoints > this.spentAddresses.points && spent.msBeforeNext > 0
      ? secondsUntil(spent.msBeforeNext)
      : 0;
  }

  /**
   * Counts a request of the network that ended without a principal. Once its budget is spent,
   * `addressWait` refuses the network until the window ends (with several instances, each learns
   * it from its own next count: at most one request more per instance).
   */
  countAddress(network: string): Promise<void> {
    const counting = this.countSpent(storeKey(network));
    this.counting.add(counting);
    return counting.finally(() => this.counting.delete(counting));
  }

  /** Once the counts under way are written (the middleware counts after the answer is sent). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.counting]);
  }

  private async countSpent(key: string): Promise<void> {
    let spentForMs = 0;
    try {
      const counted = await this.address.consume(key);
      if (counted.remainingPoints === 0) spentForMs = counted.msBeforeNext;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      spentForMs = rejection.msBeforeNext;
    }
    if (spentForMs > 0) await this.spentAddresses.block(key, spentForMs / 1000);
  }

  /** Deletes rows of windows that have ended (PostgreSQL store); answers how many. */
  async deleteEnded(now = Date.now()): Promise<number> {
    if (!this.pool || this.store !== 'postgres') return 0;
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${RATE_LIMIT_TABLE.schema}.${RATE_LIMIT_TABLE.table} WHERE expire < $1`,
      [now],
    );
    return rowCount ?? 0;
  }

  /** Stops sweeping and lets the last counts reach the store before the pool is closed. */
  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.settled();
  }
}
