import { ApiProperty } from '@nestjs/swagger';
import { ATTENDANCES, type Attendance, MEETING_KINDS, type MeetingKind } from '@soc/contracts';
import { PersonRefBody } from '@soc/platform';
import { IntelligenceGradingBody } from '../share-intelligence/share-intelligence.dto.js';
import {
  ActionCountsView,
  AsOfQuery,
  PartnerActionView,
} from '../partner-actions-projection/partner-action-view.dto.js';

export class MeetingPackParams extends AsOfQuery {}

/** How many meetings of the series the attendance record covers, this one among them. */
export const ATTENDANCE_WINDOW = 6;

export type PackAttendance = Attendance | 'not-recorded' | 'not-invited';
export const PACK_ATTENDANCES: readonly PackAttendance[] = [
  ...ATTENDANCES,
  'not-recorded',
  'not-invited',
];

export class AssessedScoreView {
  @ApiProperty({ example: 84 }) totalScore!: number;
  @ApiProperty({ example: '2025-01-06' }) assessedOn!: string;
  @ApiProperty({ enum: ['unmoderated', 'moderated', 'returned'], example: 'moderated' })
  moderationStatus!: string;
}

/** What the threats context's events tell of an agenda threat, to those it shows the threat to. */
export class AgendaThreatSummaryView {
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ type: AssessedScoreView, nullable: true, description: 'As of the pack’s date' })
  currentAssessment!: AssessedScoreView | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 96,
    description: 'The total score in force on the day of the previous meeting of the series',
  })
  scoreAtPreviousMeeting!: number | null;
}

export class PackAgendaItemView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'cleveland-police', description: 'Holds the threat, presents its plan' })
  ownerOrganisationId!: string;
  @ApiProperty({
    type: AgendaThreatSummaryView,
    nullable: true,
    description: 'Null when the threat is not shared with your organisation',
  })
  threat!: AgendaThreatSummaryView | null;
}

export class AgendaPublicationView {
  @ApiProperty({ type: [String] }) threatIds!: string[];
  @ApiProperty({ example: '2025-01-07', description: 'Business date' }) publishedOn!: string;
  @ApiProperty({ example: '2025-01-07T09:30:00.000Z', description: 'When it was recorded' })
  publishedAt!: string;
}

export class PackIntelligenceView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000002' }) itemId!: string;
  @ApiProperty({ type: String, nullable: true }) threatId!: string | null;
  @ApiProperty({ example: 'Address on Oxford Road used to store cash' }) summary!: string;
  @ApiProperty({ type: IntelligenceGradingBody }) grading!: IntelligenceGradingBody;
  @ApiProperty({ type: [String], example: ['thirteen-housing'] }) mayGoTo!: string[];
  @ApiProperty({ type: PersonRefBody }) sharedBy!: PersonRefBody;
  @ApiProperty({ example: '2025-01-14' }) sharedOn!: string;
}

export class PackDecisionView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000003' }) decisionId!: string;
  @ApiProperty({ type: String, nullable: true }) threatId!: string | null;
  @ApiProperty({ example: 'Joint visit to the flat before the closure hearing' }) text!: string;
  @ApiProperty({ example: '2025-01-14' }) decidedOn!: string;
}

/** One lead organisation's actions, overdue first, then by due date. */
export class LeadOrganisationActionsView {
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({ type: ActionCountsView }) counts!: ActionCountsView;
  @ApiProperty({ type: [PartnerActionView] }) actions!: PartnerActionView[];
}

export class PackActionsView {
  @ApiProperty({ type: ActionCountsView }) counts!: ActionCountsView;
  @ApiProperty({ type: [LeadOrganisationActionsView], description: 'By organisation id' })
  byLeadOrganisation!: LeadOrganisationActionsView[];
}

