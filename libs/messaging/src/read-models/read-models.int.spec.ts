import { createTestDatabase, type TestDatabase } from '@soc/testing';
import type { PoolClient } from 'pg';
import { createGeneration } from '../projections/generations.js';
import {
  column,
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
    owner_organisation_id: column.text(),
    tags: column.textArray(),
    aliases: column.textArray().orNull(),
    details: column.jsonb<{ score: number; notes: string[] }>().orNull(),
    score: column.numeric().orNull(),
    opened_on: column.date(),
    closed_at: column.timestamptz().orNull(),
    open: column.boolean(),
    views: column.integer().default('0'),
    global_position: column.bigint(),
  },
  primaryKey: ['case_id', 'version'],
  indexes: [['owner_organisation_id', 'opened_on DESC']],
  readPolicy: `owner_organisation_id = security.caller_organisation()`,
  fillfactor: 70,
});

type CaseRow = RowOf<typeof cases>;

const casework = defineProjection({
  name: 'casework',
  handles: [],
  tables: [cases],
  apply: async () => undefined,
});

const kestrel: CaseRow = {
  case_id: 'kestrel',
  version: 1,
  owner_organisation_id: 'cleveland-police',
  tags: ['drugs', 'county lines, "deal line"', 'back\\slash', '{braces}', 'NULL', 'two\nlines\t🦅'],
  aliases: null,
  details: { score: 3, notes: ['first', 'second'] },
  score: 1234.5,
  opened_on: '2021-06-01',
  closed_at: '2021-07-01T09:30:00+01:00',
  open: true,
  views: 0,
  global_position: 2 ** 40,
};

const heron: CaseRow = {
  ...kestrel,
  case_id: 'heron',
  owner_organisation_id: 'durham-constabulary',
  tags: [],
  aliases: ['grey heron'],
  details: null,
  score: null,
  closed_at: null,
  open: false,
  global_position: 7,
};

