import {
  allEventContracts,
  OrganisationRegistered,
  type OrganisationRegisteredV1,
} from '@soc/contracts';
import { type EventStore, EventTypeRegistry, type GlobalLogSealer } from '@soc/event-store';
import {
  createTestDatabase,
  eventStoreFor,
  registerOrganisations,
  type TestDatabase,
} from '@soc/testing';
import {
  column,
  defineProjection,
  defineTable,
  DeliveryRuntime,
  ensureProjection,
  type Projection,
  rebuildIfReshaped,
  upsertRows,
} from '../index.js';

/** A projection of organisation names; `withKind` is the change of shape a deployment brings. */
function names(options: { withKind?: boolean; version?: number } = {}): Projection {
  const table = defineTable('names', {
    columns: {
      organisation_id: column.text(),
      name: column.text(),
      ...(options.withKind ? { kind: column.text().orNull() } : {}),
    },
    primaryKey: ['organisation_id'],
    readPolicy: 'true',
  });
  return defineProjection({
    name: 'reshaped_names',
    handles: [OrganisationRegistered.type],
    tables: [table],
    version: options.version,
    async apply(db, schema, events) {
      const rows = events.map((e) => {
        const data = e.data as OrganisationRegisteredV1;
        return {
          organisation_id: data.organisationId,
          name: data.name,
          ...(options.withKind ? { kind: data.kind } : {}),
        };
      });
      await upsertRows(db, schema, table, rows);
    },
  });
}

describe('projections rebuilt when their shape changes (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    await registerOrganisations(store, ['alpha', 'bravo', 'charlie']);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const active = async () =>
    (
      await db.pool.query<{ generation: number }>(
        `SELECT generation FROM delivery.projection_generations
          WHERE projection = 'reshaped_names' AND status = 'active'`,
      )
    ).rows.map((r) => r.generation);

  it('keeps a generation built by the same shape, and rebuilds one built by another', async () => {
    const first = names();
    await ensureProjection(db.pool, first);
    await expect(rebuildIfReshaped(db.pool, store, first)).resolves.toBeNull();
    expect(await active()).toEqual([1]);

    const withKind = names({ withKind: true });
    expect(withKind.fingerprint).not.toEqual(first.fingerprint);
    const rebuilt = await rebuildIfReshaped(db.pool, store, withKind);
    expect(rebuilt).toMatchObject({ generation: 2 });
    expect(await active()).toEqual([2]);
    const { rows } = await db.pool.query(
      'SELECT name, kind FROM reshaped_names.names ORDER BY name',
    );
    expect(rows.map((r) => r.kind)).toHaveLength(3);
    expect(rows.every((r) => typeof r.kind === 'string')).toBe(true);
    await expect(rebuildIfReshaped(db.pool, store, withKind)).resolves.toBeNull();
  });

  it('rebuilds when the folding rules change version with the tables as they were', async () => {
    const before = await active();
    const refolded = names({ withKind: true, version: 2 });
    await expect(rebuildIfReshaped(db.pool, store, refolded)).resolves.not.toBeNull();
    expect(await active()).toEqual([before[0] + 1]);
  });

  it('rebuilds once a generation from before fingerprints, however many instances start', async () => {
    await db.pool.query(
      `UPDATE delivery.projection_generations SET fingerprint = NULL
        WHERE projection = 'reshaped_names' AND status = 'active'`,
    );
    const before = await active();
    const current = names({ withKind: true, version: 2 });
    const results = await Promise.all([
      rebuildIfReshaped(db.pool, store, current),
      rebuildIfReshaped(db.pool, store, current),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await active()).toEqual([before[0] + 1]);
  });

  it('rebuilds a reshaped projection when delivery starts, before it feeds it', async () => {
    const before = await active();
    const reshaped = names({ withKind: true, version: 4 });
    const registry = new EventTypeRegistry(allEventContracts);
    const delivery = new DeliveryRuntime(
      { projections: [reshaped], pool: db.pool },
      store,
      registry,
    );
    await delivery.onApplicationBootstrap();
    try {
      expect(await active()).toEqual([before[0] + 1]);
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM reshaped_names.names');
      expect(rows[0].n).toBe(3);
    } finally {
      await delivery.beforeApplicationShutdown();
    }
  });

  it('leaves alone a projection that declares no fingerprint', async () => {
    const { fingerprint: _, ...unfingerprinted } = names({ withKind: true, version: 3 });
    await expect(rebuildIfReshaped(db.pool, store, unfingerprinted)).resolves.toBeNull();
  });
});
