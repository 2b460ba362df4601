import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { Counter, Gauge, register } from 'prom-client';

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

const databaseUp = singleton(
  'database_up',
  () => new Gauge({ name: 'database_up', help: '1 while PostgreSQL answers, 0 during an outage' }),
);
const outagesTotal = singleton(
  'database_outages_total',
  () =>
    new Counter({ name: 'database_outages_total', help: 'Times PostgreSQL became unreachable' }),
);
const outageSeconds = singleton(
  'database_outage_seconds_total',
  () =>
    new Counter({
      name: 'database_outage_seconds_total',
      help: 'Time spent without PostgreSQL, counted when it comes back',
    }),
);
/** Failures because a connection was refused or lost, by the part of the application that met them. */
export const databaseConnectionFailures = singleton(
  'database_connection_failures_total',
  () =>
    new Counter({
      name: 'database_connection_failures_total',
      help: 'Operations that failed because a connection to PostgreSQL was refused or lost, by component',
      labelNames: ['component'] as const,
    }),
);

/** SQLSTATE classes and codes that mean "the server is not there for us", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: terminated by an operator, a failover or a server stop
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database is gone (dropped, or not restored yet)
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|not currently accepting connections|did not answer within/i;

/**
 * Whether an error means PostgreSQL could not be reached or dropped the connection (so the same
 * work may succeed later), as opposed to a fault of the statement itself. TypeORM's wrapped
 * errors are unwrapped.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let depth = 0, current = error; current && depth < 4; depth++) {
    const { code, message, driverError, cause } = current as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_CODES.has(code))) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = driverError ?? cause;
  }
  return false;
}

export interface DatabaseState {
  readonly up: boolean;
  /** When the current outage began (ISO 8601). */
  readonly since?: string;
  /** What the first failure of the current outage said. */
  readonly reason?: string;
}

/** How long the ping that tells a lost session from an outage may take. */
const CONFIRM_TIMEOUT_MS = 2000;

const describe = (error: unknown) =>
  error instanceof Error ? error.message || error.name : String(error);

/**
 * The process's view of whether PostgreSQL is reachable. The loops that work in the background
 * (sealer, feeds, relay), the health check and the HTTP layer report their failures here: the
 * first one of an outage is logged once, the rest are only counted, and a probe marks the end of
 * the outage with one line saying how long it lasted. Nothing here retries: each loop keeps its own backoff.
 */
export class DatabaseOutages implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private outage: { since: number; reason: string; errors: number } | null = null;
  private probe: NodeJS.Timeout | null = null;
  private probing = false;
  private confirming = false;

  constructor(
    private readonly pool: Pool,
    private readonly probeEveryMs = 1000,
  ) {
    databaseUp.set(1);
  }

  get state(): DatabaseState {
    if (!this.outage) return { up: true };
    return {
      up: false,
      since: new Date(this.outage.since).toISOString(),
      reason: this.outage.reason,
    };
  }

  /**
   * A component's failure. Returns true when it was a lost or refused connection (then it is
   * counted and the caller need not log it); false for any other error, which the caller handles.
   * A lost session alone (terminated, or idle in a transaction too long) is not an outage: the
   * server is pinged, and only if it does not answer does an outage begin.
   */
  report(component: string, error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    databaseConnectionFailures.inc({ component });
    if (this.outage) this.outage.errors++;
    else void this.confirm(component, error);
    return true;
  }

  private async confirm(component: string, error: unknown): Promise<void> {
    if (this.confirming) return;
    this.confirming = true;
    try {
      await this.ping(CONFIRM_TIMEOUT_MS);
    } catch {
      this.begin(component, error);
    } finally {
      this.confirming = false;
    }
  }

  private begin(component: string, error: unknown): void {
    if (this.outage) return;
    this.outage = { since: Date.now(), reason: describe(error), errors: 1 };
    databaseUp.set(0);
    outagesTotal.inc();
    this.logger.warn(
      `PostgreSQL unreachable (first seen by ${component}): ${this.outage.reason}; ` +
        'requests answer 503 and background work retries until it is back',
    );
    this.startProbing();
  }

  /** One round trip to the server, failing after `timeoutMs` if it does not answer. */
  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`PostgreSQL did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.pool.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  stop(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }

  private startProbing(): void {
    if (this.probe) return;
    this.probe = setInterval(() => void this.check(), this.probeEveryMs);
    this.probe.unref();
  }

  private async check(): Promise<void> {
    if (this.probing || !this.outage) return;
    this.probing = true;
    try {
      await this.ping(CONFIRM_TIMEOUT_MS);
      this.recovered();
    } catch {
      // Still down: the next tick tries again.
    } finally {
      this.probing = false;
    }
  }

  private recovered(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = null;
    this.stop();
    const seconds = (Date.now() - outage.since) / 1000;
    databaseUp.set(1);
    outageSeconds.inc(seconds);
    this.logger.log(
      `PostgreSQL is back after ${seconds.toFixed(1)} s (${outage.errors} failed operations during the outage)`,
    );
  }
}

/**
 * An `onError` for a background loop: database outages go to `outages` (one line per outage),
 * anything else to `otherwise`, every time.
 */
export function reportingOutages(
  outages: DatabaseOutages | undefined,
  component: string,
  otherwise: (error: unknown) => void,
): (error: unknown) => void {
  return (error) => {
    if (!outages?.report(component, error)) otherwise(error);
  };
}
