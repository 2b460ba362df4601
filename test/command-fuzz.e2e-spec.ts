import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ORGANISATION_KINDS } from '@soc/contracts';
import { isRole, ROLES } from '@soc/security';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { principal, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Property-based fuzzing of the commands. The directory's, field by field: malformed bodies of
 * every kind, sent as an admin of the right organisation, are all refused with a 4xx problem
 * document and append nothing. Then every command route the application declares: bodies nested
 * up to 100,000 levels, 100,000 keys wide, 100,000 items long, in broken encodings (bytes that are
 * not UTF-8, lone surrogates, byte order marks, UTF-16, NUL, latin-1), over 10,000 of them: no 5xx,
 * and the event store does not move.
 */

type Verb = 'post' | 'put';
type Body = Record<string, unknown>;

interface FieldSpec {
  /** Values of the right JSON type that the validation must still refuse. */
  readonly wrongValue: fc.Arbitrary<unknown>;
  /** Values of a wrong JSON type. */
  readonly wrongType: fc.Arbitrary<unknown>;
  /** Values past the field's maximum size. */
  readonly overLong: fc.Arbitrary<unknown>;
}

interface CommandRoute {
  readonly name: string;
  readonly verb: Verb;
  path(): string;
  /** Bodies the route accepts: the base the generators corrupt. */
  readonly valid: fc.Arbitrary<Body>;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

const NUM_RUNS = 30;
const MAX_DEPTH = 32;
const MAX_WIDTH = 1000;
const SMALL_UNREADABLE_PER_ROUTE = 210;
const SMALL_UNACCEPTABLE_PER_ROUTE = 270;
const HUGE_ROUTES_EACH = 3;
const CONCURRENCY = 8;
/** Declared by no body: any object that carries it is refused, whatever else it holds. */
const UNKNOWN_FIELD = 'fuzz';
const SLUG_RE = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SLUG_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789._-'];

const slug = fc.stringMatching(SLUG_RE);
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const notString = fc.anything().filter((value) => typeof value !== 'string');
const tooLongSlug = fc
  .string({ unit: fc.constantFrom(...SLUG_CHARS), minLength: 64, maxLength: 3000 })
  .map((tail) => `a${tail}`);
const badSlug = fc.oneof(
  fc.string({ maxLength: 80 }).filter((value) => !SLUG_RE.test(value)),
  slug.map((value) => value.toUpperCase()).filter((value) => !SLUG_RE.test(value)),
  slug.map((value) => `${value} `),
  slug.map((value) => `-${value}`),
  fc.constant(''),
  fc.constant('a'),
  fc.constant('../etc/passwd'),
);
const slugField: FieldSpec = { wrongValue: badSlug, wrongType: notString, overLong: tooLongSlug };
const textField = (min: number, max: number): FieldSpec => ({
  wrongValue: fc.oneof(fc.string({ maxLength: min - 1 }), fc.constant('')),
  wrongType: notString,
  overLong: fc.string({ minLength: max + 1, maxLength: max * 10 }),
});
const rolesField: FieldSpec = {
  wrongValue: fc.oneof(
    fc
      .array(fc.oneof(fc.constantFrom(...ROLES), fc.string()), { minLength: 1, maxLength: 6 })
      .filter((roles) => roles.some((role) => !isRole(role))),
    fc.constantFrom(...ROLES).map((role) => [role, role]),
    fc.constant(['ADMIN']),
    fc.constant(['superuser']),
  ),
  wrongType: fc.oneof(
    fc.anything().filter((value) => !Array.isArray(value)),
    fc
      .array(fc.anything(), { minLength: 1, maxLength: 5 })
      .filter((values) => values.some((value) => typeof value !== 'string')),
  ),
  overLong: fc.array(fc.constantFrom(...ROLES), {
    minLength: ROLES.length + 1,
    maxLength: ROLES.length * 20,
  }),
};
const kindField: FieldSpec = {
  wrongValue: fc.oneof(
    fc.string().filter((kind) => !(ORGANISATION_KINDS as readonly string[]).includes(kind)),
    fc.constantFrom(...ORGANISATION_KINDS).map((kind) => kind.toUpperCase()),
    fc.constantFrom(...ORGANISATION_KINDS).map((kind) => ` ${kind}`),
  ),
  wrongType: notString,
  overLong: fc.string({ minLength: 201, maxLength: 5000 }),
};

/** A non-empty object of JSON values nested several levels deep: never a string or an array. */
const nested = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.letrec((tie) => ({
    junk: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.jsonValue({ maxDepth: 1 }),
      fc.array(tie('junk'), { minLength: 1, maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('junk'), { minKeys: 1, maxKeys: 3 }),
    ),
  })).junk,
  { minKeys: 1, maxKeys: 3 },
);

/**
 * Names of Object.prototype members (`constructor`, `toString`, `__proto__`, ...) and `prototype`
 * are left out of the random unknown keys: the tests at the end send each of them on purpose.
 */
const isPrototypeMember = (key: string) => key in {} || key === 'prototype';
const UNKNOWN_KEY_PROBES = ['id', 'organisation', 'role', 'type', 'streamId', 'toJSON'];

/** Strings that are not JSON, sent as application/json. */
const invalidJson = (valid: fc.Arbitrary<Body>) =>
  fc.oneof(
    fc.string({ minLength: 1 }).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }),
    valid.map((body) => JSON.stringify(body).slice(0, -1)),
    valid.map((body) => `${JSON.stringify(body)}}`),
    valid.map((body) => JSON.stringify(body).replace(/"/g, "'")),
    valid.map((body) => JSON.stringify(body).replace(/}$/, ',}')),
    valid.map((body) => JSON.stringify(body).replace(/:/, '')),
    fc.constantFrom('{', '[', '{"a":', 'undefined', 'NaN', '{a:1}', '\u0000', '{"x":1e999999'),
  );

