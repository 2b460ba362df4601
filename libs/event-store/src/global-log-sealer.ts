import type { Pool, PoolClient } from 'pg';
import { globalLinkHash } from './recorded-event.js';
import { horizonLagSeconds, sealedPosition, unsealedEvents } from './event-store.metrics.js';

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

interface Head {
  /** The head's transaction id lies beyond every id this cluster has handed out. */
  restored: boolean;
  transactionId: string;
  seq: string;
  globalPosition: number;
  hash: string | null;
  sealedAt: Date | null;
}

interface Candidate {
  seq: string;
  transaction_id: string;
  hash: string;
}

/** Advisory lock key held (per transaction) by whichever instance seals: one sealer at a time. */
const SEALER_LOCK = 0x50c5ea1;

/**
 * Gives committed events their dense global position.
 *
 * Appends run concurrently and stamp each row with its transaction id (xid8). A row whose
 * transaction id is below the snapshot's xmin belongs to a finished transaction, so no earlier
 * row can still appear: the sealer takes exactly those rows, in (transaction_id, seq) order past
 * its head, and numbers them 1, 2, 3... in `global_log`, chaining each link's hash to the last.
 * A slow or open transaction holds the horizon back (see the horizon-lag metric) but is never
 * skipped, and a rolled-back one simply never shows up; no gap timeout is involved.
 */
export class GlobalLogSealer {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly onReset: (sealed: number) => void;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly waiters = new Map<string, Array<(position: number) => void>>();
  private readonly positionListeners = new Set<(position: number) => void>();

  constructor(
    private readonly pool: Pool,
    options: SealerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.idleMs = options.idleMs ?? 25;
    this.onError = options.onError ?? (() => undefined);
    this.onReset = options.onReset ?? (() => undefined);
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
  }

  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  /** Called with the newest sealed position each time this instance seals or learns of a seal. */
  onSealed(listener: (position: number) => void): () => void {
    this.positionListeners.add(listener);
    return () => this.positionListeners.delete(listener);
  }