/** The pack opens with these: what the previous meeting agreed and is not done. */
export class PreviousMeetingView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000009' }) meetingId!: string;
  @ApiProperty({ example: 'Cleveland MARSOC, December' }) title!: string;
  @ApiProperty({ example: '2024-12-10' }) heldOn!: string;
  @ApiProperty({
    type: PackActionsView,
    description: 'Its actions neither completed nor closed as of the pack’s date',
  })
  incompleteActions!: PackActionsView;
}

export class SeriesMeetingView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000009' }) meetingId!: string;
  @ApiProperty({ example: 'Cleveland MARSOC, December' }) title!: string;
  @ApiProperty({ example: '2024-12-10' }) heldOn!: string;
}

export class AttendanceCountsView {
  @ApiProperty({ example: 4, description: 'Present or observing' }) attended!: number;
  @ApiProperty({ example: 1 }) apologies!: number;
  @ApiProperty({ example: 1, description: 'Absent, or invited and not recorded' })
  absent!: number;
}

export class OrganisationAttendanceView {
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({
    enum: PACK_ATTENDANCES,
    isArray: true,
    description:
      'One per meeting of `attendance.meetings`, in that order: the best of its people’s (present, observer, apologies, absent)',
  })
  record!: PackAttendance[];
  @ApiProperty({ type: AttendanceCountsView }) counts!: AttendanceCountsView;
}

export class PackAttendanceView {
  @ApiProperty({
    example: ATTENDANCE_WINDOW,
    description: 'How many meetings of the series the record covers at most, this one among them',
  })
  window!: number;
  @ApiProperty({
    type: [SeriesMeetingView],
    description:
      'This meeting and those of the same chair organisation and kind held before it that your organisation was party to, newest first',
  })
  meetings!: SeriesMeetingView[];
  @ApiProperty({ type: [OrganisationAttendanceView], description: 'Each invited organisation' })
  organisations!: OrganisationAttendanceView[];
}

/**
 * The meeting pack (for a MARSOC and the other kinds alike), as the caller's organisation may
 * see it: intelligence with handling code C only where it may go, actions only those it leads or
 * supports unless it chairs the meeting.
 */
export class MeetingPackView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000001' }) meetingId!: string;
  @ApiProperty({ enum: MEETING_KINDS, example: 'marsoc' }) kind!: MeetingKind;
  @ApiProperty({ example: 'Cleveland MARSOC, January' }) title!: string;
  @ApiProperty({ type: PersonRefBody }) chair!: PersonRefBody;
  @ApiProperty({ example: '2025-01-14' }) heldOn!: string;
  @ApiProperty({ example: 'Middlesbrough, Ladgate Lane' }) place!: string;
  @ApiProperty({
    type: [String],
    description: 'The chair’s organisation first',
    example: ['cleveland-police', 'hartlepool-bc', 'probation-north-east'],
  })
  invitedOrganisationIds!: string[];
  @ApiProperty({ type: [PackAgendaItemView] }) agenda!: PackAgendaItemView[];
  @ApiProperty({ type: AgendaPublicationView, nullable: true })
  publication!: AgendaPublicationView | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-20' })
  minutesFinalisedOn!: string | null;
  @ApiProperty({ type: [PackIntelligenceView] }) intelligence!: PackIntelligenceView[];
  @ApiProperty({ type: [PackDecisionView] }) decisions!: PackDecisionView[];
  @ApiProperty({ type: PackActionsView, description: 'The actions this meeting agreed' })
  actions!: PackActionsView;
  @ApiProperty({ type: PreviousMeetingView, nullable: true })
  previousMeeting!: PreviousMeetingView | null;
  @ApiProperty({ type: PackAttendanceView }) attendance!: PackAttendanceView;
  @ApiProperty({
    example: '2025-01-10',
    description: 'The business date of overdue and incomplete',
  })
  asOf!: string;
  @ApiProperty({ example: 'hartlepool-bc', description: 'The organisation this copy is for' })
  preparedFor!: string;
  @ApiProperty({ example: 1042 }) globalPosition!: number;
}
