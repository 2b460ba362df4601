import { Wakeup } from './wakeup.js';
import type { Pool, PoolClient } from 'pg';
import { LeaderLease } from './leader-lease.js';
import { horizonLagSeconds, sealedPosition, unsealedEvents } from './event-store.metrics.js';
import { readSealerHead } from './global-log-links.js';
import { SealWaiters } from './seal-waiters.js';
import { resealAfterRestore } from './sealer-restore.js';

export interface SealerOptions {
  /** Rows sealed per transaction. */
  batchSize?: number;
  /** How often to look for work when nobody wakes the sealer. */
  idleMs?: number;
  /** Told of each failed attempt; the sealer backs off and retries. */
  onError?: (error: unknown) => void;
  /** Told when the head had to be reset because transaction ids went backwards (a logical restore). */
  onReset?: (sealed: number) => void;
}

/** Advisory lock key of the sealer's lease: one sealer at a time. */
const SEALER_LOCK = 0x50c5ea1;
/** How often an instance that does not lead asks for the lease. */
const LEASE_RETRY_MS = 500;

const UNIQUE_VIOLATION = '23505';
/** What event_store.seal_next answers. */
interface SealRound {
  restored: boolean;
  consumed: number;
  first_position: string;
  seqs: string[];
}

/**
 * Gives committed events their dense global position.
 *
 * Appends run concurrently and stamp each row with its transaction id (xid8). Below the horizon
 * of appends (the oldest transaction id among open appends, or the snapshot's xmax when none is
 * open; see the SealRounds migration) no earlier row can still appear: the sealer takes exactly
 * those rows, in (transaction_id, seq) order past its head, and numbers them 1, 2, 3... in
 * `global_log`, chaining each link's hash to the last. A slow or open append holds the horizon
 * back (see the horizon-lag metric) but is never skipped, and a rolled-back one simply never
 * shows up; no gap timeout is involved. Other write transactions do not hold it back.
 *
 * One instance leads (a session advisory lock, see LeaderLease). A round is one statement,
 * `event_store.seal_next`: it reads the head, takes the rows, writes their links and moves the
 * head, under a transaction-level lock, so even two instances that both believe they lead only
 * take turns.
 */
export class GlobalLogSealer {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly onReset: (sealed: number) => void;
  private readonly lease: LeaderLease;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly wakeup = new Wakeup();
  /** The newest position this instance sealed. */
  private newest = 0;
  private nextLeaseAttempt = 0;
  private readonly waiters = new SealWaiters();
  private readonly positionListeners = new Set<(position: number) => void>();

  constructor(
    private readonly pool: Pool,
    options: SealerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.idleMs = options.idleMs ?? 25;
    this.onError = options.onError ?? (() => undefined);
    this.onReset = options.onReset ?? (() => undefined);
    this.lease = new LeaderLease(pool, SEALER_LOCK);
  }

  /** Whether this instance currently holds the sealer's lease. */
  get leading(): boolean {
    return this.lease.held;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    await this.lease.release();
  }

  wake(): void {
    this.wakeup.wake();
  }

  /** Called with the newest sealed position each time this instance seals or learns of a seal. */
  onSealed(listener: (position: number) => void): () => void {
    this.positionListeners.add(listener);
    return () => this.positionListeners.delete(listener);
  }

  /** The position of a seq this instance sealed recently, if it still remembers it. */
  knownPosition(seq: string): number | undefined {
    return this.waiters.known(seq);
  }

  /** Resolves with the global position of the event stored at `seq`, or null after the timeout. */
  waitForSeq(seq: string, timeoutMs: number): Promise<number | null> {
    const known = this.waiters.known(seq);
    if (known !== undefined) return Promise.resolve(known);
    const waiting = this.waiters.wait(seq, timeoutMs);
    if (!this.running) {
      void this.sealOnce()
        .then(() => this.waiters.lookUp(this.pool))
        .catch(this.onError);
    }
    this.wake();
    return waiting;
  }

