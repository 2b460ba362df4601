import { day, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** What every threat command shares: validation, If-Match and the OpenAPI documentation. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const harness = threatCommandsHarness();
  const { as, callers, org, registration, action, register, propose, refused } = harness;
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
  });

  describe('validation', () => {
    it('refuses malformed bodies and paths (400), appending nothing', async () => {
      const threatId = await register();
      const bodies = await refused(
        400,
        () => as.analyst.post('/threats').send({ ...registration(), rogue: true }),
        () => as.analyst.post('/threats').send(registration({ tier: '2' })),
        () => as.analyst.post('/threats').send(registration({ tier: 6 })),
        () => as.analyst.post('/threats').send(registration({ openedOn: '2026-02-30' })),
        () => as.analyst.post('/threats').send(registration({ openedOn: '2026-1-5' })),
        () => as.analyst.post('/threats').send(registration({ openedOn: `${day(-60)}T00:00:00Z` })),
        () => as.analyst.post('/threats').send(registration({ priorityArea: 'littering' })),
        () => as.analyst.post('/threats').send(registration({ phase: 'Not A Slug!' })),
        () => as.analyst.post('/threats').send(registration({ codeName: 'K'.repeat(101) })),
        () =>
          as.analyst.post('/threats').send(
            registration({
              lro: {
                personId: 'x-1',
                organisationId: org.cleveland,
                extra: 1,
              },
            }),
          ),
        () => as.analyst.post('/threats').send(registration({ lro: 'lro-1' })),
        () =>
          as.analyst.post(`/threats/not-a-uuid/tier`).send({ tier: 1, reason: 'a valid reason' }),
        () => as.analyst.post(`/threats/${threatId}/plan/shares`).send({ organisationIds: [] }),
        () =>
          as.analyst.post(`/threats/${threatId}/plan/shares`).send({
            organisationIds: Array.from({ length: 101 }, (_, i) => `org-${i}`),
          }),
        () =>
          as.lro
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.lro, { dueDate: '31/12/2026' })),
        () =>
          as.lro
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.lro, { category: 'punish' })),
        () => as.analyst.delete(`/threats/${threatId}/plan/shares/Not%20A%20Slug`),
      );
      expect(bodies.every((b) => b.type === '/problems/validation')).toBe(true);
      expect(bodies[0].errors).toEqual([
        expect.objectContaining({
          field: 'rogue',
          message: 'property rogue should not exist',
        }),
      ]);
    });
  });

  describe('If-Match', () => {
    it('applies a command at the version the caller saw, and refuses a stale or malformed one', async () => {
      const threatId = await register();
      await as.analyst
        .post(`/threats/${threatId}/tier`)
        .set('if-match', '1')
        .send({ tier: 3, reason: 'Re-scored at the tasking meeting' })
        .expect(200)
        .expect((r) => expect(r.body.streamVersion).toBe(2));
      const [stale] = await refused(409, () =>
        as.lro
          .post(`/threats/${threatId}/tier`)
          .set('if-match', '1')
          .send({ tier: 1, reason: 'Based on what I saw before the change' }),
      );
      expect(stale).toMatchObject({
        type: '/problems/version-conflict',
        currentVersion: 2,
      });
      await refused(
        400,
        () =>
          as.lro
            .post(`/threats/${threatId}/tier`)
            .set('if-match', 'latest')
            .send({ tier: 1, reason: 'Not a version at all' }),
        () =>
          as.lro.post(`/threats/${threatId}/phase`).set('if-match', '-1').send({ phase: 'pursue' }),
      );
      await as.lro
        .post(`/threats/${threatId}/phase`)
        .set('if-match', '"2"')
        .send({ phase: 'pursue' })
        .expect(200);
    });

    it('answers a stale If-Match on an action 409 too, appending nothing', async () => {
      const threatId = await register();
      const actionId = await propose(threatId, callers.lro);
      await refused(409, () =>
        as.lro.post(`/threats/${threatId}/actions/${actionId}/agreement`).set('if-match', '1'),
      );
      await as.lro
        .post(`/threats/${threatId}/actions/${actionId}/agreement`)
        .set('if-match', '2')
        .expect(200);
    });
  });

  it('documents every command route under the threats tag, with its permission and examples', async () => {
    const { body } = await t.http().get('/docs/openapi.json').expect(200);
    const operations = Object.entries(
      body.paths as Record<string, Record<string, { tags?: string[]; responses: object }>>,
    )
      .filter(([path]) => path.startsWith('/threats'))
      .flatMap(([path, verbs]) =>
        Object.entries(verbs).map(([verb, operation]) => ({
          route: `${verb} ${path}`,
          operation,
        })),
      )
      .filter(({ operation }) => operation.tags?.includes('threats') && 'responses' in operation);
    const commands = operations.filter(({ route }) => !route.startsWith('get '));
    expect(commands.map(({ route }) => route).sort()).toEqual(
      [
        'post /threats',
        'post /threats/{threatId}/tier',
        'post /threats/{threatId}/phase',
        'post /threats/{threatId}/lro',
        'post /threats/{threatId}/closure',
        'post /threats/{threatId}/assessments',
        'post /threats/{threatId}/assessments/{assessmentId}/moderation',
        'put /threats/{threatId}/plan',
        'post /threats/{threatId}/plan/reviews',
        'post /threats/{threatId}/plan/shares',
        'delete /threats/{threatId}/plan/shares/{organisationId}',
        'post /threats/{threatId}/plan/people',
        'post /threats/{threatId}/plan/people/{involvementId}/removal',
        'post /threats/{threatId}/actions',
        'post /threats/{threatId}/actions/{actionId}/agreement',
        'post /threats/{threatId}/actions/{actionId}/start',
        'post /threats/{threatId}/actions/{actionId}/completion',
        'post /threats/{threatId}/actions/{actionId}/cancellation',
        'post /threats/{threatId}/actions/{actionId}/progress',
      ].sort(),
    );
    for (const { operation } of commands) {
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['400', '401', '403', '404', '409']),
      );
    }
    const schemas = body.components.schemas as Record<
      string,
      {
        properties: Record<string, { example?: unknown; $ref?: string; allOf?: unknown }>;
      }
    >;
    for (const name of ['RegisterThreatBody', 'RecordAssessmentBody', 'ProposeActionBody']) {
      for (const [field, property] of Object.entries(schemas[name].properties)) {
        const documented = property.example !== undefined || property.$ref || property.allOf;
        expect({ name, field, documented: Boolean(documented) }).toEqual({
          name,
          field,
          documented: true,
        });
      }
    }
  });
});
