import { ConsistencyQuery } from '@soc/messaging';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTION_CATEGORIES,
  CLEAR_HOLD_BUILD_PHASES,
  MARKINGS,
  THREAT_KINDS,
  THREAT_TYPES,
  type ThreatType,
} from '@soc/contracts';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';

const SLUG = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SLUG_MESSAGE = '$property must be 2-63 lower-case letters, digits, ".", "_" or "-"';
const PHASE = /^[a-z][a-z0-9-]{1,31}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const ACTION_STATUSES = ['proposed', 'agreed', 'in-progress', 'done', 'cancelled'] as const;
export const MODERATION_STATUSES = ['unmoderated', 'moderated', 'returned'] as const;
export const TRENDS = ['up', 'down', 'same', 'new'] as const;
export type Trend = (typeof TRENDS)[number];

export class ThreatIdPath {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' })
  @IsUUID()
  threatId!: string;
}

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ThreatListQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ description: 'Owner organisation', example: 'cleveland-police' })
  @IsOptional()
  @Matches(SLUG, { message: SLUG_MESSAGE })
  owner?: string;

  @ApiPropertyOptional({ example: 'county-lines' })
  @IsOptional()
  @Matches(SLUG, { message: SLUG_MESSAGE })
  priorityArea?: string;

  @ApiPropertyOptional({ enum: THREAT_TYPES })
  @IsOptional()
  @IsIn(THREAT_TYPES)
  type?: ThreatType;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 2 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  tier?: number;

  @ApiPropertyOptional({ example: 'active' })
  @IsOptional()
  @Matches(PHASE, { message: '$property must be a lower-case phase such as "active"' })
  phase?: string;

  @ApiPropertyOptional({
    description: 'Only threats whose current assessment rests on stale intelligence (or only not)',
    type: Boolean,
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  stale?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class ThreatCountsQuery extends ConsistencyQuery {
  @ApiPropertyOptional({
    description: 'Count as of the end of this date (UTC); today when left out',
    example: '2022-01-10',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be a date YYYY-MM-DD' })
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  asOf?: string;
}

export class PersonRefView {
  @ApiProperty({ example: 'cleveland-police-lro' }) personId!: string;
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
}

export class MorileScoresView {
  @ApiProperty({ example: 80 }) harm!: number;
  @ApiProperty({ example: 70 }) likelihood!: number;
  @ApiProperty({ example: 60 }) confidence!: number;
  @ApiProperty({ example: 50 }) capacity!: number;
  @ApiProperty({ example: 40 }) capability!: number;
}

export class MorileOutputsView {
  @ApiProperty({ example: 1240 }) totalScore!: number;
  @ApiProperty({ enum: ['high', 'medium', 'low'], example: 'high' }) priority!: string;
  @ApiProperty({ enum: ['high', 'medium', 'low'], example: 'medium' }) opportunity!: string;
}

/** The assessment that stands, as the master list shows it. */
export class CurrentAssessmentView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000a001' }) assessmentId!: string;
  @ApiProperty({ example: 'MoRiLE 2.1' }) modelVersion!: string;
  @ApiProperty({ type: MorileScoresView }) scores!: MorileScoresView;
  @ApiProperty({ type: MorileOutputsView }) outputs!: MorileOutputsView;
  @ApiProperty({ example: '2021-11-01' }) assessedOn!: string;
  @ApiProperty({
    example: '2021-10-20',
    description: 'Date of the newest intelligence it rests on',
  })
  intelligenceDate!: string;
  @ApiProperty({
    description: 'Its intelligence is older than the stale threshold (months) before today',
    example: false,
  })
  stale!: boolean;
  @ApiProperty({ enum: MODERATION_STATUSES, example: 'moderated' }) moderationStatus!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Consistent with regional scoring',
    description: 'The moderator’s note, or the reason it was returned',
  })
  moderationNote!: string | null;
}

export class ModerationView {
  @ApiProperty({ enum: MODERATION_STATUSES, example: 'returned' }) status!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Harm score not evidenced' })
  note!: string | null;
  @ApiProperty({ nullable: true, type: PersonRefView }) by!: PersonRefView | null;
  @ApiProperty({ nullable: true, type: String, example: '2021-11-05T10:00:00.000Z' })
  at!: string | null;
}

/** One assessment in the threat's score history. */
export class AssessmentView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000a001' }) assessmentId!: string;
  @ApiProperty({ example: 'MoRiLE 2.1' }) modelVersion!: string;
  @ApiProperty({ type: MorileScoresView }) scores!: MorileScoresView;
  @ApiProperty({ type: MorileOutputsView }) outputs!: MorileOutputsView;
  @ApiProperty({ example: '2021-11-01' }) assessedOn!: string;
  @ApiProperty({ example: '2021-10-20' }) intelligenceDate!: string;
  @ApiProperty({ example: false }) stale!: boolean;
  @ApiProperty({ example: 'Test purchases confirm supply continues' }) rationale!: string;
  @ApiProperty({ example: '2021-11-01T09:30:00.000Z' }) recordedAt!: string;
  @ApiProperty({ type: PersonRefView }) recordedBy!: PersonRefView;
  @ApiProperty({ type: ModerationView }) moderation!: ModerationView;
}

