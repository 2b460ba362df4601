import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import request from 'supertest';
import { OrganisationRegistered, type OrganisationKind } from '@soc/contracts';
import { EventStore } from '@soc/event-store';
import { Public } from '@soc/platform';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type TestApp,
} from './support/test-app.js';

class RegisterOrganisationBody {
  @Matches(/^[a-z][a-z0-9-]{1,62}$/)
  id!: string;

  @IsString()
  @Length(1, 200)
  name!: string;

  @IsIn(['police-force', 'rocu', 'national-agency', 'statutory-partner', 'non-statutory-partner'])
  kind!: OrganisationKind;
}

/** A stand-in command route: exercises validation, problem details and conflicts end to end. */
@Public()
@ApiTags('probe')
@Controller('probe/organisations')
class ProbeController {
  constructor(private readonly store: EventStore) {}

  @Post()
  register(@Body() body: RegisterOrganisationBody) {
    return this.store.append(
      `organisation:${body.id}`,
      'no-stream',
      [
        {
          type: OrganisationRegistered.type,
          data: { organisationId: body.id, name: body.name, kind: body.kind },
        },
      ],
      { actor: { personId: 'admin-1', organisationId: 'nersou' }, correlationId: randomUUID() },
    );
  }

  @Post(':id/renames')
  @HttpCode(200)
  rename(
    @Param('id') id: string,
    @Body() body: RegisterOrganisationBody,
    @Headers('if-match') ifMatch: string,
  ) {
    return this.store.append(
      `organisation:${id}`,
      Number(ifMatch),
      [
        {
          type: OrganisationRegistered.type,
          data: { organisationId: id, name: body.name, kind: body.kind },
        },
      ],
      { actor: { personId: 'admin-1', organisationId: 'nersou' }, correlationId: randomUUID() },
    );
  }
}

