import {
  type EventOf,
  ReferralAccepted,
  ReferralAcknowledged,
  ReferralClosed,
  ReferralDeclined,
  ReferralRaised,
  ReferralWithdrawn,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import type { PoolClient } from 'pg';

/** What the plan learns of the safeguarding context's referrals: raised, and how they stand. */
const STATUS_BY_EVENT = {
  [ReferralAcknowledged.type]: 'acknowledged',
  [ReferralAccepted.type]: 'accepted',
  [ReferralDeclined.type]: 'declined',
  [ReferralWithdrawn.type]: 'withdrawn',
  [ReferralClosed.type]: 'closed',
} as const;
export const REFERRAL_EVENTS = [
  ReferralRaised,
  ReferralAcknowledged,
  ReferralAccepted,
  ReferralDeclined,
  ReferralWithdrawn,
  ReferralClosed,
];
const referralTypes = new Set<string>(REFERRAL_EVENTS.map((e) => e.type));

type Raised = RecordedEvent<typeof ReferralRaised.type, EventOf<typeof ReferralRaised>['data']>;
const isRaised = (event: RecordedEvent): event is Raised => event.type === ReferralRaised.type;

/**
 * Links each referral raised from a protect action to that action (only one the plan has), and
 * follows its status. Run after the batch's threat events are written: an action proposed in the
 * same batch is then there to link to. No subject, account or note is copied.
 */
export async function applyReferralEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e) => referralTypes.has(e.type));
  if (own.length === 0) return;
  const raised = own.filter(isRaised).filter((e) => e.data.planActionId !== null);
  if (raised.length > 0) {
    const rows = raised.map(({ data, occurredAt, globalPosition }) => ({
      referral_id: data.referralId,
      threat_id: data.threatId,
      action_id: data.planActionId,
      concerns: data.concerns,
      urgency: data.urgency,
      raised_at: occurredAt,
      global_position: globalPosition ?? 0,
    }));
    await db.query(
      `INSERT INTO "${schema}".action_referrals AS l
         (referral_id, threat_id, action_id, threat_owner_organisation_id, lro_organisation_id,
          owner_organisation_id, status, concerns, urgency, raised_at, global_position)
       SELECT r.referral_id, r.threat_id, r.action_id, a.threat_owner_organisation_id,
              a.lro_organisation_id, a.owner_organisation_id, 'submitted', r.concerns, r.urgency,
              r.raised_at, r.global_position
         FROM jsonb_to_recordset($1::jsonb) AS r (referral_id text, threat_id text, action_id text,
              concerns text[], urgency text, raised_at timestamptz, global_position bigint)
         JOIN "${schema}".actions a
           ON a.threat_id = r.threat_id AND a.action_id = r.action_id AND a.category = 'protect'
       ON CONFLICT (referral_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
  const latest = new Map<string, { status: string; position: number }>();
  for (const event of own) {
    const status = STATUS_BY_EVENT[event.type as keyof typeof STATUS_BY_EVENT];
    if (!status) continue;
    const { referralId } = event.data as { referralId: string };
    latest.set(referralId, { status, position: event.globalPosition ?? 0 });
  }
  if (latest.size === 0) return;
  await db.query(
    `UPDATE "${schema}".action_referrals l SET status = u.status, global_position = u.position
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u (referral_id, status, position)
      WHERE l.referral_id = u.referral_id`,
    [
      [...latest.keys()],
      [...latest.values()].map((v) => v.status),
      [...latest.values()].map((v) => v.position),
    ],
  );
}