  /** Resolves with the global position of the event stored at `seq`, or null after the timeout. */
  waitForSeq(seq: string, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(seq);
        if (list) {
          list.splice(list.indexOf(done), 1);
          if (list.length === 0) this.waiters.delete(seq);
        }
        resolve(null);
      }, timeoutMs);
      const done = (position: number) => {
        clearTimeout(timer);
        resolve(position);
      };
      const list = this.waiters.get(seq) ?? [];
      list.push(done);
      this.waiters.set(seq, list);
      if (!this.running) void this.sealOnce().then(() => this.resolveWaiters());
      this.wake();
    });
  }

  /** Seals one batch if this instance holds the sealer lock; returns how many rows it sealed. */
  async sealOnce(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [SEALER_LOCK],
      );
      if (!rows[0].locked) {
        await client.query('COMMIT');
        return 0;
      }
      const head = await this.readHead(client);
      const sealed = head.restored
        ? await this.resealAfterRestore(client, head)
        : await this.sealBatch(client, head);
      await client.query('COMMIT');
      return sealed;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
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
        if (sealed > 0 || this.waiters.size > 0 || this.positionListeners.size > 0) {
          await this.resolveWaiters();
        }
        failures = 0;
      } catch (error) {
        failures++;
        this.onError(error);
      }
      if (sealed < this.batchSize && this.running) {
        await this.idle(failures > 0 ? Math.min(5000, this.idleMs * 2 ** failures) : this.idleMs);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async readHead(client: PoolClient): Promise<Head> {
    const { rows } = await client.query<{
      restored: boolean;
      transaction_id: string;
      seq: string;
      global_position: string | null;
      hash: string | null;
      sealed_at: Date | null;
    }>(`
      SELECT h.transaction_id >= pg_snapshot_xmax(pg_current_snapshot()) AS restored,
             h.transaction_id::text, h.seq, g.global_position, g.hash, g.sealed_at
        FROM event_store.sealer_head h
        LEFT JOIN LATERAL (
          SELECT global_position, hash, sealed_at FROM event_store.global_log
           ORDER BY global_position DESC LIMIT 1) g ON true`);
    const head = rows[0];
    return {
      restored: head.restored,
      transactionId: head.transaction_id,
      seq: head.seq,
      globalPosition: Number(head.global_position ?? 0),
      hash: head.hash,
      sealedAt: head.sealed_at,
    };
  }

  /**
   * The next finished rows past the head. Rows a restore brought back may sit past the head
   * though already sealed: the candidates (taken by the head index, LIMIT first) are probed
   * against the log one by one, so no row is ever sealed twice.
   */
  private async sealBatch(client: PoolClient, head: Head): Promise<number> {
    // Order by the qualified xid8 column: a bare name would sort by the text output column.
    const { rows } = await client.query<Candidate & { sealed: boolean }>({
      name: 'event-store-sealer-next',
      text: `
        WITH candidate AS MATERIALIZED (
          SELECT e.seq, e.transaction_id, e.hash FROM event_store.events e
           WHERE (e.transaction_id, e.seq) > ($1::xid8, $2::bigint)
             AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY e.transaction_id, e.seq
           LIMIT $3)
        SELECT c.seq, c.transaction_id::text AS transaction_id, c.hash,
               EXISTS (SELECT 1 FROM event_store.global_log g WHERE g.seq = c.seq) AS sealed
          FROM candidate c ORDER BY c.transaction_id, c.seq`,
      values: [head.transactionId, head.seq, this.batchSize],
    });
    if (rows.length === 0) return 0;
    const fresh = rows.filter((row) => !row.sealed);
    if (fresh.length > 0) await this.link(client, head, fresh);
    const last = rows[rows.length - 1];
    await client.query(
      'UPDATE event_store.sealer_head SET transaction_id = $1::xid8, seq = $2::bigint',
      [last.transaction_id, last.seq],
    );
    return rows.length;
  }

  /**
   * After a logical restore transaction ids restart below the head, so new rows would sort
   * before it and never be sealed. Every row this transaction can see is committed: seal all
   * those not yet in the log, then restart the head at the horizon taken before reading, below
   * which every transaction had finished and so has just been sealed.
   */
  private async resealAfterRestore(client: PoolClient, head: Head): Promise<number> {
    // Taken before the first read: a transaction below this horizon is visible to every read below.
    const { rows: horizon } = await client.query<{ xmin: string }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin',
    );
    let sealed = 0;
    let current = head;
    for (;;) {
      const { rows } = await client.query<Candidate>(
        `SELECT e.seq, e.transaction_id::text AS transaction_id, e.hash FROM event_store.events e
          WHERE NOT EXISTS (SELECT 1 FROM event_store.global_log g WHERE g.seq = e.seq)
          ORDER BY e.transaction_id, e.seq LIMIT $1`,
        [this.batchSize],
      );
      if (rows.length === 0) break;
      current = await this.link(client, current, rows);
      sealed += rows.length;
    }
    await client.query('UPDATE event_store.sealer_head SET transaction_id = $1::xid8, seq = 0', [
      horizon[0].xmin,
    ]);
    this.onReset(sealed);
    return sealed;
  }

  /** Appends rows to the global log after the head, each link chained to the previous one. */
  private async link(client: PoolClient, head: Head, rows: readonly Candidate[]): Promise<Head> {
    // sealed_at never goes backwards, so "the log as of T" is always a prefix of the log.
    const sealedAt = new Date(Math.max(Date.now(), head.sealedAt?.getTime() ?? 0));
    const positions: number[] = [];
    const hashes: string[] = [];
    const previousHashes: (string | null)[] = [];
    let previousHash = head.hash;
    rows.forEach((row, i) => {
      const globalPosition = head.globalPosition + i + 1;
      const hash = globalLinkHash({
        globalPosition,
        eventHash: row.hash,
        sealedAt: sealedAt.toISOString(),
        previousHash,
      });
      positions.push(globalPosition);
      previousHashes.push(previousHash);
      hashes.push(hash);
      previousHash = hash;
    });
    await client.query({
      name: 'event-store-sealer-insert',
      text: `
        INSERT INTO event_store.global_log (global_position, seq, sealed_at, previous_hash, hash)
        SELECT position, seq, $3::timestamptz, previous_hash, hash
          FROM unnest($1::bigint[], $2::bigint[], $4::text[], $5::text[])
            AS t(position, seq, previous_hash, hash)`,
      values: [positions, rows.map((r) => r.seq), sealedAt.toISOString(), previousHashes, hashes],
    });
    const newest = positions[positions.length - 1];
    sealedPosition.set(newest);
    return { ...head, globalPosition: newest, hash: previousHash, sealedAt };
  }

  private async resolveWaiters(): Promise<void> {
    const { rows: tail } = await this.pool.query<{ position: string | null }>(
      'SELECT max(global_position) AS position FROM event_store.global_log',
    );
    const newest = Number(tail[0].position ?? 0);
    if (newest > 0) for (const listener of this.positionListeners) listener(newest);
    if (this.waiters.size === 0) return;
    const seqs = [...this.waiters.keys()];
    const { rows } = await this.pool.query<{ seq: string; global_position: string }>(
      'SELECT seq, global_position FROM event_store.global_log WHERE seq = ANY($1::bigint[])',
      [seqs],
    );
    for (const row of rows) {
      const list = this.waiters.get(row.seq);
      this.waiters.delete(row.seq);
      list?.forEach((resolve) => resolve(Number(row.global_position)));
    }
  }
}
