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
