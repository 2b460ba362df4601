import { randomUUID } from 'node:crypto';
import { isoDate } from '@soc/platform';
import type { Role } from '@soc/security';
import { expectRefusedWithoutAppending, storedEvents } from '@soc/testing';
import type { Response } from 'supertest';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from '../../../test/support/test-app.js';

const DAY = 86_400_000;
export const day = (offset: number) => isoDate(new Date(Date.now() + offset * DAY));

/** Whom the referrals of these tests are about: each value must never appear in the clear. */
export const SUBJECT = {
  givenName: 'Kayden',
  familyName: 'Whitlock-Oduya',
  alsoKnownAs: ['KW'],
  dateOfBirth: '2011-04-02',
  address: '14 Quarrington Terrace, Hartlepool TS24 8QX',
  otherIdentifiers: [{ kind: 'nhs-number', value: '943 476 5919' }],
};

/** Each value of `SUBJECT` (and the street) as it would appear if anything held it in the clear. */
export const SUBJECT_VALUES = [
  SUBJECT.givenName,
  SUBJECT.familyName,
  SUBJECT.dateOfBirth,
  SUBJECT.address,
  SUBJECT.otherIdentifiers[0].value,
  'Quarrington',
];

export type StoredEvent = Awaited<ReturnType<typeof storedEvents>>[number];

/**
 * Safeguarding referrals over HTTP on real PostgreSQL: registers the `beforeAll` that starts the
 * app, registers a threat of the ROCU's (its LRO there) and signs in the callers, and the
 * `afterAll` that closes it. Cleveland Police refers to Hartlepool children's services; Durham
 * is party to nothing. `overrides` replaces providers of the app, e.g. its CLOCK.
 */
export function referralsHarness(overrides: { provide: unknown; useValue: unknown }[] = []) {
  let app: TestApp | undefined;
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    childrens: `hartlepool-cs-${run}`,
    rocu: `nerocu-${run}`,
    durham: `durham-constabulary-${run}`,
  };
  const officerRef = { personId: `cleveland-so-${run}`, organisationId: org.cleveland };
  const callers = {
    officer: principal(org.cleveland, ['safeguarding-officer'], officerRef.personId),
    receiver: principal(org.childrens, ['safeguarding-officer'], `hartlepool-so-${run}`),
    receiverPartner: principal(org.childrens, ['partner-officer']),
    clevelandLro: principal(org.cleveland, ['lro']),
    threatLro: principal(org.rocu, ['lro'], `rocu-lro-${run}`),
    threatAnalyst: principal(org.rocu, ['analyst']),
    outsider: principal(org.durham, ['safeguarding-officer']),
    outsiderLro: principal(org.durham, ['lro']),
    auditor: principal(`hmicfrs-${run}`, ['auditor'] as Role[]),
  };
  const as = {} as Record<keyof typeof callers, AuthenticatedAgent>;
  let threatId = '';
  const t = (): TestApp => {
    if (!app) throw new Error('The safeguarding test app is used before it has started');
    return app;
  };

  beforeAll(async () => {
    app = await startTestApp({ overrides });
    for (const [name, caller] of Object.entries(callers)) {
      as[name as keyof typeof callers] = await app.as(caller);
    }
    const { body } = await as.threatAnalyst
      .post('/threats')
      .send({
        ownerOrganisationId: org.rocu,
        kind: 'ocg',
        codeName: 'OPERATION QUARRY',
        summary: 'County line running from Teesside into Hartlepool',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: { personId: callers.threatLro.personId, organisationId: org.rocu },
        marking: 'OFFICIAL',
        signposting: false,
        registeredOn: day(-30),
      })
      .expect(201);
    threatId = body.threatId as string;
  });
  afterAll(() => app?.close());

  const referralBody = (overrides: Record<string, unknown> = {}) => ({
    referrer: officerRef,
    receivingOrganisationId: org.childrens,
    threatId,
    subject: SUBJECT,
    concerns: ['county-lines', 'child-criminal-exploitation'],
    account: 'Seen running drugs from the Quarrington Terrace flat on three evenings',
    urgency: 'immediate',
    lawfulBasis: 'children-act-2004-s11',
    ...overrides,
  });

  /** A referral from Cleveland to the children's services, and the position it reached. */
  const raise = async (overrides: Record<string, unknown> = {}) => {
    const { body } = await as.officer.post('/referrals').send(referralBody(overrides)).expect(201);
    return { referralId: body.referralId as string, position: body.globalPosition as number };
  };

  /** Runs the command as the caller and answers the position it reached. */
  const step = async (
    caller: keyof typeof callers,
    path: string,
    body: object = {},
    status = 200,
  ) => {
    const answer = await as[caller].post(path).send(body);
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
    return answer.body.globalPosition as number;
  };

  const read = (caller: keyof typeof callers, referralId: string, minPosition: number) =>
    as[caller].get(`/referrals/${referralId}`).query({ minPosition });

  const events = (streamId: string) => storedEvents(t().db.pool, streamId);

  /** Sends each refusal in turn and checks it is a problem document that appended nothing. */
  const refused = (...attempts: [() => Promise<Response>, number][]) =>
    expectRefusedWithoutAppending(() => t().eventCount(), attempts);

  return {
    t,
    org,
    as,
    callers,
    officerRef,
    threatId: () => threatId,
    referralBody,
    raise,
    step,
    read,
    events,
    refused,
  };
}
