import { randomUUID } from 'node:crypto';
import { EventStore } from '@soc/event-store';
import { appendMetadata, openAppendTransaction, organisationRegistered } from '@soc/testing';
import { principal, startTestApp, type TestApp } from './support/test-app.js';

/** A header value as Node's HTTP client must be given it to put the text's UTF-8 bytes on the wire. */
const utf8Header = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Reads over HTTP: read-your-writes with `minPosition` or `consistencyToken` (directory and
 * threats), and the stated purpose of a personal-data read in any language, logged as written.
 */
describe('reads: minPosition, consistencyToken and X-Purpose (real PostgreSQL)', () => {
  let t: TestApp;
  const suffix = randomUUID().slice(0, 8);
  const organisationId = `reads-${suffix}`;
  const personId = `subject-${suffix}`;
  const admin = principal(organisationId, ['admin'], `admin-${organisationId}`);
  const analyst = principal(organisationId, ['analyst'], `analyst-${organisationId}`);
  const lro = principal(organisationId, ['lro'], `lro-${organisationId}`);
  const auditor = principal(`audit-${suffix}`, ['auditor'], `auditor-${suffix}`);
  let enrolledAt = 0;

  const registration = () => ({
    ownerOrganisationId: organisationId,
    kind: 'ocg',
    codeName: 'OPERATION MERLIN',
    summary: 'Supply of cocaine through a car wash',
    priorityArea: 'county-lines',
    type: 'tactical',
    tier: 3,
    phase: 'active',
    soc: true,
    lro: { personId: lro.personId, organisationId },
    marking: 'OFFICIAL',
    signposting: false,
  });
  const headPosition = async () => {
    const { rows } = await t.db.pool.query<{ head: string }>(
      'SELECT max(global_position) AS head FROM event_store.global_log',
    );
    return Number(rows[0].head);
  };
  const accessLog = async (subject: string) =>
    (
      await (
        await t.as(auditor, 'Annual s.62 audit')
      )
        .get('/audit/personal-data-access')
        .query({ subject })
        .expect(200)
    ).body as { purpose: string; personId: string; operation: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    await (
      await t.as(principal(`root-${suffix}`, ['admin'], `admin-root-${suffix}`))
    )
      .post('/directory/organisations')
      .send({ organisationId, name: 'Reads Constabulary', kind: 'police-force' })
      .expect(201);
    const { body } = await (
      await t.as(admin)
    )
      .post(`/directory/organisations/${organisationId}/people`)
      .send({ personId, displayName: 'Alex Example', roles: ['analyst'] })
      .expect(201);
    enrolledAt = body.globalPosition;
  });
  afterAll(() => t?.close());

  describe('minPosition', () => {
    it('waits for the position a command answered with, in the directory and in threats', async () => {
      const reader = await t.as(analyst);
      const organisation = await reader
        .get(`/directory/organisations/${organisationId}`)
        .query({ minPosition: enrolledAt })
        .expect(200);
      expect(organisation.body).toMatchObject({ organisationId });
      await reader
        .get(`/directory/people/${personId}`)
        .query({ minPosition: enrolledAt })
        .expect(200);

      const registered = await reader.post('/threats').send(registration()).expect(201);
      const { threatId, globalPosition } = registered.body;
      const threat = await reader
        .get(`/threats/${threatId}`)
        .query({ minPosition: globalPosition })
        .expect(200);
      expect(threat.body).toMatchObject({ threatId, codeName: 'OPERATION MERLIN' });
      await (
        await t.as(lro)
      )
        .get('/views/my-plans')
        .query({ minPosition: globalPosition })
        .expect(200);
    });

    it.each([
      ['the organisations', () => '/directory/organisations', analyst],
      ['a person', () => `/directory/people/${personId}`, analyst],
      ['the master list', () => '/threats', analyst],
      ['the counts', () => '/threats/counts', analyst],
      ['the LRO view', () => '/views/my-plans', lro],
    ])('refuses at once a position the log has not reached: %s', async (_what, path, caller) => {
      const head = await headPosition();
      for (const minPosition of [head + 1, 2_000_000_000]) {
        // A wait would end in a 503 after waitMs; the refusal comes before any wait.
        const response = await (
          await t.as(caller)
        )
          .get(path())
          .query({ minPosition, waitMs: 30_000 })
          .expect(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({
          type: '/problems/position-not-reached',
          title: 'Bad request',
          status: 400,
          detail: `Global position ${minPosition} has not been reached by the log: the newest position is ${head}`,
          position: minPosition,
          headPosition: head,
        });
      }
    });

    it('still answers at once for the newest position itself', async () => {
      await (
        await t.as(analyst)
      )
        .get('/directory/organisations')
        .query({ minPosition: await headPosition() })
        .expect(200);
    });
  });

  describe('consistencyToken', () => {
    it('reads the write a command answered with by its token, in the directory and in threats', async () => {
      const reader = await t.as(analyst);
      const registered = await reader.post('/threats').send(registration()).expect(201);
      const { threatId, consistencyToken } = registered.body;
      expect(consistencyToken).toMatch(/^[1-9][0-9]*$/);
      const threat = await reader
        .get(`/threats/${threatId}`)
        .query({ consistencyToken })
        .expect(200);
      expect(threat.body).toMatchObject({ threatId, codeName: 'OPERATION MERLIN' });
      await reader.get('/directory/organisations').query({ consistencyToken }).expect(200);
      await (await t.as(lro)).get('/views/my-plans').query({ consistencyToken }).expect(200);
    });

    it('waits for a write that has no global position yet, and answers 503 while an older append holds it back', async () => {
      const store = t.app.get(EventStore);
      const older = await openAppendTransaction(t.db.pool, store.sealer);
      try {
        await older.store.append(
          `organisation:held-${suffix}`,
          'no-stream',
          [organisationRegistered(`held-${suffix}`)],
          appendMetadata({ personId: 'held', organisationId }),
          { awaitGlobalPosition: false },
        );
        const waiting = `waiting-${suffix}`;
        const { consistencyToken, globalPosition } = await store.append(
          `organisation:${waiting}`,
          'no-stream',
          [organisationRegistered(waiting)],
          appendMetadata({ personId: 'registrar', organisationId }),
          { awaitGlobalPosition: false },
        );
        expect(globalPosition).toBeNull();
        const reader = await t.as(analyst);
        const behind = await reader
          .get(`/directory/organisations/${waiting}`)
          .query({ consistencyToken, waitMs: 300 })
          .expect(503);
        expect(behind.body).toMatchObject({ type: '/problems/projection-behind', position: null });

        // Sent while the older append is still open; it answers once that one has committed.
        const reading = reader
          .get(`/directory/organisations/${waiting}`)
          .query({ consistencyToken, waitMs: 10_000 })
          .then((response) => response);
        await older.end('COMMIT');
        const { status, body } = await reading;
        expect(status).toBe(200);
        expect(body).toMatchObject({ organisationId: waiting });
      } finally {
        await older.end('ROLLBACK');
      }
    });

    it.each([
      ['a seq no command answered with', '987654321987'],
      ['not a token at all', 'not-a-token'],
    ])('refuses at once a token that is %s', async (_what, consistencyToken) => {
      const response = await (
        await t.as(analyst)
      )
        .get('/threats')
        .query({ consistencyToken, waitMs: 30_000 })
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: '/problems/unknown-consistency-token',
        status: 400,
        token: consistencyToken,
      });
    });

    it('refuses a token longer than any the store issues as invalid input', async () => {
      await (
        await t.as(analyst)
      )
        .get('/threats')
        .query({ consistencyToken: '1'.repeat(21) })
        .expect(400)
        .expect(({ body }) => expect(body.type).toBe('/problems/validation'));
    });
  });

  describe('X-Purpose', () => {
    it('accepts a purpose sent as UTF-8 and logs exactly its text', async () => {
      const purpose = 'Überprüfung der Akte';
      await (
        await t.as(analyst, utf8Header(purpose))
      )
        .get(`/directory/people/${personId}`)
        .query({ minPosition: enrolledAt })
        .expect(200);
      const logged = await accessLog(`person:${personId}`);
      expect(logged).toContainEqual(
        expect.objectContaining({
          operation: 'consultation',
          personId: analyst.personId,
          purpose: 'Überprüfung der Akte',
        }),
      );
    });

    it('logs Welsh and Chinese purposes as written, on reads and on collection', async () => {
      const welsh = 'Adolygiad ŵyr ac wyrion';
      await (
        await t.as(analyst, utf8Header(welsh))
      )
        .get(`/directory/organisations/${organisationId}/people`)
        .query({ minPosition: enrolledAt })
        .expect(200);
      expect((await accessLog(`person:${personId}`)).map((entry) => entry.purpose)).toContain(
        welsh,
      );

      const chinese = '審查檔案以準備多機構會議';
      const reader = await t.as(analyst, utf8Header(chinese));
      const { threatId } = (await reader.post('/threats').send(registration()).expect(201)).body;
      // Node's client writes the headers together with a body given as text, all as UTF-8,
      // which would encode the header's bytes twice; a body given as bytes leaves them alone.
      const collection = reader
        .post(`/threats/${threatId}/plan/people`)
        .set('content-type', 'application/json');
      collection.write(Buffer.from(JSON.stringify({ name: 'Jordan Example', role: 'principal' })));
      await collection.expect(201);
      const { rows } = await t.db.pool.query<{ purpose: string }>(
        `SELECT purpose FROM security.personal_data_access_log
          WHERE operation = 'collection' AND record_id = $1`,
        [threatId],
      );
      expect(rows).toEqual([{ purpose: chinese }]);
    });

    it.each([
      ['a C1 control sent as UTF-8', utf8Header('Review\u0085 of the file')],
      ['a C1 control sent as latin-1', 'Review\u009b of the file'],
      ['a private-use character', utf8Header('Review \ue000 of the file')],
      ['a bidirectional override', utf8Header('Review \u202eelif eht fo')],
      ['under 3 characters', 'ab'],
      ['over 500 characters', utf8Header('ŵ'.repeat(501))],
    ])('refuses a purpose with %s, logging nothing', async (_what, header) => {
      const before = (await accessLog(`person:${personId}`)).length;
      const { body } = await (
        await t.as(analyst, header)
      )
        .get(`/directory/people/${personId}`)
        .expect(400);
      expect(body).toMatchObject({ type: '/problems/purpose-malformed', status: 400 });
      expect(await accessLog(`person:${personId}`)).toHaveLength(before);
    });
  });
});

describe('commands answering at commit (POSITION_WAIT_MS=0), reads waiting on their token (real PostgreSQL)', () => {
  let t: TestApp;
  const suffix = randomUUID().slice(0, 8);
  const root = principal(`root-${suffix}`, ['admin'], `admin-root-${suffix}`);

  beforeAll(async () => {
    t = await startTestApp({ env: { POSITION_WAIT_MS: '0' } });
  });
  afterAll(() => t?.close());

  it('answers with the token and no position, and a read given the token shows the write', async () => {
    const admin = await t.as(root);
    for (let i = 0; i < 10; i++) {
      const organisationId = `at-commit-${suffix}-${i}`;
      const { body } = await admin
        .post('/directory/organisations')
        .send({ organisationId, name: `At Commit ${i}`, kind: 'statutory-partner' })
        .expect(201);
      expect(body).toMatchObject({ globalPosition: null, consistencyToken: expect.any(String) });
      const read = await admin
        .get(`/directory/organisations/${organisationId}`)
        .query({ consistencyToken: body.consistencyToken })
        .expect(200);
      expect(read.body).toMatchObject({ organisationId, name: `At Commit ${i}` });
    }
  });
});
