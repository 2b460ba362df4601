/** The PostgreSQL types read-model columns use. */
export type ColumnType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'boolean'
  | 'numeric'
  | 'date'
  | 'timestamptz'
  | 'jsonb'
  | 'text[]';

/**
 * A column of a read-model table. `T` is the type of its values as the kit reads and writes
 * them, which is how JSON carries them: bigint and numeric as numbers, dates as `YYYY-MM-DD`,
 * timestamps as ISO 8601 strings.
 */
export class Column<T = unknown, Nullable extends boolean = boolean> {
  /** Carries `T` for the row types; never set. */
  declare readonly valueType?: T;

  constructor(
    readonly type: ColumnType,
    readonly nullable: Nullable,
    /** A SQL expression, e.g. `0` or `now()`. */
    readonly defaultSql?: string,
  ) {}

  /** The column may hold null; its row type becomes `T | null`. */
  orNull(): Column<T, true> {
    return new Column<T, true>(this.type, true, this.defaultSql);
  }

  /** The value a row gets when a write leaves the column out. */
  default(sql: string): Column<T, Nullable> {
    return new Column<T, Nullable>(this.type, this.nullable, sql);
  }
}

const of =
  <T>(type: ColumnType) =>
  () =>
    new Column<T, false>(type, false);

/** Column builders: `column.text()`, `column.date().orNull()`, `column.jsonb<Scores>()`. */
export const column = {
  text: of<string>('text'),
  integer: of<number>('integer'),
  /** Read back as a JSON number: exact up to 2^53, which positions stay below. */
  bigint: of<number>('bigint'),
  boolean: of<boolean>('boolean'),
  numeric: of<number>('numeric'),
  /** `YYYY-MM-DD`. */
  date: of<string>('date'),
  /** ISO 8601; read back in UTC (`...Z`) whatever offset it was written with. */
  timestamptz: of<string>('timestamptz'),
  jsonb: <T = unknown>() => new Column<T, false>('jsonb', false),
  textArray: of<string[]>('text[]'),
};

/** Columns by name, in table order. */
export type Columns = Readonly<Record<string, Column>>;

type ValueOf<C> =
  C extends Column<infer T, infer Nullable> ? (Nullable extends true ? T | null : T) : never;

/** The row of a set of columns: one property per column, `T | null` where the column is nullable. */
export type ColumnValues<C extends Columns> = { -readonly [K in keyof C]: ValueOf<C[K]> };

/** Names of the columns that cannot hold null: the only ones a key may use. */
export type NotNullName<C extends Columns> = {
  [K in keyof C & string]: C[K] extends Column<unknown, false> ? K : never;
}[keyof C & string];

/** Names of the number-valued columns (what `add` in an update may use). */
export type NumberName<C extends Columns> = {
  [K in keyof C & string]: C[K] extends Column<number, boolean> ? K : never;
}[keyof C & string];
