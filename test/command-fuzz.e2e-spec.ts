import { randomUUID } from 'node:crypto';
import { ORGANISATION_KINDS } from '@soc/contracts';
import { isRole, ROLES } from '@soc/security';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { principal, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Property-based fuzzing of the directory's commands: malformed bodies of every kind, sent as an
 * admin of the right organisation, are all refused with a 4xx problem document and append nothing.
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
});