describe('standalone application (real PostgreSQL)', () => {
  let testApp: TestApp;
  let db: TestApp['db'];
  let app: INestApplication;
  let analyst: AuthenticatedAgent;

  beforeAll(async () => {
    testApp = await startTestApp({ controllers: [ProbeController] });
    ({ db, app } = testApp);
    analyst = await testApp.as(principal('cleveland-police', ['analyst']));
  });
  afterAll(() => testApp.close());

  const http = () => request(app.getHttpServer());
  const organisation = () => ({
    id: `org-${randomUUID().slice(0, 8)}`,
    name: 'Hartlepool Borough Council',
    kind: 'statutory-partner',
  });

  it('applies the migrations at start on an empty database', async () => {
    const { rows } = await db.pool.query(`SELECT name FROM migrations`);
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'CreateEventStore1764000000000',
        'CreateDelivery1764100000000',
        'CreateSecurity1764200000000',
      ]),
    );
  });

  it('reports health with a database check and echoes the request id', async () => {
    const response = await http().get('/health').set('x-request-id', 'req-123').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: {
        database: { status: 'up' },
        delivery: { status: 'up', mode: 'embedded', state: 'in-process' },
      },
    });
    expect(response.headers['x-request-id']).toBe('req-123');
    const generated = await http().get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a command with the new stream version and global position', async () => {
    const response = await http().post('/probe/organisations').send(organisation()).expect(201);
    expect(response.body).toMatchObject({ streamVersion: 1, globalPosition: expect.any(Number) });
  });

  it('feeds the directory view in process and lets a query wait for its own write', async () => {
    const sent = organisation();
    const { body } = await http().post('/probe/organisations').send(sent).expect(201);
    const view = await analyst
      .get(`/directory/organisations/${sent.id}`)
      .query({ minPosition: body.globalPosition })
      .expect(200);
    expect(view.body).toMatchObject({ organisationId: sent.id, name: sent.name, people: 0 });
    expect(view.body.globalPosition).toBe(body.globalPosition);
    const list = await analyst.get('/directory/organisations').expect(200);
    expect(list.body.map((o: { organisationId: string }) => o.organisationId)).toContain(sent.id);
  });

  it('says clearly when the asked position is beyond the log, without waiting', async () => {
    const response = await analyst
      .get('/directory/organisations')
      .query({ minPosition: 1_000_000, waitMs: 50 })
      .expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: '/problems/position-not-reached',
      position: 1_000_000,
    });
  });

  it.each([
    [{ minPosition: -1 }],
    [{ minPosition: 'soon' }],
    [{ waitMs: 999_999 }],
    [{ colour: 'blue' }],
  ])('refuses a bad consistency request %j with 400', async (query) => {
    await analyst.get('/directory/organisations').query(query).expect(400);
  });

  it('exposes append and horizon metrics for Prometheus', async () => {
    await http().post('/probe/organisations').send(organisation()).expect(201);
    const response = await http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    expect(response.text).toMatch(/event_store_appends_total\{outcome="appended"\} \d+/);
    expect(response.text).toMatch(/event_store_append_duration_seconds_bucket/);
    expect(response.text).toMatch(/event_store_horizon_lag_seconds/);
    expect(response.text).toMatch(/process_resident_memory_bytes/);
  });

  it('serves the OpenAPI document at /docs-json, the UI at /docs', async () => {
    await http().get('/docs').expect(200).expect('content-type', /html/);
    const document = await http().get('/docs-json').expect(200);
    expect((await http().get('/docs/openapi.json').expect(200)).body).toEqual(document.body);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/probe/organisations']),
    );
  });

  it('gives every field of every request and answer body an example in the OpenAPI document', async () => {
    type Schema = { properties?: Record<string, Record<string, unknown>> };
    type Operation = {
      requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
      responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
    };
    const { body } = await http().get('/docs/openapi.json').expect(200);
    const schemas = body.components.schemas as Record<string, Schema>;
    const nested = (value: Record<string, unknown>) =>
      '$ref' in value ||
      'allOf' in value ||
      (value.type === 'array' && '$ref' in ((value.items as object) ?? {}));
    const missing: string[] = [];
    const check = (where: string, schema: Record<string, unknown> | undefined) => {
      const ref = (schema?.$ref ?? (schema?.items as { $ref?: string })?.$ref) as
        string | undefined;
      if (!ref) return;
      const name = ref.split('/').pop()!;
      for (const [field, value] of Object.entries(schemas[name].properties ?? {})) {
        if (!('example' in value) && !nested(value)) missing.push(`${where} ${name}.${field}`);
      }
    };
    for (const [path, operations] of Object.entries(
      body.paths as Record<string, Record<string, Operation>>,
    )) {
      if (path.startsWith('/probe')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        check(`${method} ${path} body`, operation.requestBody?.content['application/json']?.schema);
        for (const [status, response] of Object.entries(operation.responses)) {
          if (status.startsWith('2'))
            check(`${method} ${path} ${status}`, response.content?.['application/json']?.schema);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  describe('bad input gets a problem document and changes nothing', () => {
    const eventCount = async () =>
      Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);

    it.each([
      ['an unknown field', { ...organisation(), colour: 'blue' }, 'colour'],
      ['a missing field', { id: 'org-abc', name: 'X' }, 'kind'],
      ['a wrong type', { ...organisation(), name: 42 }, 'name'],
      ['a value outside the list', { ...organisation(), kind: 'gang' }, 'kind'],
    ])('%s', async (_case, body, field) => {
      const before = await eventCount();
      const response = await http().post('/probe/organisations').send(body).expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: '/problems/validation',
        status: 400,
        instance: '/probe/organisations',
      });
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await eventCount()).toBe(before);
    });

    it('malformed JSON', async () => {
      const response = await http()
        .post('/probe/organisations')
        .set('content-type', 'application/json')
        .send('{"id": "org-x", "name": ')
        .expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.status).toBe(400);
    });

    it('a body over the 1 MiB limit', async () => {
      const response = await http()
        .post('/probe/organisations')
        .send({ ...organisation(), name: 'x'.repeat(1.2 * 1024 * 1024) })
        .expect(413);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('a stale version: 409 with the current version', async () => {
      const body = organisation();
      await http().post('/probe/organisations').send(body).expect(201);
      await http()
        .post(`/probe/organisations/${body.id}/renames`)
        .set('if-match', '1')
        .send(body)
        .expect(200);
      const before = await eventCount();
      const response = await http()
        .post(`/probe/organisations/${body.id}/renames`)
        .set('if-match', '1')
        .send(body)
        .expect(409);
      expect(response.body).toMatchObject({
        type: '/problems/version-conflict',
        status: 409,
        currentVersion: 2,
      });
      expect(await eventCount()).toBe(before);
    });

    it('a malformed identifier', async () => {
      const response = await http()
        .post('/probe/organisations/Not%20An%20Id/renames')
        .set('if-match', '1')
        .send(organisation());
      expect(response.status).toBe(400);
      expect(response.body.detail).toMatch(/Malformed stream id/);
    });
  });
});
