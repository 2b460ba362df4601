import type { Pool } from 'pg';

/** One command sent with an `Idempotency-Key`, scoped to its caller. */
export interface IdempotentRequest {
  readonly principal: string;
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly requestHash: string;
}

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export type StoredKey =
  | { readonly state: 'in-progress'; readonly requestHash: string }
  | {
      readonly state: 'completed';
      readonly requestHash: string;
      readonly response: StoredResponse;
    };

/** This request holds the key; `claimedAt` tells its row from a later one under the same key. */
export interface Claim {
  readonly request: IdempotentRequest;
  readonly claimedAt: string;
}

export interface IdempotencyKeyOptions {
  /** How long a key is remembered. */
  readonly ttlSeconds?: number;
  /** An in-progress key older than this was left by a process that died: it may be taken over. */
  readonly abandonedAfterSeconds?: number;
}

const PURGE_EVERY_MS = 60_000;
const CLAIM_ATTEMPTS = 3;

interface StoredRow {
  status: 'in-progress' | 'completed';
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  response_headers: Record<string, string> | null;
}

function toStoredKey(row: StoredRow): StoredKey {
  if (row.status === 'in-progress') return { state: 'in-progress', requestHash: row.request_hash };
  return {
    state: 'completed',
    requestHash: row.request_hash,
    response: {
      status: row.response_status ?? 200,
      body: row.response_body,
      headers: row.response_headers ?? {},
    },
  };
}

/** The table `api.idempotency_keys`: who holds which key, and the answer once there is one. */
export class IdempotencyKeys {
  private readonly ttlSeconds: number;
  private readonly abandonedAfterSeconds: number;
  private lastPurge = 0;

  constructor(
    private readonly pool: Pool,
    options: IdempotencyKeyOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
    this.abandonedAfterSeconds = options.abandonedAfterSeconds ?? 5 * 60;
  }

  /** Takes the key for this request, or says what is already stored under it. */
  async claim(request: IdempotentRequest): Promise<Claim | StoredKey> {
    await this.purgeExpired();
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const claimedAt = await this.tryClaim(request);
      if (claimedAt !== undefined) return { request, claimedAt };
      const stored = await this.find(request);
      // Released between the two statements: try again.
      if (stored) return stored;
    }
    return { state: 'in-progress', requestHash: request.requestHash };
  }

  async complete(claim: Claim, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `UPDATE api.idempotency_keys
          SET status = 'completed', response_status = $4, response_body = $5::jsonb,
              response_headers = $6::jsonb, completed_at = now()
        WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz
          AND status = 'in-progress'`,
      [
        claim.request.principal,
        claim.request.key,
        claim.claimedAt,
        response.status,
        JSON.stringify(response.body) ?? null,
        JSON.stringify(response.headers),
      ],
    );
  }

  /** Frees the key after a failure, so that the client may try again. */
  async release(claim: Claim): Promise<void> {
    await this.pool.query(
      `DELETE FROM api.idempotency_keys
        WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz
          AND status = 'in-progress'`,
      [claim.request.principal, claim.request.key, claim.claimedAt],
    );
  }

  /** Inserts the key, or takes over an expired or abandoned row; undefined if it is held. */
  private async tryClaim(request: IdempotentRequest): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ claimed_at: string }>(
      `INSERT INTO api.idempotency_keys AS k
              (principal, key, method, path, request_hash, status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'in-progress', clock_timestamp())
       ON CONFLICT (principal, key) DO UPDATE
          SET method = excluded.method, path = excluded.path,
              request_hash = excluded.request_hash, status = 'in-progress',
              response_status = NULL, response_body = NULL, response_headers = NULL,
              created_at = excluded.created_at, completed_at = NULL
        WHERE k.created_at < now() - make_interval(secs => $6)
           OR (k.status = 'in-progress' AND k.created_at < now() - make_interval(secs => $7))
       RETURNING created_at::text AS claimed_at`,
      [
        request.principal,
        request.key,
        request.method,
        request.path,
        request.requestHash,
        this.ttlSeconds,
        this.abandonedAfterSeconds,
      ],
    );
    return rows[0]?.claimed_at;
  }

  private async find(request: IdempotentRequest): Promise<StoredKey | undefined> {
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT status, request_hash, response_status, response_body, response_headers
         FROM api.idempotency_keys WHERE principal = $1 AND key = $2`,
      [request.principal, request.key],
    );
    return rows[0] && toStoredKey(rows[0]);
  }

  /** Forgets expired keys, at most once a minute per process. */
  private async purgeExpired(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    await this.pool.query(
      `DELETE FROM api.idempotency_keys WHERE created_at < now() - make_interval(secs => $1)`,
      [this.ttlSeconds],
    );
  }
}
