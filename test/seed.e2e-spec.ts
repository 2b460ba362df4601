import { CommandBus } from '@nestjs/cqrs';
import { EventStore } from '@soc/event-store';
import { CLOCK } from '@soc/platform';
import { seedThreat } from '../tools/north-east-requests.js';
import {
  COUNTED_ON_INSPECTION_DATE,
  eachLimited,
  INSPECTION_DATE,
  northEastThreats,
  type SeedThreat,
} from '../tools/north-east-threats.js';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from './support/test-app.js';

/** The day the seed is run in this test: the live plans are dated relative to it. */
const TODAY = '2025-06-16';

/**
 * The seed's SOC master list through the command handlers the API runs: the inspection's figures
 * on 10 January 2022, the live plans in the LRO's view, and a second run that appends nothing.
 */
describe('the north-east threats the seed loads (real PostgreSQL)', () => {
  let t: TestApp;
  let commands: CommandBus;
  let store: EventStore;
  let lro: AuthenticatedAgent;
  const threats = northEastThreats(TODAY);

  const seedAll = async (list: readonly SeedThreat[]) => {
    let added = 0;
    let events = 0;
    await eachLimited(list, 8, async (threat) => {
      const result = await seedThreat(commands, store, threat);
      if (result.registered) added++;
      events += result.events;
    });
    return { added, events };
  };

  beforeAll(async () => {
    t = await startTestApp({
      overrides: [{ provide: CLOCK, useValue: { now: () => new Date(`${TODAY}T12:00:00Z`) } }],
    });
    commands = t.app.get(CommandBus);
    store = t.app.get(EventStore);
    lro = await t.as(principal('cleveland-police', ['lro'], 'cleveland-police-lro'));
  });
  afterAll(() => t?.close());

  it('builds the same histories, with the same ids, every time', () => {
    const again = northEastThreats(TODAY);
    expect(again).toEqual(threats);
    expect(new Set(threats.map((x) => x.threatId)).size).toBe(threats.length);
    expect(new Set(threats.map((x) => x.codeName)).size).toBe(threats.length);
    for (const threat of threats) expect(threat.codeName).toMatch(/^OPERATION [A-Z]+$/);
  });

  it('runs every step through the command handlers, then a second run appends nothing', async () => {
    // A run interrupted half-way through one threat is completed by the next.
    const [first] = threats;
    await seedThreat(commands, store, { ...first, steps: first.steps.slice(0, 2) });
    const firstRun = await seedAll(threats);
    expect(firstRun.added).toBe(threats.length - 1);
    expect(firstRun.events).toBe(threats.reduce((sum, x) => sum + x.steps.length, 0) - 2);
    await expect(seedAll(threats)).resolves.toEqual({ added: 0, events: 0 });
    await expect(seedAll(northEastThreats('2025-09-01'))).resolves.toEqual({
      added: 0,
      events: 0,
    });
  });

  it(`counts the inspection's 142 on ${INSPECTION_DATE}`, async () => {
    const analyst = await t.as(principal('cleveland-police', ['analyst']));
    const position = await store.headPosition();
    const { body } = await analyst
      .get(`/threats/counts?asOf=${INSPECTION_DATE}&minPosition=${position}&waitMs=20000`)
      .expect(200);
    expect(body).toEqual({
      asOf: INSPECTION_DATE,
      total: 142,
      byOrganisation: Object.entries(COUNTED_ON_INSPECTION_DATE).map(([organisationId, count]) => ({
        organisationId,
        count,
      })),
    });
    // The decoys registered before the date exist, and are left out.
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT count(DISTINCT threat_id)::int AS n FROM threats.threat_states
        WHERE valid_from < '2022-01-11'`,
    );
    expect(rows[0].n).toBeGreaterThan(142 + 15);
  });

  it('holds five SOC vulnerabilities, all Cleveland’s, each with a place and a Clear, Hold, Build phase', async () => {
    const { rows } = await t.db.pool.query(
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
    const { body: plans } = await lro.get('/views/my-plans').expect(200);
    const byName = Object.fromEntries(plans.map((p: { codeName: string }) => [p.codeName, p]));
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
    expect(
      plans.filter(
        (p: { stale: boolean; quiet: boolean; nextReviewDate: string | null }) =>
          p.stale && p.quiet && p.nextReviewDate === null,
      ),
    ).toHaveLength(1);
  });

  it('opens the plan on a page for its LRO and for a partner it is shared with', async () => {
    const { body: plans } = await lro.get('/views/my-plans').expect(200);
    const kestrel = plans.find((p: { codeName: string }) => p.codeName === 'OPERATION KESTREL');
    const council = await t.as(principal('hartlepool-bc', ['partner-officer']));
    const { body: shared } = await council.get(`/threats/${kestrel.threatId}/plan`).expect(200);
    expect(shared.people.map((p: { name: string }) => p.name)).toEqual([
      'Dean Marrow',
      'Kayleigh Tate',
    ]);
    // A partner sees its own actions only.
    expect(
      shared.actions.map((a: { owner: { organisationId: string } }) => a.owner.organisationId),
    ).toEqual(['hartlepool-bc', 'hartlepool-bc']);
    const { body: plan } = await lro.get(`/threats/${kestrel.threatId}/plan`).expect(200);
    expect(plan.currentAssessment?.moderationStatus).toBe('moderated');
    expect(
      plan.actions.map((a: { category: string; status: string; pastDue: boolean }) => [
        a.category,
        a.status,
        a.pastDue,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['protect', 'agreed', true],
        ['prevent', 'done', false],
        ['pursue', 'in-progress', false],
        ['prepare', 'proposed', false],
      ]),
    );
    const inProgress = plan.actions.find((a: { status: string }) => a.status === 'in-progress');
    expect(inProgress.progress).toHaveLength(2);
  });
});
