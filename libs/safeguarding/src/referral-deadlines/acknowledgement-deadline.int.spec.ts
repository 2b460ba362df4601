import { CLOCK, type Clock } from '@soc/platform';
import type { AuthenticatedAgent } from '../../../../test/support/test-app.js';
import { referralsHarness } from '../../test/referral-commands.setup.js';
import { OVERDUE_REFERRALS_METRIC } from './overdue-referrals.metrics.js';

const HOUR = 3_600_000;
/** Five days ago, to the second: every moment the tests move the clock to stays in the past. */
const T = Math.floor((Date.now() - 5 * 24 * HOUR) / 1000) * 1000 + 120;
const iso = (ms: number) => new Date(ms).toISOString();

interface ListedReferral {
  referralId: string;
  status: string;
  acknowledgementDue: string;
  overdue: boolean;
}

describe('acknowledgement deadlines over HTTP (real PostgreSQL, injected clock)', () => {
  let now = T;
  const clock: Clock = { now: () => new Date(now) };
  const { t, as, threatId, ...harness } = referralsHarness([{ provide: CLOCK, useValue: clock }]);
  let position = 0;

  const raise = async (urgency: string, at: number) => {
    now = at;
    const raised = await harness.raise({ urgency });
    position = Math.max(position, raised.position);
    return raised.referralId;
  };

  const answer = async (caller: 'officer' | 'receiver', path: string, body: object = {}) => {
    position = Math.max(position, await harness.step(caller, path, body));
  };

  /** Each list at the clock's present, as `referralId -> what it says`, and the inbox's order. */
  const lists = async () => {
    const read = async (agent: AuthenticatedAgent, path: string) => {
      const { body } = await agent.get(path).query({ minPosition: position }).expect(200);
      return body.referrals as ListedReferral[];
    };
    const inbox = await read(as.receiver, '/views/referrals/inbox');
    const byId = (items: ListedReferral[]) => new Map(items.map((r) => [r.referralId, r]));
    const detail = async (referralId: string) =>
      (
        await as.threatLro
          .get(`/referrals/${referralId}`)
          .query({ minPosition: position })
          .expect(200)
      ).body as ListedReferral;
    return {
      detail,
      order: inbox.map((r) => r.referralId),
      inbox: byId(inbox),
      sent: byId(await read(as.officer, '/views/referrals/sent')),
      threat: byId(await read(as.threatLro, `/views/referrals/threats/${threatId()}`)),
    };
  };

  /** The gauge's value per urgency, read from the text /metrics serves. */
  const overdueMetric = async () => {
    const { text } = await t().http().get('/metrics').expect(200);
    const samples = [
      ...text.matchAll(
        new RegExp(`^${OVERDUE_REFERRALS_METRIC}\\{urgency="(\\w+)"\\} (\\d+)$`, 'gm'),
      ),
    ];
    return Object.fromEntries(samples.map(([, urgency, n]) => [urgency, Number(n)]));
  };

  it('flags an immediate referral overdue at raised + 4 hours exactly, everywhere, until acknowledged', async () => {
    const late = await raise('immediate', T);
    const fresh = await raise('immediate', T + 3 * HOUR);
    const due = iso(T + 4 * HOUR);

    now = T + 4 * HOUR - 1;
    const before = await lists();
    for (const view of [before.inbox, before.sent, before.threat]) {
      expect(view.get(late)).toMatchObject({ acknowledgementDue: due, overdue: false });
      expect(view.get(fresh)).toMatchObject({
        acknowledgementDue: iso(T + 7 * HOUR),
        overdue: false,
      });
    }
    expect(before.order).toEqual([fresh, late]);
    expect(await before.detail(late)).toMatchObject({ acknowledgementDue: due, overdue: false });
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 0, standard: 0 });

    now = T + 4 * HOUR;
    const at = await lists();
    for (const view of [at.inbox, at.sent, at.threat]) {
      expect(view.get(late)).toMatchObject({ acknowledgementDue: due, overdue: true });
      expect(view.get(fresh)).toMatchObject({ overdue: false });
    }
    expect(at.order).toEqual([late, fresh]);
    expect(await at.detail(late)).toMatchObject({ acknowledgementDue: due, overdue: true });
    const metrics = await t().http().get('/metrics').expect(200);
    expect(metrics.text).toContain(`# TYPE ${OVERDUE_REFERRALS_METRIC} gauge`);
    expect(metrics.text).toContain(`${OVERDUE_REFERRALS_METRIC}{urgency="immediate"} 1`);
    expect(metrics.text).not.toMatch(new RegExp(`${OVERDUE_REFERRALS_METRIC}\\{[^}]*organisation`));

    await answer('receiver', `/referrals/${late}/acknowledgement`);
    const acknowledged = await lists();
    for (const view of [acknowledged.inbox, acknowledged.sent, acknowledged.threat]) {
      expect(view.get(late)).toMatchObject({
        status: 'acknowledged',
        acknowledgementDue: due,
        overdue: false,
      });
    }
    expect(acknowledged.order).toEqual([fresh, late]);
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 0, standard: 0 });
    await answer('receiver', `/referrals/${fresh}/acknowledgement`);
  });

  it('gives urgent referrals 24 hours and standard ones 72, counted apart; a withdrawal clears it', async () => {
    const T2 = T + 5 * HOUR;
    const urgent = await raise('urgent', T2);
    const standard = await raise('standard', T2);

    now = T2 + 24 * HOUR - 1;
    expect((await lists()).inbox.get(urgent)).toMatchObject({
      acknowledgementDue: iso(T2 + 24 * HOUR),
      overdue: false,
    });
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 0, standard: 0 });

    now = T2 + 24 * HOUR;
    const urgentDue = await lists();
    expect(urgentDue.inbox.get(urgent)?.overdue).toBe(true);
    expect(urgentDue.inbox.get(standard)).toMatchObject({
      acknowledgementDue: iso(T2 + 72 * HOUR),
      overdue: false,
    });
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 1, standard: 0 });

    now = T2 + 72 * HOUR;
    const bothDue = await lists();
    expect(bothDue.order.slice(0, 2)).toEqual([urgent, standard]);
    expect(bothDue.inbox.get(standard)?.overdue).toBe(true);
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 1, standard: 1 });

    await answer('officer', `/referrals/${standard}/withdrawal`, {
      reason: 'raised-in-error',
      explanation: 'Meant for the neighbouring authority',
    });
    expect((await lists()).sent.get(standard)).toMatchObject({
      status: 'withdrawn',
      overdue: false,
    });
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 1, standard: 0 });
  });
});