describe('command endpoints refuse malformed bodies (property-based, real PostgreSQL)', () => {
  let t: TestApp;
  let agent: Awaited<ReturnType<TestApp['as']>>;
  const suffix = randomUUID().slice(0, 8);
  const organisationId = `fuzz-${suffix}`;
  const personId = `target-${suffix}`;
  const admin = principal(organisationId, ['admin'], `admin-${organisationId}`);
  let eventsAtStart = 0;
  let sent = 0;

  const routes: CommandRoute[] = [
    {
      name: 'POST /directory/organisations',
      verb: 'post',
      path: () => '/directory/organisations',
      valid: fc.record({
        organisationId: slug,
        name: fc.string({ minLength: 2, maxLength: 200 }),
        kind: fc.constantFrom(...ORGANISATION_KINDS),
      }),
      fields: { organisationId: slugField, name: textField(2, 200), kind: kindField },
    },
    {
      name: 'POST /directory/organisations/:organisationId/people',
      verb: 'post',
      path: () => `/directory/organisations/${organisationId}/people`,
      valid: fc.record({
        personId: slug,
        displayName: fc.string({ minLength: 1, maxLength: 200 }),
        roles: fc.subarray([...ROLES]),
      }),
      fields: { personId: slugField, displayName: textField(1, 200), roles: rolesField },
    },
    {
      name: 'PUT /directory/people/:personId/roles',
      verb: 'put',
      path: () => `/directory/people/${personId}/roles`,
      valid: fc.record({ roles: fc.subarray([...ROLES]) }),
      fields: { roles: rolesField },
    },
    {
      name: 'POST /directory/people/:personId/erasure',
      verb: 'post',
      path: () => `/directory/people/${personId}/erasure`,
      valid: fc.record({ reason: fc.string({ minLength: 5, maxLength: 500 }) }),
      fields: { reason: textField(5, 500) },
    },
  ];

  /** Each kind of malformed body, as the JSON text sent; none can be a valid command. */
  const generators = (route: CommandRoute): Record<string, fc.Arbitrary<string>> => {
    const keys = Object.keys(route.fields);
    const field = fc.constantFrom(...keys);
    const json = (arbitrary: fc.Arbitrary<unknown>) =>
      arbitrary.map((value) => JSON.stringify(value) ?? '');
    const replace = (pick: (spec: FieldSpec) => fc.Arbitrary<unknown>) =>
      json(
        fc
          .tuple(route.valid, field)
          .chain(([body, key]) =>
            pick(route.fields[key]).map((value) => ({ ...body, [key]: value })),
          ),
      );
    return {
      'anything (lacking a required field)': json(
        fc
          .anything()
          .filter(
            (value) => !(isPlainObject(value) && keys.every((key) => Object.hasOwn(value, key))),
          ),
      ),
      'unknown keys': json(
        fc
          .tuple(
            route.valid,
            fc.dictionary(
              fc
                .oneof(
                  fc.string({ minLength: 1, maxLength: 20 }),
                  fc.constantFrom(...UNKNOWN_KEY_PROBES),
                )
                .filter((key) => !keys.includes(key) && !isPrototypeMember(key)),
              fc.jsonValue({ maxDepth: 2 }),
              { minKeys: 1, maxKeys: 4 },
            ),
          )
          .map(([body, extra]) => ({ ...body, ...extra })),
      ),
      'a wrong type for a field': replace((spec) => spec.wrongType),
      'missing fields': json(
        fc
          .tuple(route.valid, fc.subarray(keys, { minLength: 1 }))
          .map(([body, missing]) =>
            Object.fromEntries(Object.entries(body).filter(([key]) => !missing.includes(key))),
          ),
      ),
      'an over-long value': replace((spec) => spec.overLong),
      'a wrong value (enum, pattern, length)': replace((spec) => spec.wrongValue),
      'nested junk in a field': replace(() => nested),
      'an array instead of an object': json(
        fc.oneof(
          fc.array(route.valid, { maxLength: 3 }),
          route.valid.map((body) => [body]),
          route.valid.map((body) => Object.entries(body)),
        ),
      ),
      'invalid JSON': invalidJson(route.valid),
    };
  };

  const expectProblem = (response: Response, raw: string) => {
    const where = `${response.status} for ${JSON.stringify(raw.slice(0, 200))}: ${response.text.slice(0, 300)}`;
    expect({ where, clientError: response.status >= 400 && response.status < 500 }).toEqual({
      where,
      clientError: true,
    });
    expect({ where, type: response.headers['content-type'] }).toEqual({
      where,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    const problem = JSON.parse(response.text) as Record<string, unknown>;
    expect({ where, problem }).toEqual({
      where,
      problem: expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: response.status,
      }),
    });
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST_PER_SECOND: '100000' },
    });
    await (
      await t.as(principal(`root-${suffix}`, ['admin'], `admin-root-${suffix}`))
    )
      .post('/directory/organisations')
      .send({ organisationId, name: 'Fuzz Constabulary', kind: 'police-force' })
      .expect(201);
    agent = await t.as(admin);
    await agent
      .post(`/directory/organisations/${organisationId}/people`)
      .send({ personId, displayName: 'Fuzz Target', roles: ['analyst'] })
      .expect(201);
    eventsAtStart = await t.eventCount();
  });
  afterAll(() => t?.close());

  describe.each(routes.map((route) => [route.name, route] as const))('%s', (_name, route) => {
    it.each(Object.entries(generators(route)))('refuses %s', async (_kind, bodies) => {
      const before = await t.eventCount();
      await fc.assert(
        fc.asyncProperty(bodies, async (raw) => {
          sent += 1;
          const response = await agent[route.verb](route.path())
            .set('content-type', 'application/json')
            .send(raw);
          expectProblem(response, raw);
        }),
        { numRuns: NUM_RUNS },
      );
      expect(await t.eventCount()).toBe(before);
    });
  });

  it('sent at least 1,000 malformed commands and appended no event', async () => {
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(await t.eventCount()).toBe(eventsAtStart);
  });

  describe('keys named like Object.prototype members', () => {
    // class-validator's whitelist looks keys up in a plain object, so these would count as
    // declared; the validation pipe refuses them before it runs.
    it.each(['constructor', 'toString', 'valueOf', '__proto__', 'prototype'])(
      'refuses an unknown key named "%s" like any other unknown key',
      async (key) => {
        const raw = `{"organisationId":"proto-${key.replace(/_/g, '').toLowerCase()}-${suffix}","name":"Probe","kind":"rocu","${key}":1}`;
        const response = await agent
          .post('/directory/organisations')
          .set('content-type', 'application/json')
          .send(raw);
        expect(response.status).toBe(400);
      },
    );
  });

  describe('hostile bodies on every command route: depth, width, length, encodings', () => {
    const fuzzer = principal(
      organisationId,
      [
        'admin',
        'analyst',
        'lro',
        'rocta-moderator',
        'meeting-chair',
        'partner-officer',
        'safeguarding-officer',
      ],
      `fuzzer-${organisationId}`,
    );
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const target: Target = { base: '', token: '', ids: { organisationId, personId } };
    let commandRoutes: OpenRoute[] = [];
    let declared = new Set<string>();
    const ids = target.ids;

    beforeAll(async () => {
      const as = await t.as(fuzzer);
      const lro = { personId: fuzzer.personId, organisationId };
      const registered = await as
        .post('/threats')
        .send({
          ownerOrganisationId: organisationId,
          kind: 'ocg',
          codeName: 'OPERATION FUZZ',
          summary: 'A threat whose plan every hostile body is aimed at',
          priorityArea: 'county-lines',
          type: 'tactical',
          tier: 2,
          phase: 'active',
          soc: true,
          lro,
          marking: 'OFFICIAL',
          signposting: false,
          registeredOn: '2021-11-01',
        })
        .expect(201);
      ids.threatId = registered.body.threatId;
      const threat = `/threats/${ids.threatId}`;
      const recorded = await as
        .post(`${threat}/assessments`)
        .send({
          modelVersion: 'MoRiLE 2.1',
          scores: { harm: 80, likelihood: 70, confidence: 60, capacity: 50, capability: 40 },
          outputs: { totalScore: 1240, priority: 'high', opportunity: 'medium' },
          assessedOn: '2021-12-01',
          intelligenceDate: '2021-11-20',
          rationale: 'Test purchases confirm the line still runs',
        })
        .expect(201);
      ids.assessmentId = recorded.body.assessmentId;
      const added = await as
        .post(`${threat}/plan/people`)
        .send({ name: 'Fuzz Principal', role: 'principal' })
        .expect(201);
      ids.involvementId = added.body.involvementId;
      const proposed = await as
        .post(`${threat}/actions`)
        .send({
          category: 'prevent',
          description: 'Closure order on the cuckooed flat',
          owner: lro,
          dueDate: '2099-01-01',
        })
        .expect(201);
      ids.actionId = proposed.body.actionId;
      const meeting = await as
        .post('/meetings')
        .send({
          kind: 'marsoc',
          title: 'MARSOC every hostile body is aimed at',
          chair: lro,
          heldOn: '2099-01-01',
          place: 'Middlesbrough',
          invitedOrganisationIds: [],
          confidentialityStatement: 'Shared for the purposes of this meeting only',
        })
        .expect(201);
      ids.meetingId = meeting.body.meetingId;
      const agendaThreat = `/meetings/${ids.meetingId}/agenda`;
      await as
        .post(agendaThreat)
        .send({ threatId: ids.threatId, ownerOrganisationId: organisationId })
        .expect(200);
      const agreed = await as
        .post(`/meetings/${ids.meetingId}/actions`)
        .send({
          threatId: ids.threatId,
          category: 'protect',
          description: 'Safeguarding visit every hostile body is aimed at',
          leadOrganisationId: organisationId,
          supportingOrganisationIds: [],
          pointOfContact: lro,
          dueDate: '2099-01-01',
        })
        .expect(201);
      const requested = await as
        .post(`/actions/${agreed.body.actionId}/due-date-requests`)
        .send({ dueDate: '2099-02-01', reason: 'A request every hostile decision is aimed at' })
        .expect(201);
      ids.requestId = requested.body.requestId;
      const referred = await as
        .post('/referrals')
        .send({
          referrer: lro,
          receivingOrganisationId: `receiver-${suffix}`,
          threatId: ids.threatId,
          subject: { givenName: 'Fuzz', familyName: 'Subject' },
          concerns: ['cuckooing'],
          account: 'A referral every hostile body is aimed at',
          urgency: 'standard',
          lawfulBasis: 'children-act-2004-s11',
        })
        .expect(201);
      ids.referralId = referred.body.referralId;

      const openApi = (await t.http().get('/docs/openapi.json').expect(200)).body as OpenApi;
      commandRoutes = commandRoutesOf(openApi);
      declared = declaredFieldsOf(openApi);
      await t.app.listen(0, '127.0.0.1');
      target.base = await t.app.getUrl();
      target.token = await t.tokenFor(fuzzer);
    });

    it('knows every command route, and every id in their paths', () => {
      expect(commandRoutes.length).toBeGreaterThanOrEqual(23);
      const unknown = commandRoutes.flatMap((route) =>
        route.params.filter((param) => !(param in ids)).map((param) => `${route.name}: ${param}`),
      );
      expect(unknown).toEqual([]);
      // Every command that records a fact takes its business date, so only removals go bodiless.
      expect(commandRoutes.filter((route) => !route.takesBody).map((route) => route.name)).toEqual(
        expect.arrayContaining(['DELETE /threats/{threatId}/plan/shares/{organisationId}']),
      );
      expect(declared.has(UNKNOWN_FIELD)).toBe(false);
    });

    it('answers 10,000+ of them with a 4xx problem document, no 5xx, and changes nothing', async () => {
      const before = await storeState(t);
      const shots: Shot[] = [];
      commandRoutes.forEach((route, index) => {
        const fields = route.fields.length > 0 ? route.fields : ['reason'];
        const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number) =>
          fc.sample(arbitrary, { numRuns, seed: seed + index });
        // Bodies no route may even see: a route without a body would run on anything else.
        for (const probe of sample(unreadable(fields), SMALL_UNREADABLE_PER_ROUTE)) {
          shots.push({ route, probe });
        }
        if (route.takesBody) {
          for (const probe of sample(
            unacceptable(fields, declared),
            SMALL_UNACCEPTABLE_PER_ROUTE,
          )) {
            shots.push({ route, probe });
          }
        }
      });
      // The few huge bodies, each to a few routes in turn, so every route gets some.
      const huge = hugeBodies();
      huge.forEach((probe, index) => {
        const targets = commandRoutes.filter((route) => route.takesBody || probe.unreadable);
        for (let k = 0; k < HUGE_ROUTES_EACH; k += 1) {
          shots.push({ route: targets[(index * HUGE_ROUTES_EACH + k) % targets.length], probe });
        }
      });

      const outcomes = await sendAll(target, shots, CONCURRENCY);
      const failures = outcomes.filter((outcome) => outcome.failure !== null);
      expect({ seed, failures: failures.slice(0, 10) }).toEqual({ seed, failures: [] });
      expect(outcomes.length).toBeGreaterThanOrEqual(10_000);
      expect(new Set(outcomes.map((outcome) => outcome.route)).size).toBe(commandRoutes.length);
      expect(await storeState(t)).toEqual(before);
      // 10,000+ requests through the whole HTTP stack: minutes on a busy 2-core machine.
    }, 600_000);

    it.each([
      [
        `nested ${MAX_DEPTH + 1} levels deep`,
        nestedJson(MAX_DEPTH + 1, ['{']),
        'body-too-deep',
        `the limit is ${MAX_DEPTH} levels`,
      ],
      [
        'nested 100,000 levels deep',
        nestedJson(100_000, ['[']),
        'body-too-deep',
        `the limit is ${MAX_DEPTH} levels`,
      ],
      [
        `${MAX_WIDTH + 1} members wide`,
        JSON.stringify({ a: Array.from({ length: MAX_WIDTH + 1 }, () => 0) }),
        'body-too-wide',
        `the limit is ${MAX_WIDTH}`,
      ],
      [
        'not UTF-8',
        Buffer.concat([bytes('{"reason":"Gr'), Buffer.from([0xfc]), bytes('n is a colour"}')]),
        'body-not-unicode',
        'UTF-8',
      ],
      ['holding a lone surrogate', '{"reason":"\\ud800 alone"}', 'body-not-unicode', 'surrogate'],
    ])(
      'refuses a body %s on every command route, with a problem document saying why',
      async (_what, body, code, says) => {
        for (const route of commandRoutes) {
          const outcome = await send(target, {
            route,
            probe: { kind: code, body, unreadable: true },
          });
          expect({ route: route.name, failure: outcome.failure, problem: outcome.problem }).toEqual(
            {
              route: route.name,
              failure: null,
              problem: expect.objectContaining({
                type: `/problems/${code}`,
                title: 'Bad request',
                status: 400,
                detail: expect.stringContaining(says),
              }),
            },
          );
        }
      },
    );

    it(`reads ${MAX_DEPTH} levels and ${MAX_WIDTH} members, and refuses them for what they say`, async () => {
      const route = commandRoutes.find((candidate) => candidate.takesBody)!;
      const deep = `{${JSON.stringify(UNKNOWN_FIELD)}:${nestedJson(MAX_DEPTH - 1, ['['])}}`;
      const wide = JSON.stringify({ [UNKNOWN_FIELD]: Array.from({ length: MAX_WIDTH }, () => 0) });
      for (const body of [deep, wide]) {
        const outcome = await send(target, {
          route,
          probe: { kind: 'within', body, unreadable: false },
        });
        expect(outcome.problem).toMatchObject({ type: '/problems/validation', status: 400 });
      }
    });
  });
});

