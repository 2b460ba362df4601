import {
  type EventOf,
  ReferralAccepted,
  ReferralAcknowledged,
  ReferralClosed,
  ReferralDeclined,
  ReferralNoteAdded,
  ReferralRaised,
  ReferralRestricted,
  ReferralRestrictionLifted,
  ReferralSubjectErased,
  REFERRAL_URGENCIES,
  ReferralWithdrawn,
  safeguardingEvents,
  ThreatLroChanged,
  ThreatRegistered,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { insertRows, loadRows, upsertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import {
  type ReferralNoteRow,
  type ReferralRow,
  referralNotes,
  referrals,
  referralThreats,
} from './referral-tables.js';

type Recorded<C> = C extends unknown
  ? RecordedEvent<EventOf<C>['type'], EventOf<C>['data']>
  : never;

export const REFERRAL_EVENTS = safeguardingEvents;
export const THREAT_EVENTS = [ThreatRegistered, ThreatLroChanged];
type ReferralEvent = Recorded<(typeof REFERRAL_EVENTS)[number]>;
type ThreatEvent = Recorded<(typeof THREAT_EVENTS)[number]>;
const referralTypes = new Set<string>(REFERRAL_EVENTS.map((e) => e.type));
const threatTypes = new Set<string>(THREAT_EVENTS.map((e) => e.type));

/** Every column a referral's own stream writes: all but its threat's organisations. */
type OwnPart = Omit<ReferralRow, 'threat_organisation_ids'>;
const position = (event: RecordedEvent) => event.globalPosition ?? 0;

/** Folds each referral's stream into its row, and its notes into rows of their own. */
export async function applyReferralEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is ReferralEvent => referralTypes.has(e.type));
  if (own.length === 0) return;
  const ids = [...new Set(own.map((e) => e.data.referralId))];
  const loaded = await loadRows(
    db,
    schema,
    referrals,
    ids.map((referral_id) => ({ referral_id })),
  );
  const rows = new Map<string, OwnPart>(
    loaded.map(({ threat_organisation_ids: _threat, ...row }) => [row.referral_id, row]),
  );
  const notes: ReferralNoteRow[] = [];
  for (const event of own) {
    const row =
      event.type === ReferralRaised.type ? raised(event) : rows.get(event.data.referralId);
    if (!row) continue;
    foldReferral(row, event, notes);
    row.last_changed_at = event.occurredAt;
    row.stream_version = event.streamVersion;
    row.global_position = position(event);
    rows.set(row.referral_id, row);
  }
  const columns = Object.keys(referrals.columns).filter(
    (name) => name !== 'threat_organisation_ids',
  ) as (keyof OwnPart)[];
  await upsertRows(db, schema, referrals, [...rows.values()], { columns });
  await insertRows(db, schema, referralNotes, notes);
  const raisedIds = own.filter((e) => e.type === ReferralRaised.type).map((e) => e.data.referralId);
  if (raisedIds.length > 0) await copyThreatOrganisations(db, schema, 'referral_id', raisedIds);
}

/** Onto the referrals with these ids (or of these threats): who holds their threat. */
async function copyThreatOrganisations(
  db: PoolClient,
  schema: string,
  by: 'referral_id' | 'threat_id',
  ids: readonly string[],
): Promise<void> {
  await db.query(
    `UPDATE "${schema}".referrals r SET threat_organisation_ids = t.organisation_ids
       FROM "${schema}".referral_threats t
      WHERE r.threat_id = t.threat_id AND r.${by} = ANY ($1::text[])
        AND r.threat_organisation_ids IS DISTINCT FROM t.organisation_ids`,
    [ids],
  );
}