/** A line of the SOC master list. */
export class ThreatSummaryView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'cleveland-police' }) ownerOrganisationId!: string;
  @ApiProperty({ enum: THREAT_KINDS, example: 'ocg' }) kind!: string;
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ example: 'county-lines' }) priorityArea!: string;
  @ApiProperty({ enum: THREAT_TYPES, example: 'tactical' }) type!: string;
  @ApiProperty({ minimum: 1, maximum: 5, example: 2 }) tier!: number;
  @ApiProperty({ example: 'active' }) phase!: string;
  @ApiProperty({ description: 'Counts as serious and organised crime', example: true })
  soc!: boolean;
  @ApiProperty({ enum: MARKINGS, example: 'OFFICIAL' }) marking!: string;
  @ApiProperty({ type: PersonRefView }) lro!: PersonRefView;
  @ApiProperty({ nullable: true, type: Number, example: 1240 }) currentScore!: number | null;
  @ApiProperty({ nullable: true, enum: MODERATION_STATUSES, example: 'moderated' })
  moderationStatus!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2021-10-20' })
  intelligenceDate!: string | null;
  @ApiProperty({
    description:
      'The current assessment rests on intelligence older than the stale threshold (false when unassessed)',
    example: false,
  })
  stale!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2022-02-01' }) reviewDate!: string | null;
  @ApiProperty({
    description: 'Global position of the newest event applied to this threat',
    example: 1042,
  })
  globalPosition!: number;
}

/** A threat with its assessment history and moderation. */
export class ThreatView extends ThreatSummaryView {
  @ApiProperty({ example: 'County lines supply into Hartlepool from Merseyside' })
  summary!: string;
  @ApiProperty({ nullable: true, type: PersonRefView }) sro!: PersonRefView | null;
  @ApiProperty({ nullable: true, type: String, example: 'Hartlepool town centre' })
  place!: string | null;
  @ApiProperty({ nullable: true, enum: CLEAR_HOLD_BUILD_PHASES, example: 'hold' })
  clearHoldBuildPhase!: string | null;
  @ApiProperty({ description: 'Others may learn it exists and who holds it', example: false })
  signposting!: boolean;
  @ApiProperty({ type: [String], example: ['hartlepool-bc'] }) sharedWith!: string[];
  @ApiProperty({ example: '2021-06-01' }) openedOn!: string;
  @ApiProperty({ example: '2021-06-01T09:00:00.000Z' }) registeredAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2024-03-31T09:00:00.000Z' }) closedAt!:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Group dismantled after trial' })
  closedReason!: string | null;
  @ApiProperty({ nullable: true, type: CurrentAssessmentView })
  currentAssessment!: CurrentAssessmentView | null;
  @ApiProperty({ nullable: true, type: Number, example: 1100 })
  previousTotalScore!: number | null;
  @ApiProperty({
    nullable: true,
    enum: TRENDS,
    description: 'Current score against the previous assessment; null when unassessed',
    example: 'down',
  })
  trend!: Trend | null;
  @ApiProperty({ type: [AssessmentView], description: 'Every assessment, newest first' })
  assessments!: AssessmentView[];
  @ApiProperty({ nullable: true, type: String, example: '2021-12-01' })
  lastReviewedOn!: string | null;
  @ApiProperty({ example: '2021-12-01T14:00:00.000Z' }) lastActivityAt!: string;
}

