import { createHash } from 'node:crypto';
import { checkProjectionName, type Projection } from '../projections/projection.js';
import { type AnyTable, createIndexSql, createTableSql } from './tables.js';

export interface ProjectionDefinition {
  /** Names the projection's schemas: lower-case letters, digits and underscores. */
  readonly name: string;
  /** Event types it handles; the others only move its checkpoint. */
  readonly handles: readonly string[];
  /** Its tables, all readable by queries under their read policies. */
  readonly tables: readonly AnyTable[];
  /** Applies a batch of events to the tables in `schema` (see `Projection.apply`). */
  readonly apply: Projection['apply'];
  /**
   * Raise it when `apply` folds events differently (tables unchanged, rows now mean something
   * else): deployments then rebuild the projection at start-up, as they do when its tables change.
   */
  readonly version?: number;
}

/** The digest of everything that makes a generation's content: see `Projection.fingerprint`. */
function fingerprintOf({ name, handles, tables, version }: ProjectionDefinition): string {
  const shape = {
    name,
    version: version ?? 1,
    handles: [...handles].sort(),
    tables: tables.map((table) => ({
      ddl: createTableSql('g', table),
      indexes: createIndexSql('g', table),
      readPolicy: table.readPolicy,
    })),
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 32);
}

/** A projection whose tables, read policies, DDL and indexes come from its table declarations. */
export function defineProjection(definition: ProjectionDefinition): Projection {
  const { name, handles, tables, apply } = definition;
  checkProjectionName(name);
  const names = tables.map((table) => table.name);
  const duplicate = names.find((table, i) => names.indexOf(table) !== i);
  if (duplicate) throw new Error(`Projection ${name} declares table ${duplicate} twice`);
  return {
    name,
    handles,
    tables: names,
    readPolicies: Object.fromEntries(tables.map((table) => [table.name, table.readPolicy])),
    fingerprint: fingerprintOf(definition),
    async createTables(db, schema) {
      for (const table of tables) await db.query(createTableSql(schema, table));
    },
    async createIndexes(db, schema) {
      for (const table of tables) {
        for (const sql of createIndexSql(schema, table)) await db.query(sql);
      }
    },
    apply,
  };
}