  /** Seals one batch if this instance holds (or can take) the sealer's lease; returns how many rows it sealed. */
  async sealOnce(): Promise<number> {
    if (!this.lease.held) {
      if (Date.now() < this.nextLeaseAttempt) return 0;
      if (!(await this.lease.tryAcquire())) {
        this.nextLeaseAttempt = Date.now() + LEASE_RETRY_MS;
        return 0;
      }
    }
    const client = this.lease.connection!;
    try {
      return await this.sealBatch(client);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) this.lease.lose(error);
      throw error;
    }
  }

  /** Reads the horizon lag and backlog for the metrics. */
  async measureLag(): Promise<{ horizonLagSeconds: number; unsealed: number }> {
    const { rows } = await this.pool.query<{ lag: number; unsealed: number }>(`
      SELECT
        (SELECT coalesce(extract(epoch FROM now() - min(xact_start)), 0)::float8
           FROM pg_stat_activity WHERE backend_xid IS NOT NULL) AS lag,
        (SELECT count(*)::int FROM (
           SELECT 1 FROM event_store.events e, event_store.sealer_head h
            WHERE (e.transaction_id, e.seq) > (h.transaction_id, h.seq)
              AND NOT EXISTS (SELECT 1 FROM event_store.global_log g WHERE g.seq = e.seq)
            LIMIT 10000) pending) AS unsealed`);
    horizonLagSeconds.set(rows[0].lag);
    unsealedEvents.set(rows[0].unsealed);
    return { horizonLagSeconds: rows[0].lag, unsealed: rows[0].unsealed };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let sealed = 0;
      try {
        sealed = await this.sealOnce();
        await this.tellOthers(sealed);
        failures = 0;
      } catch (error) {
        failures++;
        this.onError(error);
      }
      if (sealed < this.batchSize && this.running) {
        await this.wakeup.sleep(
          failures > 0 ? Math.min(5000, this.idleMs * 2 ** failures) : this.idleMs,
        );
      }
    }
  }

  /**
   * One round in one statement (event_store.seal_next, see its migration): the next finished
   * appends' rows past the head get their links, and the head moves. Rounds run one at a time
   * under a transaction-level lock, so even two instances that both believe they lead (a lease
   * handover) only take turns.
   */
  private async sealBatch(client: PoolClient): Promise<number> {
    const { rows } = await client.query<SealRound>({
      name: 'event-store-seal-next',
      text: 'SELECT restored, consumed, first_position, seqs FROM event_store.seal_next($1)',
      values: [this.batchSize],
    });
    const round = rows[0];
    if (round.restored) return this.resealAfterRestore(client);
    if (round.consumed <= 0) return 0;
    const first = Number(round.first_position);
    if (round.seqs.length > 0) {
      this.newest = first + round.seqs.length - 1;
      this.remember(
        round.seqs,
        round.seqs.map((_, i) => first + i),
      );
    }
    return round.consumed;
  }

  /** Seals what a logical restore left unsealed and restarts the head (see resealAfterRestore). */
  private async resealAfterRestore(client: PoolClient): Promise<number> {
    const head = await readSealerHead(client);
    const sealed = await resealAfterRestore(client, head, this.batchSize, (links) => {
      this.newest = links.head.globalPosition;
      this.remember(links.seqs, links.positions);
    });
    this.onReset(sealed);
    return sealed;
  }

  /** Keeps what was just sealed for waiters, answers those already waiting, and updates the gauge. */
  private remember(seqs: readonly string[], positions: readonly number[]): void {
    this.waiters.sealed(seqs, positions);
    if (positions.length > 0) sealedPosition.set(positions[positions.length - 1]);
  }

  /**
   * Tells position listeners the newest position (from memory when this instance sealed) and
   * looks up waiters that memory could not answer: their events were sealed by another instance.
   */
  private async tellOthers(sealed: number): Promise<void> {
    if (this.positionListeners.size > 0) {
      // While this instance leads nobody else seals: what it sealed last is the newest.
      const newest =
        sealed > 0 || (this.lease.held && this.newest > 0)
          ? this.newest
          : await this.newestPosition();
      if (newest > 0) for (const listener of this.positionListeners) listener(newest);
    }
    if (this.waiters.lookupDue) await this.waiters.lookUp(this.pool);
  }

  private async newestPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string | null }>(
      'SELECT max(global_position) AS position FROM event_store.global_log',
    );
    return Number(rows[0].position ?? 0);
  }
}
