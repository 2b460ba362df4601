import type { PoolClient } from 'pg';
import {
  column,
  createIndexSql,
  createTableSql,
  defineProjection,
  defineTable,
  insertRows,
  loadRows,
  type RowOf,
  updateRows,
  upsertRows,
} from './index.js';

const cases = defineTable('cases', {
  columns: {
    case_id: column.text(),
    version: column.integer(),
    title: column.text(),
    tags: column.textArray(),
    details: column.jsonb<{ score: number }>().orNull(),
    opened_on: column.date(),
    closed_at: column.timestamptz().orNull(),
    views: column.bigint().default('0'),
  },
  primaryKey: ['case_id', 'version'],
  indexes: [['title'], ['case_id', 'opened_on DESC']],
  readPolicy: "title <> 'secret'",
  fillfactor: 80,
});

type CaseRow = RowOf<typeof cases>;

/** True when A and B are the same type. */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameType = <A, B>(same: Same<A, B>) => same;

/** A client that records the statements it is given and answers with no rows. */
function recordingClient() {
  const statements: { sql: string; params: unknown[] }[] = [];
  const db = {
    query: async (sql: string, params: unknown[] = []) => {
      statements.push({ sql: sql.replace(/\s+/g, ' ').trim(), params });
      return { rows: [], rowCount: 0 };
    },
  } as unknown as PoolClient;
  return { db, statements };
}

const row: CaseRow = {
  case_id: 'c-1',
  version: 1,
  title: 'Kestrel',
  tags: ['drugs', 'county lines'],
  details: { score: 3 },
  opened_on: '2021-06-01',
  closed_at: null,
  views: 0,
};

describe('read-model tables', () => {
  it('infers the row type from the declaration', () => {
    expect(sameType<CaseRow['tags'], string[]>(true)).toBe(true);
    expect(sameType<CaseRow['details'], { score: number } | null>(true)).toBe(true);
    expect(sameType<CaseRow['closed_at'], string | null>(true)).toBe(true);
    expect(sameType<CaseRow['version'], number>(true)).toBe(true);
    expect(sameType<keyof CaseRow, keyof typeof cases.columns>(true)).toBe(true);
    // @ts-expect-error a nullable column is not a string
    const closedAt: string = ({} as CaseRow).closed_at;
    expect(closedAt).toBeUndefined();
  });

  it('only accepts keys and indexes over its own, non-null columns', () => {
    const columns = { id: column.text(), note: column.text().orNull() };
    // @ts-expect-error a nullable column cannot be part of the key
    expect(() => defineTable('bad', { columns, primaryKey: ['note'], readPolicy: 'true' })).toThrow(
      /key column note is nullable/,
    );
    expect(() =>
      defineTable('bad', {
        columns,
        primaryKey: ['id'],
        // @ts-expect-error an index over a column the table lacks
        indexes: [['missing']],
        readPolicy: 'true',
      }),
    ).toThrow(/no index column missing/);
  });

  it('refuses names that would need quoting and keys the table lacks', () => {
    const columns = { id: column.text() };
    expect(() =>
      defineTable('Bad-Name', { columns, primaryKey: ['id'], readPolicy: 'true' }),
    ).toThrow(/Table name/);
    expect(() =>
      defineTable('ok', {
        columns: { 'a b': column.text() },
        primaryKey: ['a b'],
        readPolicy: 'true',
      }),
    ).toThrow(/Column name/);
    expect(() => defineTable('ok', { columns, primaryKey: [], readPolicy: 'true' })).toThrow(
      /primary key/,
    );
    expect(() =>
      defineTable('ok', { columns, primaryKey: ['id'], readPolicy: 'true', fillfactor: 5 }),
    ).toThrow(/fillfactor/);
  });

  it('writes the CREATE TABLE with types, NOT NULL, defaults, the key and storage', () => {
    expect(createTableSql('cases_g1', cases)).toBe(
      [
        'CREATE TABLE "cases_g1"."cases" (',
        '  "case_id" text NOT NULL,',
        '  "version" integer NOT NULL,',
        '  "title" text NOT NULL,',
        '  "tags" text[] NOT NULL,',
        '  "details" jsonb,',
        '  "opened_on" date NOT NULL,',
        '  "closed_at" timestamptz,',
        '  "views" bigint NOT NULL DEFAULT 0,',
        '  PRIMARY KEY ("case_id", "version")',
        ') WITH (fillfactor = 80)',
      ].join('\n'),
    );
  });

  it('writes an index per declared list, descending where asked', () => {
    expect(createIndexSql('cases_g1', cases)).toEqual([
      'CREATE INDEX ON "cases_g1"."cases" ("title")',
      'CREATE INDEX ON "cases_g1"."cases" ("case_id", "opened_on" DESC)',
    ]);
  });
});

