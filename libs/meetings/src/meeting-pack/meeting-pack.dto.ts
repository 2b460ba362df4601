import { ApiProperty } from '@nestjs/swagger';
import {
  ACTION_CATEGORIES,
  type ActionCategory,
  type ActionStatus,
  ATTENDANCES,
  type Attendance,
  MARKINGS,
  MEETING_KINDS,
  type MeetingKind,
} from '@soc/contracts';
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

export class PackIntelligenceView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000002' }) itemId!: string;
  @ApiProperty({ type: String, nullable: true }) threatId!: string | null;
  @ApiProperty({ example: 'Address on Oxford Road used to store cash' }) summary!: string;
  @ApiProperty({ type: IntelligenceGradingBody }) grading!: IntelligenceGradingBody;
  @ApiProperty({ type: [String], example: ['thirteen-housing'] }) mayGoTo!: string[];
  @ApiProperty({ type: PersonRefBody }) sharedBy!: PersonRefBody;
  @ApiProperty({ example: '2025-01-14' }) sharedOn!: string;
}

export class MeetingRefView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000009' }) meetingId!: string;
  @ApiProperty({ example: 'Cleveland MARSOC, December' }) title!: string;
  @ApiProperty({ example: '2024-12-10' }) heldOn!: string;
}

/** A 4P action of the threat's own plan, as the threats context last told it. */
export class PlanActionEntryView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000000a' }) actionId!: string;
  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'pursue' }) category!: ActionCategory;
  @ApiProperty({ example: 'Warrant at the Oxford Road address' }) description!: string;
  @ApiProperty({ type: PersonRefBody }) owner!: PersonRefBody;
  @ApiProperty({ example: '2025-02-01' }) dueDate!: string;
  @ApiProperty({
    enum: ['proposed', 'agreed', 'in-progress', 'done', 'cancelled'],
    example: 'done',
  })
  status!: ActionStatus;
  @ApiProperty({ type: String, nullable: true, example: 'Two arrests, cash seized' })
  outcome!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2025-01-09',
    description: 'Business date',
  })
  completedOn!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-05' })
  lastProgressOn!: string | null;
}

/**
 * What changed on an agenda threat since the previous meeting that had it on its agenda (of any
 * chair or kind, among the meetings your organisation was party to): scores and completions dated
 * after that meeting's day up to this meeting's day, or the pack's date if that is earlier.
 * Disruptions are not recorded by the system yet.
 */
export class ThreatChangesView {
  @ApiProperty({ type: MeetingRefView }) since!: MeetingRefView;
  @ApiProperty({ example: '2025-01-14', description: 'Business date, inclusive' }) until!: string;
  @ApiProperty({
    type: [PackIntelligenceView],
    description:
      'Shared on the threat at meetings held after the previous one, this one included, as your organisation may receive it (handling code C only where it may go)',
  })
  newIntelligence!: PackIntelligenceView[];
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 96,
    description:
      'The total score in force on the previous meeting’s day; null when the threat is not shared with you',
  })
  scoreBefore!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 84, description: 'In force on `until`' })
  scoreNow!: number | null;
  @ApiProperty({
    type: [AssessedScoreView],
    description: 'Assessments dated in the window, oldest first (empty when not shared with you)',
  })
  assessments!: AssessedScoreView[];
  @ApiProperty({
    type: [PlanActionEntryView],
    description:
      'Actions of the threat’s plan completed in the window (empty when not shared with you)',
  })
  planActionsCompleted!: PlanActionEntryView[];
  @ApiProperty({
    type: [PartnerActionView],
    description:
      'Actions agreed at meetings on the threat and completed in the window, those you may see',
  })
  partnerActionsCompleted!: PartnerActionView[];
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
  @ApiProperty({
    type: ThreatChangesView,
    nullable: true,
    description: 'Null when no earlier meeting you were party to had the threat on its agenda',
  })
  changes!: ThreatChangesView | null;
}

export class PlanPersonEntryView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000000b' }) involvementId!: string;
  @ApiProperty({ example: 'principal' }) role!: string;
}

/** A plan on a page as an agenda's publication sent it; people by role only. */
export class SentPlanView {
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ enum: ['ocg', 'priority-individual', 'soc-vulnerability'] }) kind!: string;
  @ApiProperty({ example: 'County lines supply into Hartlepool' }) summary!: string;
  @ApiProperty({ example: 'county-lines' }) priorityArea!: string;
  @ApiProperty({ enum: ['tactical', 'strategic'] }) type!: string;
  @ApiProperty({ example: 2 }) tier!: number;
  @ApiProperty({ example: 'active' }) phase!: string;
  @ApiProperty({ type: String, nullable: true }) closedOn!: string | null;
  @ApiProperty({ enum: MARKINGS, example: 'OFFICIAL' }) marking!: string;
  @ApiProperty({ type: PersonRefBody }) lro!: PersonRefBody;
  @ApiProperty({ type: PersonRefBody, nullable: true }) sro!: PersonRefBody | null;
  @ApiProperty({ type: String, nullable: true }) place!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['clear', 'hold', 'build'] })
  clearHoldBuildPhase!: string | null;
  @ApiProperty({ type: String, nullable: true }) criminalActivity!: string | null;
  @ApiProperty({ type: [String] }) placesAffected!: string[];
  @ApiProperty({ type: [String] }) risks!: string[];
  @ApiProperty({ type: String, nullable: true, example: '2025-03-01' }) reviewDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastReviewedOn!: string | null;
  @ApiProperty({
    type: AssessedScoreView,
    nullable: true,
    description: 'In force on the publication’s business date',
  })
  currentAssessment!: AssessedScoreView | null;
  @ApiProperty({ type: [PlanPersonEntryView] }) people!: PlanPersonEntryView[];
  @ApiProperty({ type: [PlanActionEntryView] }) actions!: PlanActionEntryView[];
  @ApiProperty({ example: 1017, description: 'The global position of the threat’s state sent' })
  asOfPosition!: number;
}

export class SentAgendaItemView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'cleveland-police' }) ownerOrganisationId!: string;
  @ApiProperty({
    type: SentPlanView,
    nullable: true,
    description:
      'Null when the plan was not sent to your organisation (not shared with it then), or the system knew nothing of the threat',
  })
  plan!: SentPlanView | null;
}

/** One publication of the agenda, frozen: the plans as they stood at that moment. */
export class SentAgendaView {
  @ApiProperty({ example: '2025-01-07' }) publishedOn!: string;
  @ApiProperty({ example: '2025-01-07T09:30:00.000Z' }) publishedAt!: string;
  @ApiProperty({ example: 1042, description: 'The publication’s global position' })
  position!: number;
  @ApiProperty({ type: [String], description: 'The chair’s and the invited organisations then' })
  recipientOrganisationIds!: string[];
  @ApiProperty({ type: [SentAgendaItemView] }) agenda!: SentAgendaItemView[];
}

export class AgendaPublicationView {
  @ApiProperty({ type: [String] }) threatIds!: string[];
  @ApiProperty({ example: '2025-01-07', description: 'Business date' }) publishedOn!: string;
  @ApiProperty({ example: '2025-01-07T09:30:00.000Z', description: 'When it was recorded' })
  publishedAt!: string;
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
  @ApiProperty({
    type: [SentAgendaView],
    description:
      'Each publication of the agenda your organisation received, newest first, with the plans on a page exactly as it was sent them; later changes to the threats leave these as they were',
  })
  sentAgendas!: SentAgendaView[];
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
