import { randomUUID } from 'node:crypto';
import { IntegrityVerifier } from '@soc/event-store';
import { type AccessContext, ScopedReader } from '@soc/security';
import { principal, startTestApp, type Caller, type TestApp } from './support/test-app.js';

/**
 * Need to know over HTTP against real PostgreSQL: two forces and an auditor, each seeing exactly
 * what is theirs; personal data read only with a purpose and logged; erasure by crypto-shredding.
 */
describe('security end to end (real PostgreSQL)', () => {
  let t: TestApp;
  const suffix = randomUUID().slice(0, 6);
  const cleveland = `cleveland-${suffix}`;
  const durham = `durham-${suffix}`;
  const admin = (org: string) => principal(org, ['admin'], `admin-${org}`);
  const analyst = (org: string) => principal(org, ['analyst'], `analyst-${org}`);
  const auditor = principal(`hmicfrs-${suffix}`, ['auditor'], `auditor-${suffix}`);
  const lro = `lro-${suffix}`;
  let lastPosition = 0;

  const as = (caller: Caller, purpose?: string) => t.as(caller, purpose);
  const remember = (body: { globalPosition: number }) => {
    lastPosition = Math.max(lastPosition, body.globalPosition);
    return body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const root = await as(admin(`nersou-${suffix}`));
    for (const [organisationId, name] of [
      [cleveland, 'Cleveland Police'],
      [durham, 'Durham Constabulary'],
    ]) {
      const { body } = await root
        .post('/directory/organisations')
        .send({ organisationId, name, kind: 'police-force' })
        .expect(201);
      remember(body);
    }
    const { body } = await (
      await as(admin(cleveland))
    )
      .post(`/directory/organisations/${cleveland}/people`)
      .send({ personId: lro, displayName: 'DI Sam Carter', roles: ['lro'] })
      .expect(201);
    remember(body);
    await (
      await as(admin(durham))
    )
      .post(`/directory/organisations/${durham}/people`)
      .send({ personId: `dc-${suffix}`, displayName: 'DS Alex Reid', roles: ['analyst'] })
      .expect(201)
      .then((r) => remember(r.body));
  });
  afterAll(() => t.close());

  describe('authentication', () => {
    it('refuses a request without a token, saying only that', async () => {
      const response = await t.http().get('/directory/organisations').expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).toMatchObject({
        status: 401,
        detail: 'Invalid or missing bearer token',
      });
    });

    it('refuses a tampered token (the forged-token suite covers the other attacks)', async () => {
      const good = await t.tokenFor(analyst(cleveland));
      const [header, payload, signature] = good.split('.');
      const forged = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
          org: durham,
        }),
      ).toString('base64url');
      await t
        .http()
        .get('/directory/organisations')
        .set('authorization', `Bearer ${header}.${forged}.${signature}`)
        .expect(401);
    });

    it('keeps health and metrics open', async () => {
      await t.http().get('/health').expect(200);
      await t.http().get('/metrics').expect(200);
    });
  });

  describe('need to know', () => {
    it('lets a person of the same organisation read a colleague, with a purpose', async () => {
      const response = await (
        await as(analyst(cleveland), 'MARSOC preparation')
      )
        .get(`/directory/people/${lro}`)
        .query({ minPosition: lastPosition })
        .expect(200);
      expect(response.body).toMatchObject({
        personId: lro,
        organisationId: cleveland,
        displayName: 'DI Sam Carter',
        erased: false,
        roles: ['lro'],
      });
    });

    it('refuses a read of personal data without a purpose, logging nothing', async () => {
      const token = await t.tokenFor(analyst(cleveland));
      const response = await t
        .http()
        .get(`/directory/people/${lro}`)
        .set('authorization', `Bearer ${token}`)
        .expect(400);
      expect(response.body.type).toBe('/problems/purpose-required');
    });

    it('answers 404 to another force guessing a person id, and 403 to a list of its people', async () => {
      const durhamAnalyst = await as(analyst(durham));
      const guess = await durhamAnalyst.get(`/directory/people/${lro}`).expect(404);
      expect(JSON.stringify(guess.body)).not.toContain('Carter');
      await durhamAnalyst.get(`/directory/organisations/${cleveland}/people`).expect(403);
    });

    it('refuses to let one force change or erase another force’s people (404, nothing appended)', async () => {
      const before = await t.eventCount();
      const durhamAdmin = await as(admin(durham));
      await durhamAdmin
        .put(`/directory/people/${lro}/roles`)
        .send({ roles: ['admin'] })
        .expect(404);
      await durhamAdmin
        .post(`/directory/people/${lro}/erasure`)
        .send({ reason: 'guessing another force’s ids' })
        .expect(404);
      await durhamAdmin
        .post(`/directory/organisations/${cleveland}/people`)
        .send({ personId: `mole-${suffix}`, displayName: 'Mole', roles: ['admin'] })
        .expect(403);
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses roles that do not grant the command (403, nothing appended)', async () => {
      const before = await t.eventCount();
      await (
        await as(analyst(cleveland))
      )
        .post(`/directory/organisations/${cleveland}/people`)
        .send({ personId: `x-${suffix}`, displayName: 'X', roles: [] })
        .expect(403);
      await (
        await as(principal(cleveland, [], `nobody-${suffix}`))
      )
        .get('/directory/organisations')
        .expect(403);
      expect(await t.eventCount()).toBe(before);
    });

    it('lets an auditor read everyone, and logs each disclosure with its purpose', async () => {
      const response = await (
        await as(auditor, 'Annual s.62 audit')
      )
        .get(`/directory/organisations/${cleveland}/people`)
        .expect(200);
      expect(response.body.map((p: { personId: string }) => p.personId)).toEqual([lro]);
      const log = await (
        await as(auditor)
      )
        .get('/audit/personal-data-access')
        .query({ subject: `person:${lro}` })
        .expect(200);
      expect(log.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            operation: 'consultation',
            personId: `analyst-${cleveland}`,
            organisationId: cleveland,
            purpose: 'MARSOC preparation',
            recordType: 'person',
            recordId: lro,
          }),
          expect.objectContaining({
            operation: 'disclosure',
            personId: auditor.personId,
            disclosedTo: auditor.organisationId,
            purpose: 'Annual s.62 audit',
          }),
        ]),
      );
    });

    it('keeps the access log for auditors only', async () => {
      await (await as(admin(cleveland))).get('/audit/personal-data-access').expect(403);
    });
  });

  describe('retries', () => {
    it('answers a repeated command with the same Idempotency-Key once, and refuses the key for another body', async () => {
      const key = `enrol-${suffix}`;
      const clevelandAdmin = await as(admin(cleveland));
      const send = (personId: string) =>
        clevelandAdmin
          .post(`/directory/organisations/${cleveland}/people`)
          .set('idempotency-key', key)
          .send({ personId, displayName: 'PC Lee Hall', roles: ['partner-officer'] });
      const first = await send(`retry-${suffix}`).expect(201);
      const events = await t.eventCount();
      const again = await send(`retry-${suffix}`).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await t.eventCount()).toBe(events);
      const other = await send(`other-${suffix}`).expect(422);
      expect(other.body.type).toMatch(/idempotency-key-reused$/);
      expect(await t.eventCount()).toBe(events);
    });
  });

  describe('row-level security with the application’s own checks switched off', () => {
    const scope = (caller: Caller): AccessContext => ({
      principal: caller,
      purpose: 'defence in depth test',
      requestId: null,
    });

    it('shows a force only its own people, whatever the query asks', async () => {
      const reader = t.app.get(ScopedReader);
      const rows = await reader.read(scope(analyst(durham)), async (db) => {
        const { rows: all } = await db.query<{ organisation_id: string }>(
          'SELECT organisation_id FROM directory.people',
        );
        return all;
      });
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.organisation_id))).toEqual(new Set([durham]));
    });

    it('reads the generation table itself under the same policy, and nothing else', async () => {
      const { rows } = await t.db.pool.query<{ schema_name: string }>(
        `SELECT schema_name FROM delivery.projection_generations
          WHERE projection = 'directory' AND status = 'active'`,
      );
      const reader = t.app.get(ScopedReader);
      const people = await reader.read(
        scope(analyst(durham)),
        async (db) =>
          (
            await db.query<{ organisation_id: string }>(
              `SELECT organisation_id FROM "${rows[0].schema_name}".people`,
            )
          ).rows,
      );
      expect(new Set(people.map((r) => r.organisation_id))).toEqual(new Set([durham]));
      for (const sql of [
        'SELECT * FROM event_store.events LIMIT 1',
        'SELECT * FROM security.subject_keys LIMIT 1',
        'SELECT * FROM security.personal_data_access_log LIMIT 1',
        'SELECT * FROM delivery.projection_generations LIMIT 1',
        'SELECT * FROM api.idempotency_keys LIMIT 1',
        `DELETE FROM directory.people`,
      ]) {
        await expect(reader.read(scope(auditor), (db) => db.query(sql))).rejects.toThrow(
          /permission denied/,
        );
      }
    });
  });

  describe('erasure by crypto-shredding', () => {
    it('erases a person: the events stay and verify, every view shows the name as erased', async () => {
      const clevelandAdmin = await as(admin(cleveland));
      const { body } = await clevelandAdmin
        .post(`/directory/people/${lro}/erasure`)
        .send({ reason: 'Left the force; retention period ended' })
        .expect(200);
      const view = await (
        await as(analyst(cleveland))
      )
        .get(`/directory/people/${lro}`)
        .query({ minPosition: body.globalPosition })
        .expect(200);
      expect(view.body).toMatchObject({ personId: lro, displayName: null, erased: true });

      const { rows } = await t.db.pool.query<{ payload: { displayName: unknown } }>(
        `SELECT payload FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
        [`person:${lro}`],
      );
      expect(rows).toHaveLength(2);
      expect(JSON.stringify(rows[0].payload)).not.toContain('Carter');
      const verifier = t.app.get(IntegrityVerifier);
      expect(await verifier.verifyStream(`person:${lro}`)).toMatchObject({ ok: true, checked: 2 });
      expect(await verifier.verifyLog()).toMatchObject({ ok: true });

      const log = await (
        await as(auditor)
      )
        .get('/audit/personal-data-access')
        .query({ subject: `person:${lro}` })
        .expect(200);
      expect(log.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ operation: 'erasure', personId: `admin-${cleveland}` }),
        ]),
      );
      // Erasing again changes nothing; the person cannot be enrolled again under the same id.
      await clevelandAdmin
        .post(`/directory/people/${lro}/erasure`)
        .send({ reason: 'Left the force; retention period ended' })
        .expect(200);
      await clevelandAdmin
        .post(`/directory/organisations/${cleveland}/people`)
        .send({ personId: lro, displayName: 'DI Sam Carter', roles: ['lro'] })
        .expect(409);
    });
  });
});
