import { randomBytes, randomUUID } from 'node:crypto';
import {
  ActionAgreed,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type ActionCategory,
  eventOf,
  type PersonRef,
  PlanPersonAdded,
  PlanShared,
  PlanUpdated,
  ThreatClosed,
  type ThreatRegisteredV1,
} from '@soc/contracts';
import type { EventStore } from '@soc/event-store';
import { rebuildProjection } from '@soc/messaging';
import { type AccessContext, PersonalDataCipher, type Role, SubjectKeyStore } from '@soc/security';
import type { Pool } from 'pg';
import type { ThreatEvent } from '../src/threat/threat.js';
import { threatsProjection } from '../src/threats-projection/threats.projection.js';
import {
  assessed,
  at,
  lroOf,
  moderated,
  registered,
  Timeline,
  viewReaderAt,
} from './threat-views.fixtures.js';

/*
 * Six threats seen from several organisations, for the queries' tests: Kestrel (Cleveland's,
 * shared, signposted, people and actions on its plan), Hidden, Sensitive (Durham's,
 * OFFICIAL-SENSITIVE), Partner-led (NERSOU's, led by Cleveland's LRO), Closed and Calm.
 * Today is 10 January 2022.
 */

export const CLEVELAND = 'cleveland-police';
export const DURHAM = 'durham-constabulary';
export const lro = lroOf(CLEVELAND);
export const hartlepool = { personId: 'hartlepool-bc-officer', organisationId: 'hartlepool-bc' };
export const redcar = { personId: 'redcar-housing-officer', organisationId: 'redcar-housing' };

export const as = (
  organisationId: string,
  roles: Role[],
  personId = `${roles[0]}-${organisationId}`,
) =>
  ({
    principal: { personId, organisationId, roles },
    purpose: 'MARSOC meeting preparation',
    requestId: randomUUID(),
  }) satisfies AccessContext;

export const clevelandAnalyst = as(CLEVELAND, ['analyst']);
export const clevelandLro = as(CLEVELAND, ['lro'], lro.personId);
export const stranger = as('sunderland-trading-standards', ['partner-officer', 'lro', 'analyst']);
export const hartlepoolOfficer = as('hartlepool-bc', ['partner-officer'], hartlepool.personId);
export const moderator = as('nersou', ['rocta-moderator']);
export const auditor = as('hmicfrs', ['auditor']);

const proposed = (
  actionId: string,
  owner: PersonRef,
  dueDate: string,
  category: ActionCategory = 'pursue',
) => ({ actionId, owner, dueDate, category });

