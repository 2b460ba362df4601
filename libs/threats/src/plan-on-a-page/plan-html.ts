import type { PlanActionView, PlanOnAPageView } from './plan-on-a-page.dto.js';

/** What the plan.html route sends with its page: nothing may load, only inline styles apply. */
export const PLAN_HTML_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

const STYLE = `
  body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111;
         margin: 1.5rem auto; max-width: 60rem; padding: 0 1rem; }
  .marking { text-align: center; font-weight: 700; letter-spacing: .1em; border: 2px solid #111;
             padding: .25rem; margin: .5rem 0; }
  h1 { font-size: 1.5rem; margin: .75rem 0 .25rem; }
  h2 { font-size: 1.1rem; border-bottom: 1px solid #999; margin: 1.25rem 0 .5rem; }
  .prepared { color: #444; margin: 0 0 1rem; }
  table { border-collapse: collapse; width: 100%; margin: .25rem 0 .75rem; }
  th, td { border: 1px solid #bbb; padding: .25rem .4rem; text-align: left; vertical-align: top; }
  th { background: #eee; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  .flag { font-weight: 700; color: #a00; }
  .erased { font-style: italic; color: #666; }
  ul.progress { margin: .25rem 0 0; padding-left: 1.1rem; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10pt; }
    h2 { break-after: avoid; }
    tr, li { break-inside: avoid; }
    .flag { color: #000; }
  }`;

const e = escapeHtml;

const orNone = (value: unknown) =>
  value === null || value === undefined || value === '' ? 'None recorded' : e(value);

const list = (items: readonly string[]) =>
  items.length === 0
    ? '<p>None recorded</p>'
    : `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;

const flag = (on: boolean, text: string) => (on ? ` <span class="flag">${e(text)}</span>` : '');

function details(plan: PlanOnAPageView): string {
  const rows: [string, string][] = [
    ['Owner', e(plan.ownerOrganisationId)],
    ['Kind', e(plan.kind)],
    ['Priority area', e(plan.priorityArea)],
    ['Type', e(plan.type)],
    ['Tier', e(plan.tier)],
    ['Phase', e(plan.phase)],
    ['Lead responsible officer', `${e(plan.lro.personId)} (${e(plan.lro.organisationId)})`],
    [
      'Senior responsible officer',
      plan.sro ? `${e(plan.sro.personId)} (${e(plan.sro.organisationId)})` : 'None recorded',
    ],
  ];
  if (plan.place !== null) rows.push(['Place', e(plan.place)]);
  if (plan.clearHoldBuildPhase !== null) {
    rows.push(['Clear, Hold, Build', e(plan.clearHoldBuildPhase)]);
  }
  rows.push(['Review date', `${orNone(plan.reviewDate)}${flag(plan.reviewOverdue, 'OVERDUE')}`]);
  if (plan.lastReviewedOn !== null) rows.push(['Last reviewed', e(plan.lastReviewedOn)]);
  return `<dl>${rows.map(([term, value]) => `<dt>${e(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

function assessment(plan: PlanOnAPageView): string {
  const current = plan.currentAssessment;
  if (!current) return '<p>Not yet assessed</p>';
  const s = current.scores;
  return `<dl>
    <dt>Total score</dt><dd>${e(current.outputs.totalScore)}${plan.trend ? ` (trend: ${e(plan.trend)})` : ''}</dd>
    <dt>Priority</dt><dd>${e(current.outputs.priority)}</dd>
    <dt>Opportunity</dt><dd>${e(current.outputs.opportunity)}</dd>
    <dt>Scores</dt><dd>harm ${e(s.harm)}, likelihood ${e(s.likelihood)}, confidence ${e(s.confidence)}, capacity ${e(s.capacity)}, capability ${e(s.capability)}</dd>
    <dt>Model</dt><dd>${e(current.modelVersion)}</dd>
    <dt>Assessed on</dt><dd>${e(current.assessedOn)}</dd>
    <dt>Intelligence dated</dt><dd>${e(current.intelligenceDate)}${flag(current.stale, 'STALE')}</dd>
    <dt>Moderation</dt><dd>${e(current.moderationStatus)}${current.moderationNote ? `: ${e(current.moderationNote)}` : ''}</dd>
  </dl>`;
}

function people(plan: PlanOnAPageView): string {
  if (plan.people.length === 0) return '<p>None recorded</p>';
  const rows = plan.people.map(
    (p) =>
      `<tr><td>${p.erased ? '<span class="erased">[erased]</span>' : e(p.name)}</td><td>${e(p.role)}</td></tr>`,
  );
  return `<table><thead><tr><th>Name</th><th>Role</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function action(a: PlanActionView): string {
  const progress =
    a.progress.length === 0
      ? ''
      : `<ul class="progress">${a.progress.map((p) => `<li>${e(p.on)}: ${e(p.note)}</li>`).join('')}</ul>`;
  const referrals = a.referrals.map(
    (r) => `<li>Safeguarding referral: ${e(r.status)} (${e(r.concerns.join(', '))})</li>`,
  );
  const closing = a.outcome ?? a.cancellationReason;
  return `<tr>
    <td>${e(a.category)}</td>
    <td>${e(a.description)}${closing ? `<br>${e(closing)}` : ''}${progress}${referrals.length ? `<ul class="referrals">${referrals.join('')}</ul>` : ''}</td>
    <td>${e(a.owner.organisationId)}<br>${e(a.owner.personId)}</td>
    <td>${e(a.dueDate)}${flag(a.pastDue, 'PAST DUE')}</td>
    <td>${e(a.status)}</td>
  </tr>`;
}

function actions(plan: PlanOnAPageView): string {
  if (plan.actions.length === 0) return '<p>None recorded</p>';
  return `<table><thead><tr><th>4P</th><th>Action and progress</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead>
    <tbody>${plan.actions.map(action).join('')}</tbody></table>`;
}

/**
 * A printable, self-contained page of exactly the plan the caller may see: every value escaped,
 * no scripts, no external resources, the marking at the top and the bottom.
 */
export function renderPlanHtml(plan: PlanOnAPageView): string {
  const marking = `<div class="marking">${e(plan.marking)}</div>`;
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(plan.marking)}: plan on a page, ${e(plan.codeName)}</title>
<style>${STYLE}
</style>
</head>
<body>
<header>${marking}</header>
<main>
<h1>${e(plan.codeName)}: plan on a page</h1>
<p class="prepared">Prepared for ${e(plan.preparedFor)} on ${e(plan.preparedOn)}</p>
<p>${e(plan.summary)}</p>
${details(plan)}
<h2>Current assessment</h2>
${assessment(plan)}
<h2>Criminal activity</h2>
<p>${orNone(plan.criminalActivity)}</p>
<h2>Places affected</h2>
${list(plan.placesAffected)}
<h2>People involved</h2>
${people(plan)}
<h2>4P action plan</h2>
${actions(plan)}
<h2>Risks to the plan</h2>
${list(plan.risks)}
</main>
<footer>${marking}</footer>
</body>
</html>
`;
}
