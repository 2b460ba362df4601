import type { Pool, PoolClient } from 'pg';

/**
 * Leadership among instances sharing one database: a session-level advisory lock held on a
 * connection kept for the purpose. Whoever holds the lock leads; if its process or connection
 * dies, PostgreSQL releases the lock and another instance takes over on its next attempt.
 *
 * The lease is an efficiency, not the safety net: work done under it must still be safe if two
 * instances briefly both believe they lead (each writer checks what it read is still current).
 */
export class LeaderLease {
  private client: PoolClient | null = null;

  constructor(
    private readonly pool: Pool,
    /** The advisory lock key; one per kind of leader. */
    private readonly key: number,
  ) {}

  get held(): boolean {
    return this.client !== null;
  }

  /** The leader's own connection, or null when this instance does not lead. */
  get connection(): PoolClient | null {
    return this.client;
  }

  /** Takes the lease if it is free; returns whether this instance now leads. */
  async tryAcquire(): Promise<boolean> {
    if (this.client) return true;
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [this.key],
      );
      if (!rows[0].locked) {
        client.release();
        return false;
      }
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    client.on('error', this.lose);
    this.client = client;
    return true;
  }

  /** Gives the lease up after its connection failed: the connection is discarded, which frees the lock. */
  readonly lose = (error?: unknown): void => {
    const client = this.client;
    if (!client) return;
    this.client = null;
    client.off('error', this.lose);
    client.release(error instanceof Error ? error : new Error('leadership lost'));
  };

  /** Hands the lease back politely so another instance can lead at once. */
  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    client.off('error', this.lose);
    try {
      await client.query('SELECT pg_advisory_unlock($1)', [this.key]);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  }
}
