import type { RecordedEvent } from '@soc/event-store';
import type { PoolClient } from 'pg';

/**
 * A read model built from events. The runtime feeds it from Kafka or straight from the event
 * store, always inside a transaction that also moves its checkpoint, so it never sees an event
 * twice and never needs to guard against it.
 *
 * Its tables live in a schema per generation (`<name>_g<N>`); queries read them through views of
 * the same names in the schema `<name>`, which a rebuild re-points in one transaction.
 */
export interface Projection {
  /** Lower-case letters, digits and underscores: it names the projection's schemas. */
  readonly name: string;
  /** Event types it handles; the others only move its checkpoint. */
  readonly handles: readonly string[];
  /** Tables queries may read, exposed as views in the schema `<name>`. */
  readonly tables: readonly string[];
  /**
   * Row-level security: for each table, a SQL condition over its row that says whether the
   * caller may see it. Queries run as the role `soc_reader` with the caller's scope set
   * (`security.caller_organisation()`, `security.caller_has_role('auditor')`); `'true'` for rows
   * every caller may see. A table without a policy shows no rows at all.
   */
  readonly readPolicies: Readonly<Record<string, string>>;
  /**
   * What a generation built by this code holds, as a digest (of its tables, read policies,
   * handled events and version): a generation built under another is rebuilt at start-up, so new
   * code never runs over old tables or rows folded by old rules. None: never rebuilt for shape.
   */
  readonly fingerprint?: string;
  /** Creates the projection's tables in an empty schema. */
  createTables(db: PoolClient, schema: string): Promise<void>;
  /**
   * Creates the secondary indexes queries need. A rebuild fills the tables first and indexes them
   * once, before it switches: cheaper than keeping the indexes up to date row by row.
   */
  createIndexes?(db: PoolClient, schema: string): Promise<void>;
  /**
   * Applies events, oldest first (each stream in version order), to the tables in `schema`,
   * within the caller's transaction. Writing a whole batch with a few statements is what keeps
   * rebuilds fast.
   */
  apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]): Promise<void>;
}

const PROJECTION_NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function checkProjectionName(name: string): string {
  if (!PROJECTION_NAME.test(name)) {
    throw new Error(`Projection name ${JSON.stringify(name)} must match ${PROJECTION_NAME}`);
  }
  return name;
}
