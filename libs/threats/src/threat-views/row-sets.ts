import type { PoolClient } from 'pg';

/** Column types the projection's tables use; `text[]` travels as jsonb, so arrays can nest in unnest. */
export type ColumnType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'numeric'
  | 'jsonb'
  | 'text[]';

/** A table as the projection reads and writes it: rows are objects keyed by column name. */
export interface RowSet<Row extends object> {
  readonly table: string;
  readonly key: readonly (keyof Row & string)[];
  readonly columns: { readonly [K in keyof Row & string]: ColumnType };
}

const paramType = (type: ColumnType) => (type === 'text[]' ? 'jsonb[]' : `${type}[]`);

const selectExpression = (name: string, type: ColumnType) =>
  type === 'text[]'
    ? `CASE WHEN r.${name} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(r.${name})) END`
    : `r.${name}`;

function paramValues<Row extends object>(spec: RowSet<Row>, rows: readonly Row[], name: string) {
  const type = spec.columns[name as keyof Row & string];
  return rows.map((row) => {
    const value = (row as Record<string, unknown>)[name];
    if (value === undefined || value === null) return null;
    return type === 'jsonb' || type === 'text[]' ? JSON.stringify(value) : value;
  });
}

/**
 * Loads the rows whose keys are given, in one statement. Rows come back as JSON (dates as
 * `YYYY-MM-DD`, timestamps normalised to ISO 8601 in UTC), ready to be folded and written back.
 */
export async function loadRows<Row extends object>(
  db: PoolClient,
  schema: string,
  spec: RowSet<Row>,
  keys: readonly (readonly string[])[],
): Promise<Row[]> {
  if (keys.length === 0) return [];
  const keyList = spec.key.join(', ');
  const { rows } = await db.query<{ row: Record<string, unknown> }>(
    `SELECT row_to_json(t) AS row FROM "${schema}".${spec.table} t
      WHERE (${keyList}) IN (SELECT * FROM unnest(${spec.key.map((_, i) => `$${i + 1}::text[]`).join(', ')}))`,
    spec.key.map((_, i) => keys.map((key) => key[i])),
  );
  return rows.map(({ row }) => {
    for (const [name, type] of Object.entries(spec.columns)) {
      const value = row[name];
      if (type === 'timestamptz' && typeof value === 'string') {
        row[name] = new Date(value).toISOString();
      }
    }
    return row as Row;
  });
}

/**
 * Writes rows with one statement: `INSERT ... SELECT FROM unnest(...)`, replacing existing rows
 * with the same key (`upsert`) or leaving them (`insert`, for append-only tables).
 */
export async function writeRows<Row extends object>(
  db: PoolClient,
  schema: string,
  spec: RowSet<Row>,
  rows: readonly Row[],
  mode: 'upsert' | 'insert' = 'upsert',
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(spec.columns);
  const types = names.map((name) => spec.columns[name as keyof Row & string]);
  const others = names.filter((name) => !(spec.key as readonly string[]).includes(name));
  const conflict =
    mode === 'insert' || others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${others.map((name) => `${name} = excluded.${name}`).join(', ')}`;
  await db.query(
    `INSERT INTO "${schema}".${spec.table} (${names.join(', ')})
     SELECT ${names.map((name, i) => selectExpression(name, types[i])).join(', ')}
       FROM unnest(${types.map((type, i) => `$${i + 1}::${paramType(type)}`).join(', ')})
         AS r(${names.join(', ')})
     ON CONFLICT (${spec.key.join(', ')}) ${conflict}`,
    names.map((name) => paramValues(spec, rows, name)),
  );
}