describe('read-model kit (real PostgreSQL)', () => {
  let db: TestDatabase;
  let client: PoolClient;
  let schema: string;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    client = await db.pool.connect();
    ({ schema } = await createGeneration(client, casework, 1));
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('creates the table as declared: types, NOT NULL, defaults, key and storage', async () => {
    const { rows } = await client.query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
    }>(
      `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'cases' ORDER BY ordinal_position`,
      [schema],
    );
    expect(rows.map((r) => r.column_name)).toEqual(Object.keys(cases.columns));
    const byName = Object.fromEntries(rows.map((r) => [r.column_name, r]));
    expect(byName.tags).toMatchObject({ data_type: 'ARRAY', is_nullable: 'NO' });
    expect(byName.details).toMatchObject({ data_type: 'jsonb', is_nullable: 'YES' });
    expect(byName.closed_at).toMatchObject({ data_type: 'timestamp with time zone' });
    expect(byName.views).toMatchObject({ column_default: '0', is_nullable: 'NO' });
    const { rows: storage } = await client.query<{ reloptions: string[] }>(
      `SELECT reloptions FROM pg_class WHERE oid = $1::regclass`,
      [`"${schema}".cases`],
    );
    expect(storage[0].reloptions).toEqual(['fillfactor=70']);
  });

  it('creates the key, the secondary indexes and the read policy', async () => {
    const { rows: indexes } = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'cases'
        ORDER BY indexname`,
      [schema],
    );
    const definitions = indexes.map((i) => i.indexdef).join('\n');
    expect(definitions).toMatch(/UNIQUE INDEX cases_pkey .*\(case_id, version\)/);
    expect(definitions).toMatch(/\(owner_organisation_id, opened_on DESC\)/);
    const { rows: policies } = await client.query<{ policyname: string; qual: string }>(
      `SELECT policyname, qual FROM pg_policies WHERE schemaname = $1 AND tablename = 'cases'`,
      [schema],
    );
    expect(policies).toEqual([
      {
        policyname: 'read_scope',
        qual: expect.stringContaining('security.caller_organisation()'),
      },
    ]);
  });

  it('leaves the secondary indexes to a rebuild when it defers them', async () => {
    const next = await createGeneration(client, casework, 2, { deferIndexes: true });
    const count = async () =>
      (await client.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1`, [next.schema]))
        .rowCount;
    expect(await count()).toBe(1);
    await casework.createIndexes!(client, next.schema);
    expect(await count()).toBe(2);
  });

  it('upserts rows and loads them back as written: nulls, arrays, jsonb, dates, timestamps', async () => {
    await upsertRows(client, schema, cases, [kestrel, heron]);
    const loaded = await loadRows(client, schema, cases, [
      { case_id: 'kestrel', version: 1 },
      { case_id: 'heron', version: 1 },
      { case_id: 'heron', version: 2 },
    ]);
    const byId = Object.fromEntries(loaded.map((r) => [r.case_id, r]));
    expect(loaded).toHaveLength(2);
    expect(byId.kestrel).toEqual({ ...kestrel, closed_at: '2021-07-01T08:30:00.000Z' });
    expect(byId.heron).toEqual(heron);
  });

  it('replaces the columns of existing rows, or only those asked for', async () => {
    await upsertRows(client, schema, cases, [{ ...heron, tags: ['reopened'], open: true }]);
    await upsertRows(client, schema, cases, [{ ...kestrel, score: null, open: false }], {
      update: ['score'],
    });
    const [heronNow, kestrelNow] = await loadRows(client, schema, cases, [
      { case_id: 'heron', version: 1 },
      { case_id: 'kestrel', version: 1 },
    ]).then((rows) => rows.sort((a, b) => a.case_id.localeCompare(b.case_id)));
    expect(heronNow).toMatchObject({ tags: ['reopened'], open: true });
    expect(kestrelNow).toMatchObject({ score: null, open: true, tags: kestrel.tags });
  });

  it('inserts only rows whose key is new, keeping the default of columns left out', async () => {
    const inserted = await insertRows(client, schema, cases, [
      { ...kestrel, owner_organisation_id: 'someone-else' },
      { ...kestrel, version: 2, closed_at: '2021-08-01T00:00:00Z' },
      { ...kestrel, version: 2, tags: ['a duplicate in the batch'] },
    ]);
    expect(inserted.map((r) => [r.version, r.tags])).toEqual([[2, kestrel.tags]]);
    const [first] = await loadRows(client, schema, cases, [{ case_id: 'kestrel', version: 1 }]);
    expect(first.owner_organisation_id).toBe('cleveland-police');
    const { views: _views, ...withoutViews } = heron;
    await insertRows(client, schema, cases, [{ ...withoutViews, version: 3 }], {
      columns: Object.keys(withoutViews) as (keyof typeof withoutViews)[],
    });
    const [third] = await loadRows(client, schema, cases, [{ case_id: 'heron', version: 3 }]);
    expect(third.views).toBe(0);
  });

  it('updates rows matching other columns than the key, rewriting only those that change', async () => {
    const moved = await updateRows(
      client,
      schema,
      cases,
      [{ case_id: 'kestrel', owner_organisation_id: 'nersou', aliases: ['osprey'] }],
      { match: ['case_id'], set: ['owner_organisation_id', 'aliases'] },
    );
    expect(moved).toBe(2);
    const again = await updateRows(
      client,
      schema,
      cases,
      [{ case_id: 'kestrel', owner_organisation_id: 'nersou', aliases: ['osprey'] }],
      { match: ['case_id'], set: ['owner_organisation_id', 'aliases'] },
    );
    expect(again).toBe(0);
    await updateRows(
      client,
      schema,
      cases,
      [
        { case_id: 'heron', version: 1, views: 2, closed_at: '2022-01-01T12:00:00+02:00' },
        { case_id: 'heron', version: 3, views: 5, closed_at: null },
      ],
      { match: ['case_id', 'version'], set: ['closed_at'], add: ['views'] },
    );
    const rows = await loadRows(client, schema, cases, [
      { case_id: 'kestrel', version: 2 },
      { case_id: 'heron', version: 1 },
      { case_id: 'heron', version: 3 },
    ]);
    const summary = rows
      .map((r) => [r.case_id, r.version, r.owner_organisation_id, r.aliases, r.views, r.closed_at])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
    expect(summary).toEqual([
      ['heron', 1, 'durham-constabulary', ['grey heron'], 2, '2022-01-01T10:00:00.000Z'],
      ['heron', 3, 'durham-constabulary', ['grey heron'], 5, null],
      ['kestrel', 2, 'nersou', ['osprey'], 0, '2021-08-01T00:00:00.000Z'],
    ]);
  });

  it('adds to counters on upsert, whichever of two concurrent writers creates the row', async () => {
    const other = await db.pool.connect();
    const osprey = { ...heron, case_id: 'osprey', views: 2 };
    try {
      await client.query('BEGIN');
      await other.query('BEGIN');
      await upsertRows(client, schema, cases, [osprey], { add: ['views'] });
      // The second writer waits on the first's new key, then adds to the row it committed.
      const second = upsertRows(other, schema, cases, [{ ...osprey, views: 3 }], {
        add: ['views'],
      });
      await client.query('COMMIT');
      await second;
      await other.query('COMMIT');
    } finally {
      other.release();
    }
    const [row] = await loadRows(client, schema, cases, [{ case_id: 'osprey', version: 1 }]);
    expect(row.views).toBe(5);
  });
});
