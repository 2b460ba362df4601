import { randomUUID } from 'node:crypto';
import { eventOf, PlanUpdated } from '@soc/contracts';
import { EventStore } from '@soc/event-store';
import { rebuildProjection } from '@soc/messaging';
import { CLOCK } from '@soc/platform';
import { principal, startTestApp, type TestApp } from '../../../test/support/test-app.js';
import {
  assessed,
  at,
  lroOf,
  moderated,
  registered,
  Timeline,
} from '../test/threat-views.fixtures.js';
import { threatsProjection } from './threats-projection/threats.projection.js';

/** Today is fixed for the read side's flags and the printable page's date. */
const fixedClock = { now: () => new Date('2022-01-10T12:00:00Z') };

const CLEVELAND = 'cleveland-police';
const analyst = principal(CLEVELAND, ['analyst']);
const lro = principal(CLEVELAND, ['lro'], lroOf(CLEVELAND).personId);
const stranger = principal('redcar-housing', ['partner-officer']);

describe('threat views over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  const signposted = randomUUID();
  const hidden = randomUUID();

  beforeAll(async () => {
    t = await startTestApp({ overrides: [{ provide: CLOCK, useValue: fixedClock }] });
    const store = t.app.get(EventStore);
    const timeline = new Timeline(store);
    await timeline.record(signposted, at('2021-06-01'), [
      registered(CLEVELAND, { codeName: 'OPERATION KESTREL', signposting: true })(signposted),
      assessed('a-1', 1000, '2021-12-01')(signposted),
      moderated('a-1')(signposted),
      eventOf(PlanUpdated, {
        threatId: signposted,
        criminalActivity: 'Deal line </style><script>alert(1)</script>',
        placesAffected: ['Hartlepool'],
        risks: [],
        reviewDate: '2022-01-01',
      }),
    ]);
    await timeline.record(hidden, at('2021-06-01'), [registered(CLEVELAND)(hidden)]);
    await rebuildProjection(t.db.pool, store, threatsProjection);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the master list', async () => {
    const { body } = await (await t.as(analyst)).get('/threats').expect(200);
    expect(body).toHaveLength(2);
    expect(body.find((b: { threatId: string }) => b.threatId === signposted)).toMatchObject({
      codeName: 'OPERATION KESTREL',
      currentScore: 1000,
      moderationStatus: 'moderated',
    });
  });

  it('counts under the regional rule at /threats/counts, not taking "counts" for an id', async () => {
    const { body } = await (
      await t.as(stranger)
    )
      .get('/threats/counts')
      .query({ asOf: '2022-01-10' })
      .expect(200);
    expect(body).toEqual({
      asOf: '2022-01-10',
      total: 1,
      byOrganisation: [{ organisationId: CLEVELAND, count: 1 }],
    });
  });

  it('refuses malformed queries field by field, and unknown fields', async () => {
    const as = await t.as(analyst);
    const problem = async (url: string) =>
      (await as.get(url).expect(400)).body as { errors: { field: string }[] };
    expect((await problem('/threats/counts?asOf=2022-02-30')).errors[0].field).toBe('asOf');
    expect((await problem('/threats?stale=maybe')).errors[0].field).toBe('stale');
    expect((await problem('/threats?tier=6')).errors[0].field).toBe('tier');
    expect((await problem('/threats?colour=red')).errors[0].field).toBe('colour');
    expect((await problem('/threats/not-a-uuid')).errors[0].field).toBe('threatId');
    expect((await problem(`/threats/${hidden}?minPosition=-1`)).errors[0].field).toBe(
      'minPosition',
    );
    await as.get('/threats?stale=true').expect(200);
  });

  it('answers 403 naming the holder for a signposted threat, 404 for the others', async () => {
    const as = await t.as(stranger);
    const { body } = await as.get(`/threats/${signposted}`).expect(403);
    expect(body).toMatchObject({ status: 403, holderOrganisationId: CLEVELAND });
    await as.get(`/threats/${hidden}`).expect(404);
    await as.get(`/threats/${hidden}/plan`).expect(404);
    await as.get(`/threats/${randomUUID()}`).expect(404);
  });

  it('needs a purpose to show the plan on a page', async () => {
    const token = await t.tokenFor(analyst);
    await t
      .http()
      .get(`/threats/${signposted}/plan`)
      .set('authorization', `Bearer ${token}`)
      .expect(400);
    const { body, headers } = await (
      await t.as(analyst)
    )
      .get(`/threats/${signposted}/plan`)
      .expect(200);
    expect(body).toMatchObject({ codeName: 'OPERATION KESTREL', reviewOverdue: true });
    expect(headers['cache-control']).toBe('no-store');
  });

  it('serves the printable page as self-contained HTML under a strict content security policy', async () => {
    const response = await (
      await t.as(analyst)
    )
      .get(`/threats/${signposted}/plan.html`)
      .expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toMatch(/^<!DOCTYPE html>/);
    expect(response.text).toContain('&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(response.text).not.toContain('<script');
    expect(response.text).toContain('Prepared for cleveland-police on 2022-01-10');
    await (await t.as(stranger)).get(`/threats/${signposted}/plan.html`).expect(403);
  });

  it('shows "my plans" to LROs only', async () => {
    await (await t.as(analyst)).get('/views/my-plans').expect(403);
    const { body } = await (await t.as(lro)).get('/views/my-plans').expect(200);
    expect(body.map((p: { codeName: string }) => p.codeName)).toHaveLength(2);
    expect(body[0]).toMatchObject({ codeName: 'OPERATION KESTREL', reviewOverdue: true });
  });

  it('documents every route under the threats tag with its response type', async () => {
    const { body } = await t.http().get('/docs/openapi.json').expect(200);
    const doc = body as {
      paths: Record<string, { get?: { tags?: string[]; responses: Record<string, unknown> } }>;
    };
    for (const path of [
      '/threats',
      '/threats/counts',
      '/threats/{threatId}',
      '/threats/{threatId}/plan',
      '/threats/{threatId}/plan.html',
      '/views/my-plans',
    ]) {
      expect(doc.paths[path]?.get?.tags).toContain('threats');
      expect(doc.paths[path]?.get?.responses['200']).toBeDefined();
    }
  });
});
