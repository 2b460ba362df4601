import { escapeHtml, renderPlanHtml } from './plan-html.js';
import type { PlanOnAPageView } from './plan-on-a-page.dto.js';

const hostile = `<img src=x onerror="alert('x')">&`;

const plan: PlanOnAPageView = {
  threatId: '0197c1f0-0000-7000-8000-000000000001',
  codeName: hostile,
  ownerOrganisationId: 'durham-constabulary',
  kind: 'soc-vulnerability',
  summary: hostile,
  priorityArea: 'county-lines',
  type: 'tactical',
  tier: 2,
  phase: 'active',
  marking: 'OFFICIAL-SENSITIVE',
  lro: { personId: 'durham-lro', organisationId: 'durham-constabulary' },
  sro: null,
  place: hostile,
  clearHoldBuildPhase: 'hold',
  currentAssessment: {
    assessmentId: 'a-1',
    modelVersion: hostile,
    scores: { harm: 1, likelihood: 2, confidence: 3, capacity: 4, capability: 5 },
    outputs: { totalScore: 15, priority: 'low', opportunity: 'high' },
    assessedOn: '2021-01-01',
    intelligenceDate: '2021-01-01',
    stale: true,
    moderationStatus: 'returned',
    moderationNote: hostile,
  },
  trend: 'new',
  criminalActivity: hostile,
  placesAffected: [hostile],
  risks: [hostile],
  reviewDate: '2021-12-01',
  reviewOverdue: true,
  lastReviewedOn: null,
  people: [
    { involvementId: 'i-1', subjectId: 'subject:1', name: hostile, erased: false, role: hostile },
    { involvementId: 'i-2', subjectId: 'subject:2', name: null, erased: true, role: 'victim' },
  ],
  actions: [
    {
      actionId: 'x-1',
      category: 'protect',
      description: hostile,
      owner: { personId: hostile, organisationId: 'durham-constabulary' },
      dueDate: '2021-12-01',
      status: 'agreed',
      pastDue: true,
      outcome: null,
      cancellationReason: null,
      createdAt: '2021-11-01T09:00:00.000Z',
      updatedAt: '2021-11-01T09:00:00.000Z',
      progress: [
        {
          note: hostile,
          on: '2021-11-15',
          recordedAt: '2021-11-15T09:00:00.000Z',
          recordedBy: { personId: 'p', organisationId: 'o' },
        },
      ],
      referrals: [],
    },
  ],
  preparedFor: 'durham-constabulary',
  preparedOn: '2022-01-10',
  globalPosition: 42,
};

describe('plan on a page as HTML', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml(null)).toBe('');
  });

  const html = renderPlanHtml(plan);

  it('escapes every value: no markup from the data survives', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror="/);
    const escaped = '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;';
    // code name (title and heading), summary, place, model, note, activity, place, risk, person,
    // role, action, owner, progress.
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(13);
  });

  it('is self-contained: no script, no external resource, one inline stylesheet with print rules', () => {
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href|style|on\w+)=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toContain('@media print');
  });

  it('carries the marking at the top and the bottom, and says for whom and when', () => {
    const markings = [...html.matchAll(/<div class="marking">([^<]*)<\/div>/g)];
    expect(markings.map((m) => m[1])).toEqual(['OFFICIAL-SENSITIVE', 'OFFICIAL-SENSITIVE']);
    expect(html.indexOf('class="marking"')).toBeLessThan(html.indexOf('<h1>'));
    expect(html.lastIndexOf('class="marking"')).toBeGreaterThan(html.lastIndexOf('</main>'));
    expect(html).toContain('Prepared for durham-constabulary on 2022-01-10');
  });

  it('flags what stands out and shows erased people as erased', () => {
    expect(html).toContain('OVERDUE');
    expect(html).toContain('PAST DUE');
    expect(html).toContain('STALE');
    expect(html).toContain('[erased]');
  });
});