export class OrganisationCountView {
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
  @ApiProperty({ example: 29 }) count!: number;
}

/** Threats counted under the regional rule: tactical, moderated, SOC, not tier 5, not closed. */
export class ThreatCountsView {
  @ApiProperty({ example: '2022-01-10' }) asOf!: string;
  @ApiProperty({ example: 142 }) total!: number;
  @ApiProperty({
    type: [OrganisationCountView],
    example: [
      { organisationId: 'cleveland-police', count: 29 },
      { organisationId: 'durham-constabulary', count: 32 },
      { organisationId: 'nersou', count: 39 },
      { organisationId: 'northumbria-police', count: 42 },
    ],
  })
  byOrganisation!: OrganisationCountView[];
}

export class PlanPersonView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000b001' }) involvementId!: string;
  @ApiProperty({ example: 'subject:0197c1f0-0000-7000-8000-00000000c001' }) subjectId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'John Smith',
    description: 'Personal data; null once erased',
  })
  name!: string | null;
  @ApiProperty({ example: false }) erased!: boolean;
  @ApiProperty({ example: 'principal' }) role!: string;
}

export class ActionProgressView {
  @ApiProperty({ example: 'Closure order hearing listed for 14 January' }) note!: string;
  @ApiProperty({ example: '2022-01-05' }) on!: string;
  @ApiProperty({ example: '2022-01-05T11:00:00.000Z' }) recordedAt!: string;
  @ApiProperty({ type: PersonRefView }) recordedBy!: PersonRefView;
}

export class PlanActionView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000d001' }) actionId!: string;
  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'prevent' }) category!: string;
  @ApiProperty({ example: 'Closure order on the cuckooed flat' }) description!: string;
  @ApiProperty({ type: PersonRefView }) owner!: PersonRefView;
  @ApiProperty({ example: '2022-01-31' }) dueDate!: string;
  @ApiProperty({ enum: ACTION_STATUSES, example: 'in-progress' }) status!: string;
  @ApiProperty({ description: 'Still open and due before today', example: false })
  pastDue!: boolean;
  @ApiProperty({ nullable: true, type: String }) outcome!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancellationReason!: string | null;
  @ApiProperty({ example: '2021-12-01T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2022-01-05T11:00:00.000Z' }) updatedAt!: string;
  @ApiProperty({ type: [ActionProgressView], description: 'Oldest first' })
  progress!: ActionProgressView[];
}

/**
 * The plan on a page, as the caller may see it: a partner organisation sees the actions its
 * own organisation owns, and nothing about the others.
 */
