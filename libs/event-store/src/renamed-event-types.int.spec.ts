import { randomUUID } from 'node:crypto';
import {
  defineEvent,
  PlanUpdated,
  ThreatRegistered,
  type ThreatRegisteredV1,
} from '@soc/contracts';
import { appendMetadata, createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import {
  EventStore,
  EventTypeRegistry,
  type GlobalLogSealer,
  IntegrityVerifier,
  InvalidAppendError,
} from './index.js';

/** The threats context's contracts as an older release declared them, before the rename. */
const formerThreatRegistered = defineEvent<Partial<ThreatRegisteredV1>>()(
  'plans.ThreatRegistered',
  1,
);
const formerPlanUpdated = defineEvent<{ threatId: string }>()('plans.PlanUpdated', 1);

/**
 * A database written before the threats context's events were renamed `plans.*` → `threats.*`
 * holds rows under the old names. They stay as stored (their hash covers the name) and are read
 * under the new one.
 */
describe('event types renamed since their events were stored (real PostgreSQL)', () => {
  let db: TestDatabase;
  let sealer: GlobalLogSealer;
  /** Today's store: threats.* names, each with its former plans.* name. */
  let store: EventStore;
  /** The older release's store, which appended under plans.* names. */
  let formerStore: EventStore;
  let verifier: IntegrityVerifier;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    formerStore = new EventStore(
      db.pool,
      new EventTypeRegistry([formerThreatRegistered, formerPlanUpdated]),
      sealer,
    );
    verifier = new IntegrityVerifier(db.pool);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  /** A threat stream with two events appended by the older release, under plans.* names. */
  async function formerHistory(): Promise<{ streamId: string; threatId: string }> {
    const threatId = randomUUID();
    const streamId = `threat:${threatId}`;
    await formerStore.append(
      streamId,
      'no-stream',
      [
        { type: 'plans.ThreatRegistered', data: { threatId, codeName: 'Operation Heron' } },
        { type: 'plans.PlanUpdated', data: { threatId } },
      ],
      appendMetadata(),
    );
    return { streamId, threatId };
  }

  const storedTypes = async (streamId: string) =>
    (
      await db.pool.query<{ event_type: string }>(
        'SELECT event_type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version',
        [streamId],
      )
    ).rows.map((row) => row.event_type);

  it('reads rows stored under a former name as the current type, and they still verify', async () => {
    const { streamId, threatId } = await formerHistory();
    expect(await storedTypes(streamId)).toEqual(['plans.ThreatRegistered', 'plans.PlanUpdated']);

    const events = await store.readStream(streamId);
    expect(events.map((e) => e.type)).toEqual([ThreatRegistered.type, PlanUpdated.type]);
    expect(events.map((e) => e.type)).toEqual(['threats.ThreatRegistered', 'threats.PlanUpdated']);
    expect(events[0].data).toEqual({ threatId, codeName: 'Operation Heron' });

    const logged = (await store.readAll({ after: 0, limit: 10_000 })).filter(
      (e) => e.streamId === streamId,
    );
    expect(logged.map((e) => e.type)).toEqual([ThreatRegistered.type, PlanUpdated.type]);
    expect(logged.every((e) => e.globalPosition !== null)).toBe(true);

    await expect(verifier.verifyStream(streamId)).resolves.toEqual({ ok: true, checked: 2 });
    await expect(verifier.verifyLog()).resolves.toMatchObject({ ok: true });
  });

  it('continues a stream stored under former names with current names, one intact chain', async () => {
    const { streamId, threatId } = await formerHistory();
    const loaded = await store.readStream(streamId);
    await store.append(
      streamId,
      2,
      [{ type: PlanUpdated.type, data: { threatId, criminalActivity: 'supply' } }],
      appendMetadata(),
    );
    expect(await storedTypes(streamId)).toEqual([
      'plans.ThreatRegistered',
      'plans.PlanUpdated',
      'threats.PlanUpdated',
    ]);
    const events = await store.readStream(streamId);
    expect(events.map((e) => e.type)).toEqual([
      'threats.ThreatRegistered',
      'threats.PlanUpdated',
      'threats.PlanUpdated',
    ]);
    expect(events[2].previousHash).toBe(loaded[1].hash);
    await expect(verifier.verifyStream(streamId)).resolves.toEqual({ ok: true, checked: 3 });
    await expect(verifier.verifyLog()).resolves.toMatchObject({ ok: true });
  });

  it('refuses to append under a former name, like any undeclared type', async () => {
    const streamId = `threat:${randomUUID()}`;
    await expect(
      store.append(
        streamId,
        'no-stream',
        [{ type: 'plans.ThreatRegistered', data: { threatId: 'x' } }],
        appendMetadata(),
      ),
    ).rejects.toThrow(InvalidAppendError);
    await expect(store.currentVersion(streamId)).resolves.toBe(0);
  });
});
