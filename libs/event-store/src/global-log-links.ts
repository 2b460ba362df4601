import type { PoolClient } from 'pg';
import { globalLinkHash } from './recorded-event.js';

/** Where the sealer stands: the last row it sealed and the newest link of the global log. */
export interface SealerHead {
  /** The head's transaction id lies beyond every id this cluster has handed out. */
  restored: boolean;
  transactionId: string;
  seq: string;
  globalPosition: number;
  hash: string | null;
  sealedAt: Date | null;
}

/** An event row waiting for its global position. */
export interface SealCandidate {
  seq: string;
  transaction_id: string;
  hash: string;
}

/** New links of the global log, as arrays ready to bind, and the head after them. */
export interface GlobalLogLinks {
  sealedAt: string;
  positions: number[];
  seqs: string[];
  hashes: string[];
  previousHashes: (string | null)[];
  head: SealerHead;
}

/** Reads the sealer's head and the newest link of the log, on the leader's connection. */
export async function readSealerHead(client: PoolClient): Promise<SealerHead> {
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

/** The links that append `rows` to the log after `head`, each chained to the previous one. */
export function linksAfter(head: SealerHead, rows: readonly SealCandidate[]): GlobalLogLinks {
  // sealed_at never goes backwards, so "the log as of T" is always a prefix of the log.
  const sealedAt = new Date(Math.max(Date.now(), head.sealedAt?.getTime() ?? 0));
  const sealedAtText = sealedAt.toISOString();
  const positions: number[] = [];
  const seqs: string[] = [];
  const hashes: string[] = [];
  const previousHashes: (string | null)[] = [];
  let previousHash = head.hash;
  rows.forEach((row, i) => {
    const globalPosition = head.globalPosition + i + 1;
    const hash = globalLinkHash({
      globalPosition,
      eventHash: row.hash,
      sealedAt: sealedAtText,
      previousHash,
    });
    positions.push(globalPosition);
    seqs.push(row.seq);
    previousHashes.push(previousHash);
    hashes.push(hash);
    previousHash = hash;
  });
  const newest = positions[positions.length - 1] ?? head.globalPosition;
  return {
    sealedAt: sealedAtText,
    positions,
    seqs,
    hashes,
    previousHashes,
    head: { ...head, globalPosition: newest, hash: previousHash, sealedAt },
  };
}
