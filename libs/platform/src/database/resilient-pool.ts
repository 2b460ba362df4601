import pg from 'pg';

/**
 * A pg pool whose connections can never take the process down. A pooled client only has an
 * `error` listener while it sits idle in the pool; one that is checked out (in a transaction, or
 * held as a lease) emits an unhandled `error` event when the server ends its session (an operator's
 * `pg_terminate_backend`, a failover, `idle_in_transaction_session_timeout`, a restart), and that
 * ends Node. Every connection here keeps a listener for its whole life; the failure still reaches
 * whoever uses the client, as a rejected query, and the pool discards the broken client on release.
 */
export class ResilientPool extends pg.Pool {
  constructor(options?: pg.PoolConfig) {
    super(options);
    this.on('connect', (client) => client.on('error', ignoreConnectionError));
    // Idle clients ended by the server are dropped by the pool and replaced on demand.
    this.on('error', ignoreConnectionError);
  }
}

function ignoreConnectionError(): void {
  // Reported to the caller through its failed query; see ResilientPool.
}

/** The `pg` module with ResilientPool as its pool: TypeORM's `driver` option. */
export const resilientPgDriver: typeof pg = Object.create(pg, {
  Pool: { value: ResilientPool, enumerable: true },
}) as typeof pg;
