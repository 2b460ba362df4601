import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock, isoDate } from '@soc/platform';
import type { Role } from '@soc/security';
import type request from 'supertest';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type Caller,
  type TestApp,
} from '../../../test/support/test-app.js';

const DAY = 24 * 3600 * 1000;
/** "Today" for every command: fixed at noon UTC, so a run across midnight changes nothing. */
export const TODAY = isoDate(new Date());
const testClock: Clock = { now: () => new Date(`${TODAY}T12:00:00.000Z`) };
export const day = (offset: number) =>
  isoDate(new Date(Date.parse(`${TODAY}T12:00:00.000Z`) + offset * DAY));
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The threats context: wired into the standalone application, or (until it is) added here.
 * An unauthenticated command answers 401 on a route that exists, 404 on one that does not.
 */
async function startApp(): Promise<TestApp> {
  return startTestApp({ overrides: [{ provide: CLOCK, useValue: testClock }] });
}

export interface StoredEvent {
  event_type: string;
  stream_version: number;
  payload: Record<string, unknown>;
  actor_person_id: string;
}

/**
 * The command routes of threats, plans on a page and 4P actions, over HTTP on real PostgreSQL.
 * Called at describe level: registers the `beforeAll` that starts the app on a fresh database and
 * signs in every caller, and the `afterAll` that closes it. `t` and the agents in `as` are ready
 * from the first test on.
 */
export function threatCommandsHarness() {
  let app: TestApp | undefined;
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    durham: `durham-constabulary-${run}`,
    nersou: `nersou-${run}`,
    hartlepool: `hartlepool-bc-${run}`,
    housing: `thirteen-housing-${run}`,
  };
  const person = (organisationId: string, role: Role) =>
    principal(organisationId, [role], `${role}-${organisationId}`);
  const callers = {
    analyst: person(org.cleveland, 'analyst'),
    lro: person(org.cleveland, 'lro'),
    clevelandPartner: person(org.cleveland, 'partner-officer'),
    moderator: person(org.nersou, 'rocta-moderator'),
    councilOfficer: person(org.hartlepool, 'partner-officer'),
    councilAnalyst: person(org.hartlepool, 'analyst'),
    housingOfficer: person(org.housing, 'partner-officer'),
    outsider: person(org.durham, 'analyst'),
    auditor: person(org.nersou, 'auditor'),
  } satisfies Record<string, Caller>;
  type Name = keyof typeof callers;
  const as = {} as Record<Name, AuthenticatedAgent>;
  const lroRef = {
    personId: callers.lro.personId,
    organisationId: org.cleveland,
  };
  const started = (): TestApp => {
    if (!app) throw new Error('The threats test app is used before it has started');
    return app;
  };

  const registration = (overrides: Record<string, unknown> = {}) => ({
    ownerOrganisationId: org.cleveland,
    kind: 'ocg',
    codeName: 'OPERATION KESTREL',
    summary: 'County lines supply of crack cocaine into Hartlepool from Merseyside',
    priorityArea: 'county-lines',
    type: 'tactical',
    tier: 2,
    phase: 'active',
    soc: true,
    lro: lroRef,
    sro: null,
    place: null,
    clearHoldBuildPhase: null,
    marking: 'OFFICIAL',
    signposting: false,
    openedOn: day(-60),
    registeredOn: day(-60),
    ...overrides,
  });
  const assessment = (overrides: Record<string, unknown> = {}) => ({
    modelVersion: 'MoRiLE 2.1 (Cleveland)',
    scores: {
      harm: 80,
      likelihood: 70,
      confidence: 60,
      capacity: 50,
      capability: 40,
    },
    outputs: { totalScore: 1240, priority: 'high', opportunity: 'medium' },
    assessedOn: day(-5),
    intelligenceDate: day(-10),
    rationale: 'Test purchases and a cuckooed flat confirm the line still runs',
    ...overrides,
  });
  const action = (owner: Caller, overrides: Record<string, unknown> = {}) => ({
    category: 'prevent',
    description: 'Closure order on the cuckooed flat',
    owner: { personId: owner.personId, organisationId: owner.organisationId },
    dueDate: day(30),
    ...overrides,
  });

  const register = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const { body } = await as.analyst.post('/threats').send(registration(overrides)).expect(201);
    return body.threatId as string;
  };
  const share = (threatId: string, ...organisationIds: string[]) =>
    as.analyst.post(`/threats/${threatId}/plan/shares`).send({ organisationIds }).expect(200);
  const propose = async (threatId: string, owner: Caller): Promise<string> => {
    const { body } = await as.lro
      .post(`/threats/${threatId}/actions`)
      .send(action(owner))
      .expect(201);
    return body.actionId as string;
  };
  const eventsOf = async (threatId: string): Promise<StoredEvent[]> => {
    const { rows } = await started().db.pool.query<StoredEvent>(
      `SELECT event_type, stream_version, payload, actor_person_id FROM event_store.events
        WHERE stream_id = $1 ORDER BY stream_version`,
      [`threat:${threatId}`],
    );
    return rows;
  };
  const lastEventOf = async (threatId: string) => (await eventsOf(threatId)).at(-1)!;
  /** Sends requests that must all be refused with `status`, appending nothing. */
  const refused = async (status: number, ...requests: (() => request.Test)[]) => {
    const t = started();
    const before = await t.eventCount();
    const bodies = [];
    for (const send of requests) {
      const response = await send();
      expect({ status: response.status, body: response.body }).toMatchObject({
        status,
      });
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      bodies.push(response.body as { type: string; detail: string; errors?: unknown[] });
    }
    expect(await t.eventCount()).toBe(before);
    return bodies;
  };

  beforeAll(async () => {
    app = await startApp();
    for (const name of Object.keys(callers) as Name[]) {
      as[name] = await app.as(callers[name], 'Cleveland MARSOC, December meeting');
    }
  });
  afterAll(() => app?.close());

  return {
    /** The started app: read it inside a hook or a test, not at describe level. */
    get t(): TestApp {
      return started();
    },
    run,
    org,
    person,
    callers,
    as,
    lroRef,
    registration,
    assessment,
    action,
    register,
    share,
    propose,
    eventsOf,
    lastEventOf,
    refused,
  };
}
