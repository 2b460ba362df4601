import { isoDate } from '@soc/platform';
import { requestFor } from '../tools/north-east-requests.js';
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

const threats = northEastThreats(isoDate(new Date()));

/** The first date a step of `kind` happened on, in a threat's history. */
const firstDateOf = (threat: SeedThreat, kind: string) =>
  threat.steps.find((step) => step.command.kind === kind)?.at.slice(0, 10) ?? null;

/**
 * The north-east's history entered through the HTTP API alone, as a user or an import from the
 * national database would enter it: each fact dated when it happened. The "as of" counts then
 * give the inspection's figures, though many threats were moderated or closed only afterwards.
 */
describe('the north-east history loaded over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  const agents = new Map<string, Promise<AuthenticatedAgent>>();
  const agentFor = (actor: SeedThreat['steps'][number]['actor']) => {
    if (!agents.has(actor.personId)) {
      agents.set(actor.personId, t.as(actor, 'loading the history of the region'));
    }
    return agents.get(actor.personId)!;
  };

  beforeAll(async () => {
    // A bulk load, not what the per-principal limit guards against: the limit would pace it.
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST_PER_SECOND: '100000' },
    });
  });
  afterAll(() => t?.close());

  it('covers threats moderated only after the inspection date and closed only after it', () => {
    const after = (date: string | null) => date !== null && date > INSPECTION_DATE;
    const registeredBefore = threats.filter((x) => firstDateOf(x, 'register')! <= INSPECTION_DATE);
    expect(
      registeredBefore.filter((x) => after(firstDateOf(x, 'moderate-assessment'))).length,
    ).toBeGreaterThan(0);
    expect(registeredBefore.filter((x) => after(firstDateOf(x, 'close'))).length).toBeGreaterThan(
      0,
    );
  });

  it(`gives the inspection's counts as of ${INSPECTION_DATE}`, async () => {
    let lastPosition = 0;
    await eachLimited(threats, 8, async (threat) => {
      // The API gives new records their ids: later steps use those, not the seed's.
      const ids = new Map<string, string>();
      for (const step of threat.steps) {
        const { method, path, body } = requestFor(threat.threatId, step);
        const agent = await agentFor(step.actor);
        const url = [...ids].reduce((text, [seeded, given]) => text.replace(seeded, given), path);
        const response = await agent[method](url).send(body);
        if (response.status >= 300) {
          throw new Error(
            `${threat.codeName} ${step.command.kind} on ${step.at}: ${response.status} ${JSON.stringify(response.body)}`,
          );
        }
        lastPosition = Math.max(lastPosition, response.body.globalPosition ?? 0);
        const seeded: Record<string, unknown> = { ...step.command, threatId: threat.threatId };
        for (const key of ['threatId', 'assessmentId', 'actionId'] as const) {
          if (typeof response.body[key] === 'string')
            ids.set(String(seeded[key]), response.body[key]);
        }
      }
    });

    const analyst = await t.as(principal('nersou', ['analyst']));
    const asOf = (date: string) =>
      analyst.get(`/threats/counts?asOf=${date}&minPosition=${lastPosition}&waitMs=20000`);
    const { body } = await asOf(INSPECTION_DATE).expect(200);
    expect(body).toEqual({
      asOf: INSPECTION_DATE,
      total: 142,
      byOrganisation: Object.entries(COUNTED_ON_INSPECTION_DATE).map(([organisationId, count]) => ({
        organisationId,
        count,
      })),
    });
    // Business time moved on after the inspection: the same log counts differently later.
    const { body: later } = await asOf('2022-06-30').expect(200);
    expect(later.total).not.toBe(142);
  });
});
