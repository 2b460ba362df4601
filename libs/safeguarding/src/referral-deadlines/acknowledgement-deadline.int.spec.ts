import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '@soc/platform';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from '../../../../test/support/test-app.js';
import { SUBJECT } from '../../test/referral-commands.setup.js';
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
  let t: TestApp;
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    childrens: `hartlepool-cs-${run}`,
    rocu: `nerocu-${run}`,
  };
  const officerRef = { personId: `cleveland-so-${run}`, organisationId: org.cleveland };
  const callers = {
    officer: principal(org.cleveland, ['safeguarding-officer'], officerRef.personId),
    receiver: principal(org.childrens, ['safeguarding-officer']),
    threatLro: principal(org.rocu, ['lro'], `rocu-lro-${run}`),
    threatAnalyst: principal(org.rocu, ['analyst']),
  };
  const as = {} as Record<keyof typeof callers, AuthenticatedAgent>;
  let threatId = '';
  let position = 0;

  beforeAll(async () => {
    t = await startTestApp({ overrides: [{ provide: CLOCK, useValue: clock }] });
    for (const [name, caller] of Object.entries(callers)) {
      as[name as keyof typeof callers] = await t.as(caller);
    }
    const { body } = await as.threatAnalyst
      .post('/threats')
      .send({
        ownerOrganisationId: org.rocu,
        kind: 'ocg',
        codeName: 'OPERATION LANTERN',
        summary: 'County line running from Teesside into Hartlepool',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: { personId: callers.threatLro.personId, organisationId: org.rocu },
        marking: 'OFFICIAL',
        signposting: false,
      })
      .expect(201);
    threatId = body.threatId as string;
  });
  afterAll(() => t?.close());

  const raise = async (urgency: string, at: number) => {
    now = at;
    const { body } = await as.officer
      .post('/referrals')
      .send({
        referrer: officerRef,
        receivingOrganisationId: org.childrens,
        threatId,
        subject: SUBJECT,
        concerns: ['county-lines'],
        account: 'Seen carrying packages for the line after school',
        urgency,
        lawfulBasis: 'children-act-2004-s11',
      })
      .expect(201);
    position = Math.max(position, body.globalPosition as number);
    return body.referralId as string;
  };

  const answer = async (caller: keyof typeof callers, path: string, body: object = {}) => {
    const { body: result } = await as[caller].post(path).send(body).expect(200);
    position = Math.max(position, result.globalPosition as number);
  };

  /** Each list at the clock's present, as `referralId -> what it says`, and the inbox's order. */
  const lists = async () => {
    const read = async (agent: AuthenticatedAgent, path: string) => {
      const { body } = await agent.get(path).query({ minPosition: position }).expect(200);
      return body.referrals as ListedReferral[];
    };
    const inbox = await read(as.receiver, '/views/referrals/inbox');
    const byId = (items: ListedReferral[]) => new Map(items.map((r) => [r.referralId, r]));
    return {
      order: inbox.map((r) => r.referralId),
      inbox: byId(inbox),
      sent: byId(await read(as.officer, '/views/referrals/sent')),
      threat: byId(await read(as.threatLro, `/views/referrals/threats/${threatId}`)),
    };
  };

  /** The gauge's value per urgency, read from the text /metrics serves. */
  const overdueMetric = async () => {
    const { text } = await t.http().get('/metrics').expect(200);
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
    expect(await overdueMetric()).toEqual({ immediate: 0, urgent: 0, standard: 0 });

    now = T + 4 * HOUR;
    const at = await lists();
    for (const view of [at.inbox, at.sent, at.threat]) {
      expect(view.get(late)).toMatchObject({ acknowledgementDue: due, overdue: true });
      expect(view.get(fresh)).toMatchObject({ overdue: false });
    }
    expect(at.order).toEqual([late, fresh]);
    const metrics = await t.http().get('/metrics').expect(200);
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
