import { randomBytes } from 'node:crypto';
import type { EventStore, GlobalLogSealer } from '@soc/event-store';
import { type DeliveryRuntime, rebuildProjection } from '@soc/messaging';
import {
  type AccessContext,
  PersonalDataAccessLog,
  PersonalDataCipher,
  type Role,
  ScopedReader,
  SubjectKeyStore,
} from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import { DEFAULT_THREAT_VIEW_SETTINGS, threatsProjection } from '@soc/threats';
// The views' query service, read without an HTTP stack: not part of the context's public surface.
// eslint-disable-next-line boundaries/dependencies
import { ThreatReads } from '../libs/threats/src/threat-views/threat-reads.js';
import {
  COUNTED_ON_INSPECTION_DATE,
  eachLimited,
  INSPECTION_DATE,
  northEastThreats,
  type SeedThreat,
  seedThreat,
  type ThreatSeeder,
} from '../tools/north-east-threats.js';

/** The day the seed is run in this test: the live plans are dated relative to it. */
const TODAY = '2025-06-16';

const as = (personId: string, organisationId: string, roles: Role[]): AccessContext => ({
  principal: { personId, organisationId, roles },
  purpose: 'checking the seed',
  requestId: null,
});

/**
 * The seed's SOC master list through the real decider, event store and projection: the
 * inspection's figures on 10 January 2022, the live plans in the LRO's view, and a second run
 * that appends nothing.
 */
describe('the north-east threats the seed loads (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let seeder: ThreatSeeder;
  let reads: ThreatReads;
  const threats = northEastThreats(TODAY);

  const seedAll = async (list: readonly SeedThreat[]) => {
    let added = 0;
    let events = 0;
    await eachLimited(list, 8, async (threat) => {
      const result = await seedThreat(seeder, threat);
      if (result.registered) added++;
      events += result.events;
    });
    while ((await sealer.measureLag()).unsealed > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { added, events };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    const keys = new SubjectKeyStore(db.pool, randomBytes(32));
    const cipher = new PersonalDataCipher(keys);
    seeder = { store, cipher, accessLog: new PersonalDataAccessLog(db.pool), pool: db.pool };
    reads = new ThreatReads(
      new ScopedReader(db.pool, new PersonalDataAccessLog(db.pool)),
      cipher,
      {} as DeliveryRuntime,
      { now: () => new Date(`${TODAY}T12:00:00Z`) },
      DEFAULT_THREAT_VIEW_SETTINGS,
    );
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  it('builds the same histories, with the same ids, every time', () => {
    const again = northEastThreats(TODAY);
    expect(again).toEqual(threats);
    expect(new Set(threats.map((t) => t.threatId)).size).toBe(threats.length);
    expect(new Set(threats.map((t) => t.codeName)).size).toBe(threats.length);
    for (const threat of threats) expect(threat.codeName).toMatch(/^OPERATION [A-Z]+$/);
  });

  it('appends every threat through the decider, then a second run appends nothing', async () => {
    // A run interrupted half-way through one threat is completed by the next.
    const [first] = threats;
    await seedThreat(seeder, { ...first, steps: first.steps.slice(0, 2) });
    const firstRun = await seedAll(threats);
    expect(firstRun.added).toBe(threats.length - 1);
    expect(firstRun.events).toBe(threats.reduce((sum, t) => sum + t.steps.length, 0) - 2);
    await expect(seedAll(threats)).resolves.toEqual({ added: 0, events: 0 });
    await expect(seedAll(northEastThreats('2025-09-01'))).resolves.toEqual({
      added: 0,
      events: 0,
    });
    await rebuildProjection(db.pool, store, threatsProjection, { batchSize: 500 });
  });

  it(`counts the inspection's 142 on ${INSPECTION_DATE}`, async () => {
    const analyst = as('cleveland-police-analyst', 'cleveland-police', ['analyst']);
    await expect(reads.counts(analyst, {}, INSPECTION_DATE)).resolves.toEqual({
      asOf: INSPECTION_DATE,
      total: 142,
      byOrganisation: Object.entries(COUNTED_ON_INSPECTION_DATE).map(([organisationId, count]) => ({
        organisationId,
        count,
      })),
    });
    // The decoys registered before the date exist, and are left out.
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(DISTINCT threat_id)::int AS n FROM threats.threat_states
        WHERE valid_from < '2022-01-11'`,
    );
    expect(rows[0].n).toBeGreaterThan(142 + 15);
  });

  it('holds five SOC vulnerabilities, all Cleveland’s, each with a place and a Clear, Hold, Build phase', async () => {
    const { rows } = await db.pool.query(
      `SELECT owner_organisation_id, place, clear_hold_build_phase FROM threats.threats
        WHERE kind = 'soc-vulnerability'`,
    );
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.owner_organisation_id).toBe('cleveland-police');
      expect(row.place).toEqual(expect.any(String));
      expect(['clear', 'hold', 'build']).toContain(row.clear_hold_build_phase);
    }
  });

  it('gives the Cleveland LRO live plans that stand out in their view', async () => {
    const lro = as('cleveland-police-lro', 'cleveland-police', ['lro']);
    const plans = await reads.myPlans(lro, {});
    const byName = Object.fromEntries(plans.map((p) => [p.codeName, p]));
    expect(plans[0].codeName).toBe('OPERATION KESTREL');
    expect(byName['OPERATION KESTREL']).toMatchObject({
      reviewOverdue: true,
      actionsPastDue: 1,
      stale: false,
      quiet: false,
      trend: expect.stringMatching(/up|down|same/),
      actionsByStatus: { proposed: 1, agreed: 1, 'in-progress': 1, done: 1, cancelled: 0 },
    });
    expect(byName['OPERATION CURLEW']).toMatchObject({
      reviewOverdue: false,
      actionsPastDue: 1,
      stale: true,
      quiet: true,
    });
    // And a legacy threat from 2021 nobody has refreshed: stale and quiet.
    expect(plans.filter((p) => p.stale && p.quiet && p.nextReviewDate === null)).toHaveLength(1);
  });

  it('opens the plan on a page for its LRO and for a partner it is shared with', async () => {
    const lro = as('cleveland-police-lro', 'cleveland-police', ['lro']);
    const kestrel = (await reads.myPlans(lro, {})).find((p) => p.codeName === 'OPERATION KESTREL')!;
    const council = as('hartlepool-bc-partner-officer', 'hartlepool-bc', ['partner-officer']);
    const shared = await reads.plan(council, {}, kestrel.threatId);
    expect(shared.people.map((p) => p.name)).toEqual(['Dean Marrow', 'Kayleigh Tate']);
    // A partner sees its own actions only.
    expect(shared.actions.map((a) => a.owner.organisationId)).toEqual([
      'hartlepool-bc',
      'hartlepool-bc',
    ]);
    const plan = await reads.plan(lro, {}, kestrel.threatId);
    expect(plan.currentAssessment?.moderationStatus).toBe('moderated');
    expect(plan.actions.map((a) => [a.category, a.status, a.pastDue])).toEqual(
      expect.arrayContaining([
        ['protect', 'agreed', true],
        ['prevent', 'done', false],
        ['pursue', 'in-progress', false],
        ['prepare', 'proposed', false],
      ]),
    );
    const inProgress = plan.actions.find((a) => a.status === 'in-progress')!;
    expect(inProgress.progress).toHaveLength(2);
  });
});