// ----- every command route, from the application's own OpenAPI document -----

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
        parameters?: { name: string; in: string }[];
      }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

interface OpenRoute {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly params: string[];
  readonly takesBody: boolean;
  /** The body's top-level fields. */
  readonly fields: string[];
}

interface Probe {
  readonly kind: string;
  readonly body: string | Uint8Array;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** Refused before any route sees it (parser, size, depth, encoding): safe on routes without a body. */
  readonly unreadable: boolean;
}

interface Shot {
  readonly route: OpenRoute;
  readonly probe: Probe;
}

interface Target {
  base: string;
  token: string;
  readonly ids: Record<string, string>;
}

interface Outcome {
  readonly route: string;
  readonly status: number;
  readonly problem: Record<string, unknown> | null;
  readonly failure: string | null;
}

function commandRoutesOf(openApi: OpenApi): OpenRoute[] {
  return Object.entries(openApi.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => {
        const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
        const schema = ref ? openApi.components.schemas[ref.split('/').at(-1)!] : undefined;
        return {
          name: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          params: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          takesBody: ref !== undefined,
          fields: Object.keys(schema?.properties ?? {}),
        };
      }),
  );
}

/** Every field name of every schema: an object made of these only might be a valid command. */
function declaredFieldsOf(openApi: OpenApi): Set<string> {
  return new Set(
    Object.values(openApi.components.schemas).flatMap((schema) =>
      Object.keys(schema.properties ?? {}),
    ),
  );
}