function raised({ data, occurredAt }: Recorded<typeof ReferralRaised>): OwnPart {
  const { subjectId, ...subject } = data.subject;
  return {
    referral_id: data.referralId,
    threat_id: data.threatId,
    plan_action_id: data.planActionId,
    referring_organisation_id: data.referrer.organisationId,
    referring_person_id: data.referrer.personId,
    receiving_organisation_id: data.receivingOrganisationId,
    concerns: data.concerns,
    urgency: data.urgency,
    urgency_rank: REFERRAL_URGENCIES.indexOf(data.urgency),
    status: 'submitted',
    disclosure_basis: data.disclosureBasis,
    subject_id: subjectId,
    subject,
    account: data.account,
    raised_at: occurredAt,
    acknowledged_at: null,
    accepted_at: null,
    declined_at: null,
    decline_reason: null,
    decline_explanation: null,
    withdrawn_at: null,
    withdrawal_reason: null,
    withdrawal_explanation: null,
    closed_at: null,
    outcome: null,
    closure_reason: null,
    closure_explanation: null,
    note_count: 0,
    subject_erased_at: null,
    restriction: null,
    restriction_explanation: null,
    last_changed_at: occurredAt,
    stream_version: 0,
    global_position: 0,
  };
}

function foldReferral(row: OwnPart, event: ReferralEvent, notes: ReferralNoteRow[]): void {
  const at = event.occurredAt;
  switch (event.type) {
    case ReferralAcknowledged.type:
      row.status = 'acknowledged';
      row.acknowledged_at = at;
      return;
    case ReferralAccepted.type:
      row.status = 'accepted';
      row.acknowledged_at ??= at;
      row.accepted_at = at;
      return;
    case ReferralDeclined.type:
      row.status = 'declined';
      row.acknowledged_at ??= at;
      row.declined_at = at;
      row.decline_reason = event.data.reason;
      row.decline_explanation = event.data.explanation;
      return;
    case ReferralWithdrawn.type:
      row.status = 'withdrawn';
      row.withdrawn_at = at;
      row.withdrawal_reason = event.data.reason;
      row.withdrawal_explanation = event.data.explanation;
      return;
    case ReferralClosed.type:
      row.status = 'closed';
      row.closed_at = at;
      row.outcome = event.data.outcome;
      row.closure_reason = event.data.reason;
      row.closure_explanation = event.data.explanation;
      return;
    case ReferralNoteAdded.type:
      row.note_count += 1;
      notes.push({
        note_id: event.data.noteId,
        referral_id: row.referral_id,
        referring_organisation_id: row.referring_organisation_id,
        receiving_organisation_id: row.receiving_organisation_id,
        added_by_person_id: event.data.addedBy.personId,
        added_by_organisation_id: event.data.addedBy.organisationId,
        added_at: at,
        text: event.data.text,
        global_position: position(event),
      });
      return;
    case ReferralSubjectErased.type:
      row.subject_erased_at = at;
      return;
    case ReferralRestricted.type:
      row.restriction = {
        ground: event.data.ground,
        until: event.data.until,
        restrictedByPersonId: event.data.restrictedBy.personId,
        restrictedByOrganisationId: event.data.restrictedBy.organisationId,
        restrictedAt: at,
      };
      row.restriction_explanation = event.data.explanation;
      return;
    case ReferralRestrictionLifted.type:
      row.restriction = null;
      row.restriction_explanation = null;
      return;
    case ReferralRaised.type:
      return;
  }
}

/**
 * Who holds each threat, only from the threats context's events, and onto every referral of the
 * threat: its owner and its LRO's organisation may then see that the referral exists.
 */
export async function applyThreatEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is ThreatEvent => threatTypes.has(e.type));
  if (own.length === 0) return;
  const ids = [...new Set(own.map((e) => e.data.threatId))];
  const loaded = await loadRows(
    db,
    schema,
    referralThreats,
    ids.map((threat_id) => ({ threat_id })),
  );
  const byId = new Map(loaded.map((row) => [row.threat_id, row]));
  for (const event of own) {
    const known = byId.get(event.data.threatId);
    const owner =
      event.type === ThreatRegistered.type
        ? event.data.ownerOrganisationId
        : known?.owner_organisation_id;
    if (owner === undefined) continue;
    const lro = event.data.lro.organisationId;
    byId.set(event.data.threatId, {
      threat_id: event.data.threatId,
      owner_organisation_id: owner,
      lro_organisation_id: lro,
      organisation_ids: [...new Set([owner, lro])],
      global_position: position(event),
    });
  }
  const rows = [...byId.values()];
  await upsertRows(db, schema, referralThreats, rows);
  await copyThreatOrganisations(
    db,
    schema,
    'threat_id',
    rows.map((row) => row.threat_id),
  );
}
