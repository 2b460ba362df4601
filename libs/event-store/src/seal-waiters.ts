import type { Pool } from 'pg';

/** Sealed (seq, position) pairs kept to answer appends that start waiting after their seal. */
const RECENTLY_SEALED = 20_000;
/** How often waiters still unanswered from memory are looked up in the log. */
const LOOKUP_EVERY_MS = 50;

/**
 * Appends waiting for the global position of their last event, answered from what this instance
 * sealed (kept in memory a while) or, for events another instance sealed, from the log itself.
 */
export class SealWaiters {
  private readonly recentlySealed = new Map<string, number>();
  private readonly waiting = new Map<string, Array<(position: number) => void>>();
  private lastLookup = 0;

  /** How many seqs are still waited for. */
  get size(): number {
    return this.waiting.size;
  }

  /** Whether waiters memory could not answer are due to be looked up in the log. */
  get lookupDue(): boolean {
    return this.waiting.size > 0 && Date.now() - this.lastLookup >= LOOKUP_EVERY_MS;
  }

  /** The position of a seq this instance sealed recently, if it remembers it. */
  known(seq: string): number | undefined {
    return this.recentlySealed.get(seq);
  }

  /** Resolves with the position of `seq` once it is sealed, or null after the timeout. */
  wait(seq: string, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiting.get(seq);
        if (list) {
          list.splice(list.indexOf(done), 1);
          if (list.length === 0) this.waiting.delete(seq);
        }
        resolve(null);
      }, timeoutMs);
      const done = (position: number) => {
        clearTimeout(timer);
        resolve(position);
      };
      const list = this.waiting.get(seq) ?? [];
      list.push(done);
      this.waiting.set(seq, list);
    });
  }

  /** Keeps what was just sealed for later waiters and answers those already waiting. */
  sealed(seqs: readonly string[], positions: readonly number[]): void {
    seqs.forEach((seq, i) => {
      this.recentlySealed.set(seq, positions[i]);
      const list = this.waiting.get(seq);
      if (list) {
        this.waiting.delete(seq);
        list.forEach((resolve) => resolve(positions[i]));
      }
    });
    for (const seq of this.recentlySealed.keys()) {
      if (this.recentlySealed.size <= RECENTLY_SEALED) break;
      this.recentlySealed.delete(seq);
    }
  }

  /** Answers the waiters whose events are in the log (sealed by another instance). */
  async lookUp(pool: Pool): Promise<void> {
    this.lastLookup = Date.now();
    if (this.waiting.size === 0) return;
    const { rows } = await pool.query<{ seq: string; global_position: string }>(
      'SELECT seq, global_position FROM event_store.global_log WHERE seq = ANY($1::bigint[])',
      [[...this.waiting.keys()]],
    );
    for (const row of rows) {
      const list = this.waiting.get(row.seq);
      this.waiting.delete(row.seq);
      list?.forEach((resolve) => resolve(Number(row.global_position)));
    }
  }
}