async function storeState(t: TestApp) {
  const { rows } = await t.db.pool.query<{ events: string; head: string | null }>(
    `SELECT (SELECT count(*) FROM event_store.events) AS events,
            (SELECT max(global_position) FROM event_store.global_log) AS head`,
  );
  return { events: Number(rows[0].events), head: Number(rows[0].head) };
}

async function send({ base, token, ids }: Target, { route, probe }: Shot): Promise<Outcome> {
  const path = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => ids[name]);
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': probe.contentType ?? 'application/json',
  };
  if (probe.contentEncoding) headers['content-encoding'] = probe.contentEncoding;
  const response = await fetch(`${base}${path}`, {
    method: route.method,
    headers,
    body: probe.body,
  });
  const text = await response.text();
  const shown =
    typeof probe.body === 'string' ? probe.body : Buffer.from(probe.body).toString('latin1');
  const where = `${route.name} <- ${probe.kind} ${JSON.stringify(shown.slice(0, 120))}: ${response.status} ${text.slice(0, 200)}`;
  let problem: Record<string, unknown> | null;
  try {
    problem = JSON.parse(text) as Record<string, unknown>;
  } catch {
    problem = null;
  }
  const fine =
    response.status >= 400 &&
    response.status < 500 &&
    (!probe.unreadable || [400, 413, 415].includes(response.status)) &&
    /^application\/problem\+json/.test(response.headers.get('content-type') ?? '') &&
    problem !== null &&
    typeof problem.type === 'string' &&
    typeof problem.title === 'string' &&
    problem.status === response.status;
  return { route: route.name, status: response.status, problem, failure: fine ? null : where };
}

