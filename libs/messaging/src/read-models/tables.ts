import type { ColumnValues, Columns, NotNullName } from './columns.js';

/** An index column, ascending or `'<name> DESC'`. */
export type IndexColumn<C extends Columns> = (keyof C & string) | `${keyof C & string} DESC`;

export interface TableDeclaration<C extends Columns, K extends NotNullName<C>> {
  readonly columns: C;
  readonly primaryKey: readonly K[];
  /**
   * Row-level security: a SQL condition over the row saying whether the caller may see it (see
   * `Projection.readPolicies`); `'true'` for rows every caller may see.
   */
  readonly readPolicy: string;
  /** Secondary indexes, each a list of columns; a rebuild creates them once the table is full. */
  readonly indexes?: readonly (readonly IndexColumn<C>[])[];
  /** Below 100 leaves room on each page, so rows rewritten in place stay on it. */
  readonly fillfactor?: number;
}

/** A read-model table: the one declaration its row type, DDL, indexes, policy and writes come from. */
export interface Table<
  C extends Columns = Columns,
  K extends NotNullName<C> = NotNullName<C>,
> extends TableDeclaration<C, K> {
  readonly name: string;
}

/** Any table, whatever its columns. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTable = Table<any, any>;

/** The row of a table (`RowOf<typeof people>`) or of a set of columns shared by tables. */
export type RowOf<T> =
  T extends Table<infer C, infer _K>
    ? ColumnValues<C>
    : T extends Columns
      ? ColumnValues<T>
      : never;

export type ColumnName<T extends AnyTable> = keyof T['columns'] & string;
export type KeyName<T extends AnyTable> = T['primaryKey'][number];

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`${what} ${JSON.stringify(name)} must match ${IDENTIFIER}`);
  }
  return name;
}

/** Identifiers are checked when declared, so quoting them is all generated SQL needs. */
export const quote = (identifier: string) => `"${identifier}"`;

export const qualified = (schema: string, table: AnyTable) =>
  `"${schema.replace(/"/g, '""')}".${quote(table.name)}`;

/**
 * Declares a table. Names are lower-case SQL identifiers; the key's columns may not be nullable.
 *
 *     const people = defineTable('people', {
 *       columns: { person_id: column.text(), erased_at: column.timestamptz().orNull() },
 *       primaryKey: ['person_id'],
 *       readPolicy: 'true',
 *     });
 *     type PersonRow = RowOf<typeof people>; // { person_id: string; erased_at: string | null }
 */
export function defineTable<const C extends Columns, const K extends NotNullName<C>>(
  name: string,
  declaration: TableDeclaration<C, K>,
): Table<C, K> {
  checkIdentifier(name, 'Table name');
  for (const column of Object.keys(declaration.columns)) checkIdentifier(column, 'Column name');
  if (declaration.primaryKey.length === 0) throw new Error(`Table ${name} needs a primary key`);
  for (const key of declaration.primaryKey) {
    if (!(key in declaration.columns)) throw new Error(`Table ${name} has no key column ${key}`);
    if (declaration.columns[key].nullable)
      throw new Error(`Table ${name}: key column ${key} is nullable`);
  }
  const { fillfactor } = declaration;
  if (
    fillfactor !== undefined &&
    !(Number.isInteger(fillfactor) && fillfactor >= 10 && fillfactor <= 100)
  ) {
    throw new Error(`Table ${name}: fillfactor must be an integer from 10 to 100`);
  }
  for (const index of declaration.indexes ?? []) {
    for (const entry of index) {
      const column = entry.replace(/ DESC$/, '');
      if (!(column in declaration.columns)) {
        throw new Error(`Table ${name} has no index column ${column}`);
      }
    }
  }
  return { name, ...declaration };
}

/** The table's CREATE TABLE statement in `schema`. */
export function createTableSql(schema: string, table: AnyTable): string {
  const columns = Object.entries(table.columns as Columns).map(([name, column]) =>
    [
      quote(name),
      column.type,
      column.nullable ? '' : 'NOT NULL',
      column.defaultSql === undefined ? '' : `DEFAULT ${column.defaultSql}`,
    ]
      .filter(Boolean)
      .join(' '),
  );
  const key = `PRIMARY KEY (${table.primaryKey.map((name: string) => quote(name)).join(', ')})`;
  const storage = table.fillfactor === undefined ? '' : ` WITH (fillfactor = ${table.fillfactor})`;
  return `CREATE TABLE ${qualified(schema, table)} (\n  ${[...columns, key].join(',\n  ')}\n)${storage}`;
}

/** The table's CREATE INDEX statements in `schema`; PostgreSQL names the indexes. */
export function createIndexSql(schema: string, table: AnyTable): string[] {
  return (table.indexes ?? []).map((index: readonly string[]) => {
    const columns = index.map((entry) =>
      entry.endsWith(' DESC') ? `${quote(entry.slice(0, -5))} DESC` : quote(entry),
    );
    return `CREATE INDEX ON ${qualified(schema, table)} (${columns.join(', ')})`;
  });
}