export class PlanOnAPageView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ example: 'cleveland-police' }) ownerOrganisationId!: string;
  @ApiProperty({ enum: THREAT_KINDS, example: 'ocg' }) kind!: string;
  @ApiProperty({ example: 'County lines supply into Hartlepool from Merseyside' })
  summary!: string;
  @ApiProperty({ example: 'county-lines' }) priorityArea!: string;
  @ApiProperty({ enum: THREAT_TYPES, example: 'tactical' }) type!: string;
  @ApiProperty({ example: 2 }) tier!: number;
  @ApiProperty({ example: 'active' }) phase!: string;
  @ApiProperty({ enum: MARKINGS, example: 'OFFICIAL' }) marking!: string;
  @ApiProperty({ type: PersonRefView }) lro!: PersonRefView;
  @ApiProperty({ nullable: true, type: PersonRefView }) sro!: PersonRefView | null;
  @ApiProperty({ nullable: true, type: String, example: 'Dyke House, Hartlepool' }) place!:
    string | null;
  @ApiProperty({ nullable: true, enum: CLEAR_HOLD_BUILD_PHASES, example: 'hold' })
  clearHoldBuildPhase!: string | null;
  @ApiProperty({ nullable: true, type: CurrentAssessmentView })
  currentAssessment!: CurrentAssessmentView | null;
  @ApiProperty({ nullable: true, enum: TRENDS, example: 'down' }) trend!: Trend | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Supply of crack cocaine and heroin through a deal line',
  })
  criminalActivity!: string | null;
  @ApiProperty({ type: [String], example: ['Hartlepool', 'Stockton-on-Tees'] })
  placesAffected!: string[];
  @ApiProperty({ type: [String], example: ['Withdrawal of the task team in March'] })
  risks!: string[];
  @ApiProperty({ nullable: true, type: String, example: '2022-02-01' })
  reviewDate!: string | null;
  @ApiProperty({ description: 'The review date has passed', example: false })
  reviewOverdue!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2021-12-15' }) lastReviewedOn!:
    string | null;
  @ApiProperty({ type: [PlanPersonView] }) people!: PlanPersonView[];
  @ApiProperty({ type: [PlanActionView] }) actions!: PlanActionView[];
  @ApiProperty({ example: 'hartlepool-bc', description: 'The organisation this copy is for' })
  preparedFor!: string;
  @ApiProperty({ example: '2022-01-10' }) preparedOn!: string;
  @ApiProperty({ example: 1042 }) globalPosition!: number;
}

export class ActionStatusCountsView {
  @ApiProperty({ example: 1 }) proposed!: number;
  @ApiProperty({ example: 2 }) agreed!: number;
  @ApiProperty({ name: 'in-progress', example: 3 }) 'in-progress'!: number;
  @ApiProperty({ example: 4 }) done!: number;
  @ApiProperty({ example: 0 }) cancelled!: number;
}

export class OwnerActionCountView {
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({ example: 2, description: 'Not done nor cancelled' }) open!: number;
  @ApiProperty({ example: 1 }) pastDue!: number;
}

/** One of the caller's plans, with what stands out about it. */
export class MyPlanView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ example: 'cleveland-police' }) ownerOrganisationId!: string;
  @ApiProperty({ example: 'active' }) phase!: string;
  @ApiProperty({ example: 2 }) tier!: number;
  @ApiProperty({ nullable: true, type: String, example: '2022-02-01' })
  nextReviewDate!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1240 }) latestScore!: number | null;
  @ApiProperty({ nullable: true, enum: TRENDS, example: 'up' }) trend!: Trend | null;
  @ApiProperty({ example: false }) stale!: boolean;
  @ApiProperty({ type: ActionStatusCountsView }) actionsByStatus!: ActionStatusCountsView;
  @ApiProperty({ type: [OwnerActionCountView] })
  actionsByOwnerOrganisation!: OwnerActionCountView[];
  @ApiProperty({ description: 'The review date has passed', example: false })
  reviewOverdue!: boolean;
  @ApiProperty({ example: 2, description: 'Open actions due before today' })
  actionsPastDue!: number;
  @ApiProperty({
    description: 'No plan or action activity for the quiet threshold (weeks)',
    example: false,
  })
  quiet!: boolean;
  @ApiProperty({ example: '2021-12-01T14:00:00.000Z' }) lastActivityAt!: string;
}