/** Sends every shot, `concurrency` at a time. */
async function sendAll(target: Target, shots: Shot[], concurrency: number) {
  const outcomes: Outcome[] = new Array(shots.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < shots.length) {
        const index = next;
        next += 1;
        outcomes[index] = await send(target, shots[index]);
      }
    }),
  );
  return outcomes;
}

// ----- the bodies -----

const BOM = [0xef, 0xbb, 0xbf];
/** Byte sequences that are not UTF-8, latin-1's ü among them. */
const NOT_UTF8: readonly number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfc],
];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800', 'a\ud83d'];
/** Raw bytes JSON refuses anywhere (controls other than white space). */
const RAW_CONTROLS = [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x1f];
const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
];

function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function insertAt(body: Buffer, at: number, inserted: readonly number[]): Buffer {
  const cut = at % (body.length + 1);
  return Buffer.concat([body.subarray(0, cut), Buffer.from(inserted), body.subarray(cut)]);
}

/** `levels` objects and arrays within each other, in the pattern given, without recursion. */
function nestedJson(levels: number, pattern: readonly ('[' | '{')[], leaf = '0'): string {
  const opens: string[] = [];
  const closes: string[] = [];
  for (let i = 0; i < levels; i += 1) {
    const array = pattern[i % pattern.length] === '[';
    opens.push(array ? '[' : '{"a":');
    closes.push(array ? ']' : '}');
  }
  return `${opens.join('')}${leaf}${closes.reverse().join('')}`;
}