/** Records the threats and projects them. */
export async function threatViewsScenario(pool: Pool, store: EventStore) {
  const ids = {
    kestrel: randomUUID(),
    hidden: randomUUID(),
    sensitive: randomUUID(),
    partnerLed: randomUUID(),
    closed: randomUUID(),
    calm: randomUUID(),
  };
  const subjects = [1, 2, 3].map(() => `subject:${randomUUID()}`);
  const keys = new SubjectKeyStore(pool, randomBytes(32));
  const cipher = new PersonalDataCipher(keys);
  const timeline = new Timeline(store);
  const record = (threatId: string, occurredAt: string, events: ThreatEvent[]) =>
    timeline.record(threatId, occurredAt, events);
  const register = (threatId: string, owner: string, overrides: Partial<ThreatRegisteredV1>) =>
    record(threatId, at('2021-03-01'), [registered(owner, overrides)(threatId)]);
  const actions = async (
    threatId: string,
    occurredAt: string,
    list: ReturnType<typeof proposed>[],
  ) =>
    record(
      threatId,
      occurredAt,
      list.map((a) =>
        eventOf(ActionProposed, { threatId, description: `Action ${a.actionId}`, ...a }),
      ),
    );

  // Kestrel: Cleveland's, shared with two partners; review overdue, an action past due.
  const k = ids.kestrel;
  await register(k, CLEVELAND, {
    codeName: 'OPERATION <KESTREL>',
    signposting: true,
    tier: 2,
  });
  await record(k, at('2021-06-01'), [assessed('a-1', 1000, '2021-05-01')(k)]);
  await record(k, at('2021-06-10'), [moderated('a-1')(k)]);
  await record(k, at('2021-12-05'), [assessed('a-2', 1200, '2021-12-01')(k)]);
  await record(k, at('2021-12-06'), [
    eventOf(PlanUpdated, {
      threatId: k,
      criminalActivity: 'Deal line <script>alert("x")</script> & cuckooing',
      placesAffected: ['Hartlepool'],
      risks: ['Task team withdrawn in March'],
      reviewDate: '2022-01-01',
    }),
    eventOf(PlanShared, { threatId: k, organisationIds: ['hartlepool-bc', 'redcar-housing'] }),
  ]);
  const names = ['John Smith', 'Jane <b>Doe</b>', 'Erased Person'];
  for (const [i, subjectId] of subjects.entries()) {
    await record(k, at('2021-12-07'), [
      eventOf(PlanPersonAdded, {
        threatId: k,
        involvementId: `inv-${i + 1}`,
        subjectId,
        name: await cipher.seal(subjectId, names[i]),
        role: i === 0 ? 'principal' : 'associate',
      }),
    ]);
  }
  await keys.erase(subjects[2], {
    personId: 'cleveland-police-admin',
    organisationId: CLEVELAND,
    reason: 'Retention period ended',
  });
  await actions(k, at('2021-12-08'), [
    proposed('x-1', hartlepool, '2021-12-31', 'prevent'),
    proposed('x-2', redcar, '2022-03-01', 'protect'),
    proposed('x-3', lro, '2021-11-01'),
  ]);
  await record(k, at('2021-12-09'), [
    eventOf(ActionAgreed, { threatId: k, actionId: 'x-1' }),
    eventOf(ActionStarted, { threatId: k, actionId: 'x-1' }),
    eventOf(ActionAgreed, { threatId: k, actionId: 'x-2' }),
    eventOf(ActionAgreed, { threatId: k, actionId: 'x-3' }),
    eventOf(ActionCompleted, {
      threatId: k,
      actionId: 'x-3',
      outcome: 'Warrant executed',
      unacknowledgedReferrals: null,
    }),
  ]);
  for (const [actionId, note] of [
    ['x-1', 'Visited the flat'],
    ['x-2', 'Tenancy review booked'],
  ]) {
    await record(k, at('2021-12-20'), [
      eventOf(ActionProgressRecorded, { threatId: k, actionId, note, on: '2021-12-20' }),
    ]);
  }

  // Hidden: Cleveland's, not shared, no signposting; stale and quiet.
  await register(ids.hidden, CLEVELAND, { codeName: 'OPERATION HIDDEN', tier: 3 });
  await record(ids.hidden, at('2021-03-02'), [
    assessed('a-1', 700, '2021-01-01')(ids.hidden),
    eventOf(PlanUpdated, {
      threatId: ids.hidden,
      criminalActivity: 'Money laundering through car washes',
      placesAffected: [],
      risks: [],
      reviewDate: '2022-06-01',
    }),
  ]);
  await record(ids.hidden, at('2021-03-03'), [moderated('a-1')(ids.hidden)]);

  // Sensitive: Durham's, OFFICIAL-SENSITIVE, shared with Hartlepool but not disclosed to it.
  await register(ids.sensitive, DURHAM, {
    codeName: 'OPERATION SENSITIVE',
    lro: lroOf(DURHAM),
    marking: 'OFFICIAL-SENSITIVE',
    signposting: true,
  });
  await record(ids.sensitive, at('2021-04-01'), [
    eventOf(PlanShared, { threatId: ids.sensitive, organisationIds: ['hartlepool-bc'] }),
  ]);

  // Partner-led: NERSOU's, with Cleveland's LRO; two actions past due, recent activity.
  await register(ids.partnerLed, 'nersou', { codeName: 'OPERATION PARTNER', tier: 1, lro });
  await actions(ids.partnerLed, at('2022-01-05'), [
    proposed('y-1', lro, '2022-01-01'),
    proposed('y-2', lro, '2022-01-02'),
    proposed('y-3', lro, '2022-02-01'),
  ]);

  // Closed: not among the LRO's plans.
  await register(ids.closed, CLEVELAND, { codeName: 'OPERATION CLOSED', phase: 'active' });
  await record(ids.closed, at('2021-05-01'), [
    eventOf(ThreatClosed, { threatId: ids.closed, reason: 'Dismantled' }),
  ]);

  // Calm: nothing stands out.
  await register(ids.calm, CLEVELAND, {
    codeName: 'OPERATION CALM',
    tier: 4,
    type: 'strategic',
    priorityArea: 'economic-crime',
  });
  await record(ids.calm, at('2022-01-03'), [
    assessed('a-1', 400, '2021-12-15')(ids.calm),
    eventOf(PlanUpdated, {
      threatId: ids.calm,
      criminalActivity: 'Fraud',
      placesAffected: [],
      risks: [],
      reviewDate: '2022-05-01',
    }),
  ]);
  await timeline.settle();
  await rebuildProjection(pool, store, threatsProjection);

  /** What the access log holds for one request. */
  const accessLog = async (requestId: string | null) =>
    (
      await pool.query<{
        operation: string;
        record_type: string;
        record_id: string;
        subject_ids: string[];
        disclosed_to: string | null;
        purpose: string;
      }>(
        `SELECT operation, record_type, record_id, subject_ids, disclosed_to, purpose
           FROM security.personal_data_access_log WHERE request_id = $1`,
        [requestId],
      )
    ).rows;

  return { ids, subjects, cipher, views: viewReaderAt(pool, '2022-01-10T12:00:00Z'), accessLog };
}