describe('defineProjection', () => {
  const notes = defineTable('notes', {
    columns: { note_id: column.text() },
    primaryKey: ['note_id'],
    readPolicy: 'true',
  });

  it('takes the tables, policies, DDL and indexes from the declarations', async () => {
    const applied: unknown[] = [];
    const projection = defineProjection({
      name: 'casework',
      handles: ['cases.CaseOpened'],
      tables: [cases, notes],
      apply: async (_db, schema, events) => void applied.push([schema, events.length]),
    });
    expect(projection.tables).toEqual(['cases', 'notes']);
    expect(projection.readPolicies).toEqual({ cases: "title <> 'secret'", notes: 'true' });
    const { db, statements } = recordingClient();
    await projection.createTables(db, 'casework_g2');
    await projection.createIndexes!(db, 'casework_g2');
    await projection.apply(db, 'casework_g2', []);
    expect(statements.map((s) => s.sql.slice(0, 40))).toEqual([
      'CREATE TABLE "casework_g2"."cases" ( "ca',
      'CREATE TABLE "casework_g2"."notes" ( "no',
      'CREATE INDEX ON "casework_g2"."cases" ("',
      'CREATE INDEX ON "casework_g2"."cases" ("',
    ]);
    expect(applied).toEqual([['casework_g2', 0]]);
  });

  it('refuses a bad name and a table declared twice', () => {
    const apply = async () => undefined;
    expect(() => defineProjection({ name: 'Bad', handles: [], tables: [], apply })).toThrow();
    expect(() =>
      defineProjection({ name: 'twice', handles: [], tables: [notes, notes], apply }),
    ).toThrow(/notes twice/);
  });
});

describe('batched statements', () => {
  it('upserts with one statement, an array per column, text[] and jsonb as JSON', async () => {
    const { db, statements } = recordingClient();
    await upsertRows(db, 's', cases, [row, { ...row, version: 2, details: null }]);
    expect(statements).toHaveLength(1);
    const [{ sql, params }] = statements;
    expect(sql).toContain('INSERT INTO "s"."cases" AS t ("case_id", "version", "title", "tags"');
    expect(sql).toContain(
      'FROM unnest($1::text[], $2::integer[], $3::text[], $4::jsonb[], $5::jsonb[], $6::date[], $7::timestamptz[], $8::bigint[])',
    );
    expect(sql).toContain('ARRAY(SELECT jsonb_array_elements_text(u."tags"))');
    expect(sql).toContain(
      'ON CONFLICT ("case_id", "version") DO UPDATE SET "title" = excluded."title"',
    );
    expect(sql).not.toContain('"case_id" = excluded');
    expect(params[0]).toEqual(['c-1', 'c-1']);
    expect(params[3]).toEqual(['["drugs","county lines"]', '["drugs","county lines"]']);
    expect(params[4]).toEqual(['{"score":3}', null]);
  });

  it('writes only the chosen columns and updates only those asked for', async () => {
    const { db, statements } = recordingClient();
    await upsertRows(db, 's', cases, [{ case_id: 'c', version: 1, title: 't', tags: [] }], {
      columns: ['case_id', 'version', 'title', 'tags'],
      update: ['title'],
    });
    expect(statements[0].sql).toContain(
      'INSERT INTO "s"."cases" AS t ("case_id", "version", "title", "tags")',
    );
    expect(statements[0].sql).toMatch(/DO UPDATE SET "title" = excluded\."title"$/);
    await expect(
      // @ts-expect-error the key must be written
      upsertRows(db, 's', cases, [{ title: 't' }], { columns: ['title'] }),
    ).rejects.toThrow(/need its key case_id/);
  });

  it('inserts, leaving existing keys alone, and issues nothing for no rows', async () => {
    const { db, statements } = recordingClient();
    await expect(insertRows(db, 's', cases, [])).resolves.toEqual([]);
    await loadRows(db, 's', cases, []);
    await upsertRows(db, 's', cases, []);
    expect(statements).toHaveLength(0);
    await insertRows(db, 's', cases, [row]);
    expect(statements[0].sql).toContain('ON CONFLICT ("case_id", "version") DO NOTHING RETURNING');
  });

  it('loads by whole keys', async () => {
    const { db, statements } = recordingClient();
    await loadRows(db, 's', cases, [{ case_id: 'c-1', version: 1 }]);
    expect(statements[0].sql).toContain(
      'WHERE (t."case_id", t."version") IN (SELECT "case_id", "version" FROM (SELECT u."case_id" AS "case_id", u."version" AS "version" FROM unnest($1::text[], $2::integer[])',
    );
    expect(statements[0].params).toEqual([['c-1'], [1]]);
  });

  it('updates by any columns, setting or adding, and skips rows left unchanged', async () => {
    const { db, statements } = recordingClient();
    await updateRows(db, 's', cases, [{ case_id: 'c-1', tags: ['x'], views: 2 }], {
      match: ['case_id'],
      set: ['tags'],
      add: ['views'],
    });
    const [{ sql, params }] = statements;
    expect(sql).toContain(
      'UPDATE "s"."cases" t SET "tags" = r."tags", "views" = t."views" + r."views"',
    );
    expect(sql).toContain(
      'WHERE t."case_id" = r."case_id" AND (t."tags" IS DISTINCT FROM r."tags" OR r."views" <> 0)',
    );
    expect(params).toEqual([['c-1'], ['["x"]'], [2]]);
    await expect(
      // @ts-expect-error only number columns can be added to
      updateRows(db, 's', cases, [{ case_id: 'c-1', title: 'x' }], {
        match: ['case_id'],
        add: ['title'],
      }),
    ).resolves.toBe(0);
    await expect(updateRows(db, 's', cases, [], { match: ['case_id'] })).rejects.toThrow(
      /columns to match and to change/,
    );
  });
});
