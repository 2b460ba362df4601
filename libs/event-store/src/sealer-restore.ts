import type { PoolClient } from 'pg';
import {
  type GlobalLogLinks,
  linksAfter,
  type SealCandidate,
  type SealerHead,
} from './global-log-links.js';
import { SEAL_ROUND_LOCK } from './seal-locks.js';

/**
 * After a logical restore transaction ids restart below the head, so new rows would sort
 * before it and never be sealed. Every row this transaction can see is committed: seal all
 * those not yet in the log, then restart the head at the horizon taken before reading, below
 * which every transaction had finished and so has just been sealed.
 *
 * Runs on the leader's connection; `linked` is told of each batch as it is written. Returns how
 * many rows were sealed.
 */
export async function resealAfterRestore(
  client: PoolClient,
  head: SealerHead,
  batchSize: number,
  linked: (links: GlobalLogLinks) => void,
): Promise<number> {
  // No other round runs meanwhile. A session lock taken before BEGIN: the snapshot, taken by the
  // transaction's first query, must see every round that committed before this one got the lock.
  await client.query('SELECT pg_advisory_lock($1)', [SEAL_ROUND_LOCK]);
  try {
    return await resealUnderLock(client, head, batchSize, linked);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SEAL_ROUND_LOCK]).catch(() => undefined);
  }
}

async function resealUnderLock(
  client: PoolClient,
  head: SealerHead,
  batchSize: number,
  linked: (links: GlobalLogLinks) => void,
): Promise<number> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    // Taken with the snapshot: a transaction below this horizon is visible to every read below.
    const { rows: horizon } = await client.query<{ xmin: string }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin',
    );
    let sealed = 0;
    let current = head;
    for (;;) {
      const { rows } = await client.query<SealCandidate>(
        `SELECT e.seq, e.transaction_id::text AS transaction_id, e.hash FROM event_store.events e
          WHERE NOT EXISTS (SELECT 1 FROM event_store.global_log g WHERE g.seq = e.seq)
          ORDER BY e.transaction_id, e.seq LIMIT $1`,
        [batchSize],
      );
      if (rows.length === 0) break;
      const links = linksAfter(current, rows);
      await client.query({
        name: 'event-store-sealer-insert',
        text: `
          INSERT INTO event_store.global_log (global_position, seq, sealed_at, previous_hash, hash)
          SELECT position, seq, $1::timestamptz, previous_hash, hash
            FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[])
              AS t(position, seq, previous_hash, hash)`,
        values: [links.sealedAt, links.positions, links.seqs, links.previousHashes, links.hashes],
      });
      linked(links);
      current = links.head;
      sealed += rows.length;
    }
    await client.query('UPDATE event_store.sealer_head SET transaction_id = $1::xid8, seq = 0', [
      horizon[0].xmin,
    ]);
    await client.query('COMMIT');
    return sealed;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
