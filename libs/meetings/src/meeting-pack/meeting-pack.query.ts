import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type {
  Attendance,
  HandlingCode,
  IntelligenceAssessment,
  MeetingKind,
  SourceEvaluation,
} from '@soc/contracts';
import { type AccessContext, enforce, RecordNotFoundError } from '@soc/security';
import type { PoolClient } from 'pg';
import { meetingDescriptor } from '../meeting/meeting-record.js';
import { MeetingViewReader, rowsOf } from '../partner-actions-projection/meeting-view-reader.js';
import type {
  IntelligenceItemRow,
  ThreatSummaryRow,
} from '../partner-actions-projection/meeting-pack-tables.js';
import type { MeetingRow } from '../partner-actions-projection/partner-action-tables.js';
import {
  type AgreedRow,
  countsOf,
  isIncomplete,
  overdueFirst,
  partnerActionOn,
} from '../partner-actions-projection/partner-action-view.js';
import type { PartnerActionView } from '../partner-actions-projection/partner-action-view.dto.js';
import {
  ATTENDANCE_WINDOW,
  type AgendaThreatSummaryView,
  type MeetingPackParams,
  type MeetingPackView,
  type OrganisationAttendanceView,
  type PackActionsView,
  type PackAttendance,
  type PackIntelligenceView,
} from './meeting-pack.dto.js';
import { assessmentOn, scoreView, sentAgendasOf } from './sent-agendas.js';
import { changesSincePrevious } from './threat-changes.js';

/** The meeting pack of one meeting, as the caller's organisation may see it. */
export class GetMeetingPackQuery extends Query<MeetingPackView> {
  constructor(
    readonly access: AccessContext,
    readonly meetingId: string,
    readonly params: MeetingPackParams,
  ) {
    super();
  }
}

/**
 * Everything is read as the caller, so row-level security decides what exists for them: the
 * meeting (404 unless their organisation chairs it or is invited, or they audit), intelligence
 * with handling code C, other organisations' actions, the series' earlier meetings. Overdue and
 * incomplete stand on the business date `asOf` (default today).
 */
@QueryHandler(GetMeetingPackQuery)
export class GetMeetingPackHandler implements IQueryHandler<GetMeetingPackQuery> {
  constructor(private readonly views: MeetingViewReader) {}

  execute({ access, meetingId, params }: GetMeetingPackQuery): Promise<MeetingPackView> {
    const { asOf, ...consistency } = params;
    return this.views.read(access, consistency, async (db, today) => {
      const date = asOf ?? today;
      const meeting = await packMeeting(db, access, meetingId);

      const series = await seriesUpTo(db, meeting);
      const previous = series[1] ?? null;
      const actions = await agreedActions(
        db,
        [meetingId, previous?.meeting_id].filter((id) => id !== undefined),
        date,
      );
      const ofMeeting = (id: string) => actions.filter((a) => a.meetingId === id);
      return {
        meetingId,
        kind: meeting.kind as MeetingKind,
        title: meeting.title,
        chair: { personId: meeting.chair_person_id, organisationId: meeting.chair_organisation_id },
        heldOn: meeting.held_on,
        place: meeting.place,
        invitedOrganisationIds: organisationsOf(meeting),
        agenda: await agendaOf(db, meeting, previous, date),
        publication:
          meeting.published_on === null
            ? null
            : {
                threatIds: meeting.published_threat_ids ?? [],
                publishedOn: meeting.published_on,
                publishedAt: new Date(meeting.published_at!).toISOString(),
              },
        sentAgendas: await sentAgendasOf(db, meetingId),
        minutesFinalisedOn: meeting.minutes_finalised_on,
        intelligence: await intelligenceOf(db, meetingId),
        decisions: meeting.decisions.map((d) => ({ ...d })),
        actions: byLead(ofMeeting(meetingId).map((a) => a.view)),
        previousMeeting: previous && {
          meetingId: previous.meeting_id,
          title: previous.title,
          heldOn: previous.held_on,
          incompleteActions: byLead(
            ofMeeting(previous.meeting_id)
              .map((a) => a.view)
              .filter((a) => isIncomplete(a.status)),
          ),
        },
        attendance: {
          window: ATTENDANCE_WINDOW,
          meetings: series.map((m) => ({
            meetingId: m.meeting_id,
            title: m.title,
            heldOn: m.held_on,
          })),
          organisations: organisationsOf(meeting).map((id) => attendanceOf(id, series)),
        },
        asOf: date,
        preparedFor: access.principal.organisationId,
        globalPosition: Math.max(meeting.global_position, ...actions.map((a) => a.position)),
      };
    });
  }
}

const organisationsOf = (meeting: MeetingRow) => [
  ...new Set([meeting.chair_organisation_id, ...meeting.invited_organisation_ids]),
];

/**
 * The meeting, if the caller may read its pack (and its live updates): 404 unless their
 * organisation chairs it or is invited, or they audit.
 */
export async function packMeeting(
  db: PoolClient,
  access: AccessContext,
  meetingId: string,
): Promise<MeetingRow> {
  const [meeting] = await rowsOf<MeetingRow>(
    db,
    `SELECT row_to_json(m) AS row FROM meetings.meetings m WHERE meeting_id = $1`,
    [meetingId],
  );
  if (!meeting) throw new RecordNotFoundError('meeting', meetingId);
  const descriptor = meetingDescriptor(meetingId, {
    chairOrganisationId: meeting.chair_organisation_id,
    invited: meeting.invited_organisation_ids,
  });
  // Row-level security let it through, so its existence is no secret from the caller.
  enforce(access.principal, 'meeting-pack:read', descriptor, { existenceIsPublic: true });
  return meeting;
}

