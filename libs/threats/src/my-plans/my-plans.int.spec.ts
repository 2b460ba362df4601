import type { GlobalLogSealer } from '@soc/event-store';
import type { AccessContext } from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import {
  as,
  CLEVELAND,
  clevelandLro,
  stranger,
  threatViewsScenario,
} from '../../test/threat-views.scenario.js';
import { GetMyPlansHandler, GetMyPlansQuery } from './my-plans.query.js';

describe('my plans, as the caller (real PostgreSQL, row-level security)', () => {
  let db: TestDatabase;
  let sealer: GlobalLogSealer;
  let scenario: Awaited<ReturnType<typeof threatViewsScenario>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const eventStore = eventStoreFor(db.pool);
    sealer = eventStore.sealer;
    scenario = await threatViewsScenario(db.pool, eventStore.store);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const myPlans = (access: AccessContext) =>
    new GetMyPlansHandler(scenario.views).execute(new GetMyPlansQuery(access, {}));

  it('lists the plans the caller leads, most urgent first, with what stands out', async () => {
    const plans = await myPlans(clevelandLro);
    expect(plans.map((p) => p.codeName)).toEqual([
      'OPERATION <KESTREL>', // review overdue
      'OPERATION PARTNER', // two actions past due
      'OPERATION HIDDEN', // stale and quiet
      'OPERATION CALM', // nothing stands out
    ]);
    const [kestrel, partner, hidden, calm] = plans;
    expect(kestrel).toMatchObject({
      nextReviewDate: '2022-01-01',
      latestScore: 1200,
      trend: 'up',
      stale: false,
      reviewOverdue: true,
      actionsPastDue: 1,
      quiet: false,
      actionsByStatus: { proposed: 0, agreed: 1, 'in-progress': 1, done: 1, cancelled: 0 },
      actionsByOwnerOrganisation: [
        { organisationId: CLEVELAND, total: 1, open: 0, pastDue: 0 },
        { organisationId: 'hartlepool-bc', total: 1, open: 1, pastDue: 1 },
        { organisationId: 'redcar-housing', total: 1, open: 1, pastDue: 0 },
      ],
    });
    expect(partner).toMatchObject({
      ownerOrganisationId: 'nersou',
      tier: 1,
      latestScore: null,
      trend: null,
      reviewOverdue: false,
      actionsPastDue: 2,
      actionsByStatus: { proposed: 3 },
      quiet: false,
    });
    expect(hidden).toMatchObject({ stale: true, quiet: true, trend: 'new', actionsPastDue: 0 });
    expect(calm).toMatchObject({ stale: false, quiet: false, reviewOverdue: false, tier: 4 });
  });

  it('is empty for an LRO of the same organisation who leads none', async () => {
    await expect(myPlans(as(CLEVELAND, ['lro'], 'another-lro'))).resolves.toEqual([]);
  });

  it('is empty for an organisation with no relation to any threat', async () => {
    await expect(myPlans(stranger)).resolves.toEqual([]);
  });
});