function notJson(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** Objects made of declared fields only get the unknown one: nothing random can be a command. */
function refusable(value: unknown, declared: Set<string>): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  return keys.every((key) => declared.has(key)) ? { ...value, [UNKNOWN_FIELD]: true } : value;
}

const smallJson = fc.jsonValue({ maxDepth: 3 });
const smallObject = fc.dictionary(fc.string({ maxLength: 10 }), smallJson, { maxKeys: 4 });
const jsonType = fc.constantFrom(...JSON_TYPES);

/** Small bodies refused before any route sees them. */
function unreadable(fields: readonly string[]): fc.Arbitrary<Probe> {
  const field = fc.constantFrom(...fields);
  const probe = (kind: string, body: fc.Arbitrary<string | Uint8Array>, contentType = jsonType) =>
    fc
      .tuple(body, contentType)
      .map(([raw, type]): Probe => ({ kind, body: raw, contentType: type, unreadable: true }));
  const deep = fc
    .record({
      levels: fc.integer({ min: MAX_DEPTH + 1, max: 400 }),
      pattern: fc.array(fc.constantFrom<'[' | '{'>('[', '{'), { minLength: 1, maxLength: 4 }),
      field,
      wrapped: fc.boolean(),
    })
    .map(({ levels, pattern, field: name, wrapped }) => {
      const text = nestedJson(levels, pattern);
      return wrapped ? `{${JSON.stringify(name)}:${text}}` : text;
    });
  const surrogate = fc
    .tuple(
      smallObject,
      field,
      fc.constantFrom(...LONE_SURROGATES),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('value', 'key', 'nested'),
    )
    .map(([object, name, lone, text, where]) =>
      JSON.stringify(
        where === 'key'
          ? { ...object, [`${text}${lone}`]: text }
          : where === 'value'
            ? { ...object, [name]: `${text}${lone}${text}` }
            : { ...object, [name]: [{ note: `${lone}` }] },
      ),
    );
  const notUtf8 = fc
    .tuple(smallObject, field, fc.constantFrom(...NOT_UTF8), fc.nat(), fc.boolean())
    .map(([object, name, bad, at, inString]) => {
      if (!inString) return insertAt(bytes(JSON.stringify(object)), at, bad);
      const [before, after] = JSON.stringify({ ...object, [name]: '\u0001' }).split('\\u0001');
      return Buffer.concat([bytes(before), Buffer.from(bad), bytes(after)]);
    });
  const latin1 = fc
    .tuple(
      smallObject,
      field,
      fc.constantFrom('Grün', 'Müller-Lüdenscheidt', 'Señora Peña', 'Ærø', '£5 ©'),
    )
    .map(([object, name, text]) =>
      Buffer.from(JSON.stringify({ ...object, [name]: text }), 'latin1'),
    );
  const rawControl = fc
    .tuple(smallObject, fc.constantFrom(...RAW_CONTROLS), fc.nat())
    .map(([object, control, at]) => insertAt(bytes(JSON.stringify(object)), at, [control]));
  const utf16 = fc
    .tuple(smallObject, fc.constantFrom('le', 'be'), fc.boolean())
    .map(([object, order, bom]) => {
      const little = Buffer.from(JSON.stringify(object), 'utf16le');
      const text = order === 'le' ? little : Buffer.from(little).swap16();
      const mark = order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
      return bom ? Buffer.concat([Buffer.from(mark), text]) : text;
    });
  const invalidJson = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 60 }),
      smallObject.chain((object) => {
        const text = JSON.stringify(object);
        return fc.nat({ max: text.length - 1 }).map((cut) => text.slice(0, cut) || '{');
      }),
      smallObject.map((object) => `${JSON.stringify(object)},`),
      smallObject.map((object) => JSON.stringify(object).replace(/"/g, "'")),
      fc.constantFrom(
        '{',
        '[',
        '{"a":',
        '{a:1}',
        'NaN',
        '[1,]',
        '{"a":01}',
        '{"a":0x10}',
        '/* */{}',
        '{"a":1}//',
        '{"x":1e999999',
      ),
    )
    .filter(notJson);
  const withBom = fc
    .oneof(deep, surrogate, invalidJson)
    .map((text) => Buffer.concat([Buffer.from(BOM), bytes(text)]));
  const bomAnywhere = fc
    .tuple(smallObject, fc.nat(), fc.integer({ min: 2, max: 3 }))
    .map(([object, at, marks]) => {
      const text = bytes(JSON.stringify(object));
      const doubled = Buffer.concat(Array.from({ length: marks }, () => Buffer.from(BOM)));
      return at % 2 === 0
        ? Buffer.concat([doubled, text])
        : insertAt(text, 1 + (at % text.length), BOM);
    })
    .filter((body) => notJson(body.toString('utf8').replace(/^\ufeff/, '')));
  const charset = fc
    .tuple(
      smallObject,
      fc.constantFrom('latin1', 'iso-8859-1', 'windows-1252', 'utf-16', 'utf-32', 'koi8-r'),
    )
    .map(([object, name]): Probe => ({
      kind: `charset=${name}`,
      body: bytes(JSON.stringify(object)),
      contentType: `application/json; charset=${name}`,
      unreadable: true,
    }));
  const tooWide = fc
    .tuple(
      fc.integer({ min: MAX_WIDTH + 1, max: 3 * MAX_WIDTH }),
      field,
      fc.constantFrom('object', 'array', 'nested'),
    )
    .map(([members, name, shape]) => {
      const items = Array.from({ length: members }, (_, i) => i);
      if (shape === 'array') return JSON.stringify(items);
      const object = Object.fromEntries(items.map((i) => [`k${i}`, i]));
      return JSON.stringify(shape === 'object' ? object : { [name]: [object] });
    });
  const deepForm = fc.integer({ min: MAX_DEPTH + 1, max: 200 }).map((levels): Probe => ({
    kind: 'a form nested too deep',
    body: `a${'[b]'.repeat(levels)}=1`,
    contentType: 'application/x-www-form-urlencoded',
    unreadable: true,
  }));
  const zipped = fc.integer({ min: 1000, max: 100_000 }).map((levels): Probe => ({
    kind: 'gzip of a deep body',
    body: gzipSync(nestedJson(levels, ['['])),
    contentEncoding: 'gzip',
    unreadable: true,
  }));
  return fc.oneof(
    { arbitrary: probe('nested too deep', deep), weight: 3 },
    { arbitrary: probe('too wide', tooWide), weight: 1 },
    { arbitrary: probe('a lone surrogate', surrogate), weight: 2 },
    { arbitrary: probe('bytes that are not UTF-8', notUtf8), weight: 3 },
    { arbitrary: probe('latin-1 bytes', latin1, fc.constant('application/json')), weight: 1 },
    { arbitrary: probe('a raw control byte', rawControl), weight: 1 },
    { arbitrary: probe('UTF-16', utf16, fc.constant('application/json')), weight: 1 },
    { arbitrary: probe('invalid JSON', invalidJson), weight: 2 },
    {
      arbitrary: probe('a BOM and a refused body', withBom, fc.constant('application/json')),
      weight: 1,
    },
    {
      arbitrary: probe('BOMs out of place', bomAnywhere, fc.constant('application/json')),
      weight: 1,
    },
    { arbitrary: charset, weight: 1 },
    { arbitrary: deepForm, weight: 1 },
    { arbitrary: zipped, weight: 1 },
  );
}

