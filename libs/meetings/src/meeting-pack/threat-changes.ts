import type { PoolClient } from 'pg';
import { rowsOf } from '../partner-actions-projection/meeting-view-reader.js';
import type {
  IntelligenceItemRow,
  ThreatSummaryRow,
} from '../partner-actions-projection/meeting-pack-tables.js';
import type { MeetingRow } from '../partner-actions-projection/partner-action-tables.js';
import {
  type AgreedRow,
  partnerActionOn,
} from '../partner-actions-projection/partner-action-view.js';
import type {
  MeetingRefView,
  PackIntelligenceView,
  ThreatChangesView,
} from './meeting-pack.dto.js';
import { assessmentOn, scoreView } from './sent-agendas.js';

/** Business dates after `since` up to `until`, inclusive. */
const within = (on: string | null, since: string, until: string) =>
  on !== null && on > since && on <= until;

/** Meetings in the order they were held: business date, then the order they were scheduled. */
interface HeldAt {
  readonly heldOn: string;
  readonly scheduledPosition: number;
}
const after = (a: HeldAt, b: HeldAt) =>
  a.heldOn > b.heldOn || (a.heldOn === b.heldOn && a.scheduledPosition > b.scheduledPosition);

/**
 * What changed on each agenda threat since the previous meeting on it: the latest meeting the
 * caller's organisation was party to, held before this one (by business date, then scheduling
 * order), of any chair or kind, with the threat on its agenda. Intelligence counts if shared on
 * the threat at a meeting held after that one, up to this one included; scores and completions
 * if dated after that meeting's day up to this meeting's day, or `date` if earlier. Everything
 * is read as the caller:
 * intelligence only as it may receive it, scores and plan actions only where the threat is shared
 * with it, partner actions only those it may see.
 */
export async function changesSincePrevious(
  db: PoolClient,
  meeting: MeetingRow,
  summaries: ReadonlyMap<string, ThreatSummaryRow>,
  date: string,
  intelligenceView: (item: IntelligenceItemRow) => PackIntelligenceView,
): Promise<Map<string, ThreatChangesView>> {
  const threatIds = meeting.agenda.map((a) => a.threatId);
  const until = date < meeting.held_on ? date : meeting.held_on;
  const here = { heldOn: meeting.held_on, scheduledPosition: meeting.scheduled_position };
  const previous = await rowsOf<MeetingRefView & HeldAt & { threatId: string }>(
    db,
    `SELECT DISTINCT ON (t.threat_id) json_build_object('threatId', t.threat_id,
            'meetingId', m.meeting_id, 'title', m.title, 'heldOn', m.held_on,
            'scheduledPosition', m.scheduled_position) AS row
       FROM unnest($1::text[]) AS t(threat_id)
       JOIN meetings.meetings m
         ON m.agenda @> jsonb_build_array(jsonb_build_object('threatId', t.threat_id))
      WHERE (m.held_on, m.scheduled_position) < ($2::date, $3::bigint)
      ORDER BY t.threat_id, m.held_on DESC, m.scheduled_position DESC`,
    [threatIds, here.heldOn, here.scheduledPosition],
  );
  if (previous.length === 0) return new Map();
  const earliest = previous.map((p) => p.heldOn).sort()[0];
  const items = await rowsOf<{ item: IntelligenceItemRow; at: HeldAt }>(
    db,
    `SELECT json_build_object('item', row_to_json(i), 'at', json_build_object(
            'heldOn', m.held_on, 'scheduledPosition', m.scheduled_position)) AS row
       FROM meetings.intelligence_items i JOIN meetings.meetings m USING (meeting_id)
      WHERE i.threat_id = ANY ($1::text[]) AND m.held_on >= $2::date
        AND (m.held_on, m.scheduled_position) <= ($3::date, $4::bigint)
      ORDER BY m.held_on, m.scheduled_position, i.shared_on, i.global_position`,
    [threatIds, earliest, meeting.held_on, meeting.scheduled_position],
  );
  const completed = await rowsOf<AgreedRow>(
    db,
    `SELECT row_to_json(a) AS row FROM meetings.partner_actions a
      WHERE threat_id = ANY ($1::text[]) AND agreed_on IS NOT NULL
        AND completed_on > $2::date AND completed_on <= $3::date
      ORDER BY completed_on, action_id`,
    [threatIds, earliest, until],
  );
  return new Map(
    previous.map(({ threatId, scheduledPosition, ...since }) => {
      const previousMeeting = { heldOn: since.heldOn, scheduledPosition };
      const summary = summaries.get(threatId);
      const before = summary && assessmentOn(summary, since.heldOn);
      const now = summary && assessmentOn(summary, until);
      return [
        threatId,
        {
          since,
          until,
          newIntelligence: items
            .filter(({ item, at }) => item.threat_id === threatId && after(at, previousMeeting))
            .map(({ item }) => intelligenceView(item)),
          scoreBefore: before?.totalScore ?? null,
          scoreNow: now?.totalScore ?? null,
          assessments: (summary?.assessments ?? [])
            .filter((a) => within(a.assessedOn, since.heldOn, until))
            .map(scoreView),
          planActionsCompleted: (summary?.plan_actions ?? []).filter((a) =>
            within(a.completedOn, since.heldOn, until),
          ),
          partnerActionsCompleted: completed
            .filter((a) => a.threat_id === threatId && within(a.completed_on, since.heldOn, until))
            .map((a) => partnerActionOn(a, until)),
        },
      ];
    }),
  );
}
