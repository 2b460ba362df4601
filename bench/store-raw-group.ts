import type pg from 'pg';

/** Statements in flight at once, as the event store's default (appendStatementsInFlight 2). */
export const RAW_GROUP_IN_FLIGHT = 2;
/** Rows per grouped statement, as the event store groups at most. */
const MAX_GROUPED_ROWS = 64;

interface Pending {
  readonly values: readonly unknown[];
  readonly rows: number;
  resolve(stored: { seq: string }[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit with nothing else: appends that arrive while statements are in flight wait, then
 * go together as one multi-row INSERT in one autocommit statement (one round trip, one WAL
 * flush). With nothing in flight an append goes at once. It keeps none of the store's
 * guarantees (no per-append outcome when a group fails, no hashing, no global order): it is the
 * limit for the same batching, as raw INSERT is the limit for one statement per append.
 */
export class RawGroupCommit {
  private readonly queue: Pending[] = [];
  private inFlight = 0;

  /** `insertSql(n)`: an INSERT of n rows, each of the same parameters, `RETURNING seq`. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly maxInFlight: number,
    private readonly insertSql: (rows: number) => string,
  ) {}

  /** Stores one append's rows (their parameters, row after row); resolves with their seqs. */
  append(values: readonly unknown[], rows: number): Promise<{ seq: string }[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ values, rows, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = [this.queue.shift()!];
      let rows = batch[0].rows;
      while (this.queue.length > 0 && rows + this.queue[0].rows <= MAX_GROUPED_ROWS) {
        rows += this.queue[0].rows;
        batch.push(this.queue.shift()!);
      }
      this.inFlight++;
      void this.send(batch, rows).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private async send(batch: readonly Pending[], rows: number): Promise<void> {
    try {
      const { rows: stored } = await this.pool.query<{ seq: string }>({
        name: `raw-insert-${rows}`,
        text: this.insertSql(rows),
        values: batch.flatMap((pending) => pending.values),
      });
      // A plain INSERT of a VALUES list returns its rows in that order: each append's are a slice.
      let from = 0;
      for (const pending of batch) {
        pending.resolve(stored.slice(from, from + pending.rows));
        from += pending.rows;
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