/** Small JSON bodies a route reads but must refuse (routes with a body only). */
function unacceptable(fields: readonly string[], declared: Set<string>): fc.Arbitrary<Probe> {
  const oddText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      'a\u0000b',
      '\u0000',
      '\u0007\u001b[31m',
      '\u0085\u009b',
      '\ufeffname',
      '\ufffe\uffff',
      'admin\u202egnp.exe',
      '\u{1f600}\u{1f469}\u200d\u{1f467}',
      'Z\u0351\u0352\u0353',
      'Überprüfung',
      'ŵyr',
      '審查',
    ),
    fc.integer({ min: 1000, max: 20_000 }).map((length) => 'x'.repeat(length)),
  );
  const hostileValue = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    oddText,
    fc.constantFrom(1e308, -0, 2 ** 53 + 1, -1, 0.5, 1e-300, true, null, [], {}),
    fc
      .integer({ min: 1, max: MAX_DEPTH - 2 })
      .map((levels) => JSON.parse(nestedJson(levels, ['[', '{'])) as unknown),
    fc.integer({ min: 10, max: MAX_WIDTH }).map((length) => Array.from({ length }, (_, i) => i)),
    fc.array(oddText, { maxLength: 20 }),
  );
  const fieldName = fc.oneof(
    fc.constantFrom(...fields),
    fc.constantFrom(...fields).map((name) => name.toUpperCase()),
    fc.string({ maxLength: 12 }),
  );
  const random = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.array(smallObject, { maxLength: 3 }),
    smallObject,
  );
  const fieldsWithHostileValues = fc
    .dictionary(fieldName, hostileValue, { minKeys: 1, maxKeys: fields.length + 2 })
    .map((object) => ({ ...object, [UNKNOWN_FIELD]: true }));
  const wide = fc
    .integer({ min: 100, max: 5000 })
    .map((width) =>
      Object.fromEntries(Array.from({ length: width }, (_, i) => [`k${i.toString(36)}`, i])),
    );
  const longArray = fc
    .tuple(fc.integer({ min: 1000, max: 20_000 }), fc.constantFrom(...fields), fc.boolean())
    .map(([length, name, top]) => {
      const items = Array.from({ length }, (_, i) =>
        i % 3 === 0 ? `s${i}` : i % 3 === 1 ? i : { i },
      );
      return top ? items : { [name]: items, [UNKNOWN_FIELD]: true };
    });
  const unicodeKeys = fc
    .array(
      fc.tuple(
        oddText.map((text) => text.slice(0, 50)),
        smallJson,
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((entries) => Object.fromEntries(entries));
  const json = (kind: string, value: fc.Arbitrary<unknown>) =>
    fc.tuple(value, jsonType).map(([raw, contentType]): Probe => ({
      kind,
      body: JSON.stringify(refusable(raw, declared)) ?? 'null',
      contentType,
      unreadable: false,
    }));
  return fc.oneof(
    { arbitrary: json('random JSON', random), weight: 3 },
    { arbitrary: json('fields with hostile values', fieldsWithHostileValues), weight: 4 },
    { arbitrary: json('wide', wide), weight: 1 },
    { arbitrary: json('a long array', longArray), weight: 1 },
    { arbitrary: json('odd Unicode keys', unicodeKeys), weight: 1 },
  );
}

/** The few huge bodies: 100,000 levels, keys or items, each well under the 1 MiB limit. */
function hugeBodies(): Probe[] {
  const wide = `{${Array.from({ length: 100_000 }, (_, i) => `"${i.toString(36)}":${i % 10}`).join(',')}}`;
  const probes: Probe[] = [
    { kind: '{"a": x 3,000', body: nestedJson(3000, ['{']), unreadable: true },
    { kind: '{"a": x 100,000', body: nestedJson(100_000, ['{']), unreadable: true },
    { kind: '[ x 100,000', body: nestedJson(100_000, ['[']), unreadable: true },
    { kind: '[ x 100,000, never closed', body: '['.repeat(100_000), unreadable: true },
    { kind: '[{ x 50,000', body: nestedJson(100_000, ['[', '{']), unreadable: true },
    {
      kind: 'a command with 100,000 levels of junk',
      body: `{"reason":"a reason long enough","junk":${nestedJson(100_000, ['['])}}`,
      unreadable: true,
    },
    {
      kind: 'a BOM then 100,000 levels',
      body: Buffer.concat([Buffer.from(BOM), bytes(nestedJson(100_000, ['[']))]),
      unreadable: true,
    },
    {
      kind: 'gzip of 10 MB',
      body: gzipSync(`{"a":"${'x'.repeat(10 * 1024 * 1024)}"}`),
      contentEncoding: 'gzip',
      unreadable: true,
    },
    { kind: '100,000 keys', body: wide, unreadable: true },
    {
      kind: '100,000 items',
      body: JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i)),
      unreadable: true,
    },
    {
      kind: 'a field of 100,000 strings',
      body: JSON.stringify({ roles: Array.from({ length: 100_000 }, () => 'admin') }),
      unreadable: true,
    },
  ];
  for (const probe of probes) expect(probe.body.length).toBeLessThan(1024 * 1024);
  return probes;
}
