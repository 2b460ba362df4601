import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CLEAR_HOLD_BUILD_PHASES,
  MARKINGS,
  THREAT_KINDS,
  THREAT_TYPES,
  type ThreatType,
} from '@soc/contracts';
import { ConsistencyQuery } from '@soc/messaging';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import {
  CurrentAssessmentView,
  MODERATION_STATUSES,
  MorileOutputsView,
  MorileScoresView,
  PersonRefView,
  type Trend,
  TRENDS,
} from '../threats-projection/threat-view-parts.dto.js';

const SLUG = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SLUG_MESSAGE = '$property must be 2-63 lower-case letters, digits, ".", "_" or "-"';
const PHASE = /^[a-z][a-z0-9-]{1,31}$/;

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ThreatListParams extends ConsistencyQuery {
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
