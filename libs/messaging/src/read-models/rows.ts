import type { PoolClient } from 'pg';
import type { Column, ColumnType, Columns, NumberName } from './columns.js';
import {
  type AnyTable,
  type ColumnName,
  type KeyName,
  qualified,
  quote,
  type RowOf,
} from './tables.js';

/*
 * Batched statements over a read-model table: each writes or reads any number of rows with one
 * statement whose parameters are one array per column, unnested into rows on the server. The
 * live feed and rebuilds both write through them.
 */

/** Some columns of a table's row. */
export type RowPart<T extends AnyTable, N> = Pick<RowOf<T>, N & keyof RowOf<T>>;

const columnOf = (table: AnyTable, name: string): Column => {
  const column = (table.columns as Columns)[name];
  if (!column) throw new Error(`Table ${table.name} has no column ${name}`);
  return column;
};

/**
 * `text[]` travels as `jsonb[]`: unnest flattens an array of arrays completely, so each array
 * goes as one JSON value and is turned back into `text[]` per row.
 */
const paramType = (type: ColumnType) => (type === 'text[]' ? 'jsonb[]' : `${type}[]`);

const valueExpression = (name: string, type: ColumnType) =>
  type === 'text[]'
    ? `CASE WHEN u.${name} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.${name})) END`
    : `u.${name}`;

const paramValue = (type: ColumnType, value: unknown) => {
  if (value === undefined || value === null) return null;
  return type === 'jsonb' || type === 'text[]' ? JSON.stringify(value) : value;
};

/**
 * The rows as a subquery with the given columns, typed as the table's, its parameters from
 * `$<first>` on.
 */
function rowSource(table: AnyTable, names: readonly string[], rows: readonly object[], first = 1) {
  const types = names.map((name) => columnOf(table, name).type);
  const quoted = names.map(quote);
  const sql = `(SELECT ${quoted.map((name, i) => `${valueExpression(name, types[i])} AS ${name}`).join(', ')}
     FROM unnest(${types.map((type, i) => `$${first + i}::${paramType(type)}`).join(', ')})
       AS u(${quoted.join(', ')}))`;
  const params = names.map((name, i) =>
    rows.map((row) => paramValue(types[i], (row as Record<string, unknown>)[name])),
  );
  return { sql, params };
}

/** A row as `row_to_json` gives it, timestamps normalised to ISO 8601 in UTC. */
function fromJson<Row>(table: AnyTable, row: Record<string, unknown>): Row {
  for (const [name, column] of Object.entries(table.columns as Columns)) {
    const value = row[name];
    if (column.type === 'timestamptz' && typeof value === 'string') {
      row[name] = new Date(value).toISOString();
    }
  }
  return row as Row;
}

/** Compares keys as JSON gives them back: timestamps in UTC, the rest as written. */
function keyString(table: AnyTable, row: object): string {
  const values = (table.primaryKey as readonly string[]).map((name) => {
    const value = (row as Record<string, unknown>)[name];
    return columnOf(table, name).type === 'timestamptz' && typeof value === 'string'
      ? new Date(value).toISOString()
      : value;
  });
  return JSON.stringify(values);
}

/** Loads the rows with the given keys in one statement, as JSON gives them (see `column`). */
export async function loadRows<T extends AnyTable>(
  db: PoolClient,
  schema: string,
  table: T,
  keys: readonly RowPart<T, KeyName<T>>[],
): Promise<RowOf<T>[]> {
  if (keys.length === 0) return [];
  const key: readonly string[] = table.primaryKey;
  const source = rowSource(table, key, keys);
  const { rows } = await db.query<{ row: Record<string, unknown> }>(
    `SELECT row_to_json(t) AS row FROM ${qualified(schema, table)} t
      WHERE (${key.map((name) => `t.${quote(name)}`).join(', ')})
         IN (SELECT ${key.map(quote).join(', ')} FROM ${source.sql} s)`,
    source.params,
  );
  return rows.map(({ row }) => fromJson<RowOf<T>>(table, row));
}

export interface WriteOptions<N> {
  /**
   * The columns to write, the key's among them (default: all). The others keep their default on
   * insert and their value on update.
   */
  readonly columns?: readonly N[];
}

function written(table: AnyTable, columns: readonly string[] | undefined): string[] {
  const names = [...(columns ?? Object.keys(table.columns))];
  for (const key of table.primaryKey as readonly string[]) {
    if (!names.includes(key)) throw new Error(`Writes to ${table.name} need its key ${key}`);
  }
  return names;
}

/**
 * Inserts the rows whose key is new and leaves the others as they are (for append-only tables,
 * or rows created once). Resolves to the rows it inserted; of rows sharing a key, the first.
 */