/** This meeting and the series' earlier ones (same chair organisation and kind), newest first. */
function seriesUpTo(db: PoolClient, meeting: MeetingRow): Promise<MeetingRow[]> {
  return rowsOf<MeetingRow>(
    db,
    `SELECT row_to_json(m) AS row FROM meetings.meetings m
      WHERE chair_organisation_id = $1 AND kind = $2
        AND (held_on, scheduled_position) <= ($3::date, $4::bigint)
      ORDER BY held_on DESC, scheduled_position DESC LIMIT $5`,
    [
      meeting.chair_organisation_id,
      meeting.kind,
      meeting.held_on,
      meeting.scheduled_position,
      ATTENDANCE_WINDOW,
    ],
  );
}

async function agreedActions(db: PoolClient, meetingIds: string[], date: string) {
  const rows = await rowsOf<AgreedRow>(
    db,
    `SELECT row_to_json(a) AS row FROM meetings.partner_actions a
      WHERE a.meeting_id = ANY ($1::text[]) AND a.agreed_on <= $2::date`,
    [meetingIds, date],
  );
  return rows.map((row) => ({
    meetingId: row.meeting_id,
    view: partnerActionOn(row, date),
    position: Math.max(row.agreed_position, row.life_position),
  }));
}

function byLead(actions: PartnerActionView[]): PackActionsView {
  const leads = [...new Set(actions.map((a) => a.leadOrganisationId))].sort();
  return {
    counts: countsOf(actions),
    byLeadOrganisation: leads.map((organisationId) => {
      const own = actions.filter((a) => a.leadOrganisationId === organisationId);
      return { organisationId, counts: countsOf(own), actions: own.sort(overdueFirst) };
    }),
  };
}

async function agendaOf(
  db: PoolClient,
  meeting: MeetingRow,
  previous: MeetingRow | null,
  date: string,
) {
  const summaries = await rowsOf<ThreatSummaryRow>(
    db,
    `SELECT row_to_json(t) AS row FROM meetings.threat_summaries t
      WHERE threat_id = ANY ($1::text[])`,
    [meeting.agenda.map((a) => a.threatId)],
  );
  const byId = new Map(summaries.map((s) => [s.threat_id, s]));
  const changes = await changesSincePrevious(db, meeting, byId, date, intelligenceView);
  return meeting.agenda.map(({ threatId, ownerOrganisationId }) => {
    const summary = byId.get(threatId);
    return {
      threatId,
      ownerOrganisationId,
      threat: summary ? summaryOf(summary, previous, date) : null,
      changes: changes.get(threatId) ?? null,
    };
  });
}

function summaryOf(
  summary: ThreatSummaryRow,
  previous: MeetingRow | null,
  date: string,
): AgendaThreatSummaryView {
  const current = assessmentOn(summary, date);
  return {
    codeName: summary.code_name,
    currentAssessment: current && scoreView(current),
    scoreAtPreviousMeeting: previous
      ? (assessmentOn(summary, previous.held_on)?.totalScore ?? null)
      : null,
  };
}

async function intelligenceOf(db: PoolClient, meetingId: string): Promise<PackIntelligenceView[]> {
  const items = await rowsOf<IntelligenceItemRow>(
    db,
    `SELECT row_to_json(i) AS row FROM meetings.intelligence_items i
      WHERE meeting_id = $1 ORDER BY shared_on, global_position`,
    [meetingId],
  );
  return items.map(intelligenceView);
}

/** An intelligence item as the pack and the live stream show it. */
export function intelligenceView(item: IntelligenceItemRow): PackIntelligenceView {
  return {
    itemId: item.item_id,
    threatId: item.threat_id,
    summary: item.summary,
    grading: {
      source: item.source as SourceEvaluation,
      intelligence: item.intelligence as IntelligenceAssessment,
      handling: item.handling as HandlingCode,
      conditions: item.conditions,
    },
    mayGoTo: item.may_go_to,
    sharedBy: {
      personId: item.shared_by_person_id,
      organisationId: item.shared_by_organisation_id,
    },
    sharedOn: item.shared_on,
  };
}

const RANK: readonly Attendance[] = ['present', 'observer', 'apologies', 'absent'];

/** An organisation's attendance at each meeting of the series: the best of its people's. */
function attendanceOf(organisationId: string, series: MeetingRow[]): OrganisationAttendanceView {
  const record = series.map((meeting): PackAttendance => {
    if (!organisationsOf(meeting).includes(organisationId)) return 'not-invited';
    const own = new Set(
      meeting.attendance
        .filter((a) => a.organisationId === organisationId)
        .map((a) => a.attendance),
    );
    return RANK.find((attendance) => own.has(attendance)) ?? 'not-recorded';
  });
  const count = (...of: PackAttendance[]) => record.filter((a) => of.includes(a)).length;
  return {
    organisationId,
    record,
    counts: {
      attended: count('present', 'observer'),
      apologies: count('apologies'),
      absent: count('absent', 'not-recorded'),
    },
  };
}