export async function insertRows<T extends AnyTable, N extends ColumnName<T> = ColumnName<T>>(
  db: PoolClient,
  schema: string,
  table: T,
  rows: readonly RowPart<T, NoInfer<N> | KeyName<T>>[],
  options: WriteOptions<N> = {},
): Promise<RowPart<T, N | KeyName<T>>[]> {
  if (rows.length === 0) return [];
  const names = written(table, options.columns);
  const key: readonly string[] = table.primaryKey;
  const source = rowSource(table, names, rows);
  const { rows: inserted } = await db.query<{ key: Record<string, unknown> }>(
    `INSERT INTO ${qualified(schema, table)} (${names.map(quote).join(', ')})
     SELECT * FROM ${source.sql} s
     ON CONFLICT (${key.map(quote).join(', ')}) DO NOTHING
     RETURNING json_build_object(${key.map((name) => `'${name}', ${quote(name)}`).join(', ')}) AS key`,
    source.params,
  );
  const byKey = new Map<string, RowPart<T, N | KeyName<T>>>();
  for (const row of rows) {
    const id = keyString(table, row);
    if (!byKey.has(id)) byKey.set(id, row as RowPart<T, N | KeyName<T>>);
  }
  return inserted.map(({ key: returned }) => byKey.get(keyString(table, returned))!);
}

/**
 * Inserts the rows, replacing the `update` columns (default: every written column outside the
 * key and outside `add`) of rows that exist, and adding to their `add` columns (counters: safe
 * under concurrent writers, and a row is created by whichever writer comes first). Rows must
 * have distinct keys: a statement changes a row once.
 */
export async function upsertRows<
  T extends AnyTable,
  N extends ColumnName<T> = ColumnName<T>,
  U extends N = N,
  A extends N & NumberName<T['columns']> = never,
>(
  db: PoolClient,
  schema: string,
  table: T,
  rows: readonly RowPart<T, NoInfer<N> | KeyName<T>>[],
  options: WriteOptions<N> & { readonly update?: readonly U[]; readonly add?: readonly A[] } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const names = written(table, options.columns);
  const key: readonly string[] = table.primaryKey;
  const add: readonly string[] = options.add ?? [];
  const update: readonly string[] =
    options.update ?? names.filter((name) => !key.includes(name) && !add.includes(name));
  const assignments = [
    ...update.map((name) => `${quote(name)} = excluded.${quote(name)}`),
    ...add.map((name) => `${quote(name)} = t.${quote(name)} + excluded.${quote(name)}`),
  ];
  const conflict =
    assignments.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${assignments.join(', ')}`;
  const source = rowSource(table, names, rows);
  await db.query(
    `INSERT INTO ${qualified(schema, table)} AS t (${names.map(quote).join(', ')})
     SELECT * FROM ${source.sql} s
     ON CONFLICT (${key.map(quote).join(', ')}) ${conflict}`,
    source.params,
  );
}

export interface RowChange<M, S, A> {
  /** Columns a row must match (any columns, not only the key); one input row per match. */
  readonly match: readonly M[];
  /** Columns set to the input's values. */
  readonly set?: readonly S[];
  /** Number columns the input's values are added to (counters, safe under concurrent writers). */
  readonly add?: readonly A[];
}

/**
 * Updates the rows matching each input row in one statement; rows the change would leave as
 * they are are not rewritten. Resolves to the number of rows it changed.
 */
export async function updateRows<
  T extends AnyTable,
  M extends ColumnName<T>,
  S extends ColumnName<T> = never,
  A extends NumberName<T['columns']> = never,
>(
  db: PoolClient,
  schema: string,
  table: T,
  rows: readonly RowPart<T, NoInfer<M | S | A>>[],
  change: RowChange<M, S, A>,
): Promise<number> {
  const match: readonly string[] = change.match;
  const set: readonly string[] = change.set ?? [];
  const add: readonly string[] = change.add ?? [];
  if (match.length === 0 || set.length + add.length === 0) {
    throw new Error(`An update of ${table.name} needs columns to match and to change`);
  }
  if (rows.length === 0) return 0;
  const source = rowSource(table, [...match, ...set, ...add], rows);
  const assignments = [
    ...set.map((name) => `${quote(name)} = r.${quote(name)}`),
    ...add.map((name) => `${quote(name)} = t.${quote(name)} + r.${quote(name)}`),
  ];
  const changes = [
    ...set.map((name) => `t.${quote(name)} IS DISTINCT FROM r.${quote(name)}`),
    ...add.map((name) => `r.${quote(name)} <> 0`),
  ];
  const { rowCount } = await db.query(
    `UPDATE ${qualified(schema, table)} t SET ${assignments.join(', ')}
       FROM ${source.sql} r
      WHERE ${match.map((name) => `t.${quote(name)} = r.${quote(name)}`).join(' AND ')}
        AND (${changes.join(' OR ')})`,
    source.params,
  );
  return rowCount ?? 0;
}
