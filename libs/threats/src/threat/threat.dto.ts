import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTION_CATEGORIES,
  type ActionCategory,
  CLEAR_HOLD_BUILD_PHASES,
  type ClearHoldBuildPhase,
  MARKINGS,
  type Marking,
  PRIORITY_AREAS,
  THREAT_KINDS,
  THREAT_TYPES,
  type ThreatKind,
  type ThreatType,
} from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/** Ids of organisations and people: the directory's slugs. */
const SLUG = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SLUG_MESSAGE = '$property must be 2-63 lower-case letters, digits, ".", "_" or "-"';
/** A threat's phase (`open`, `active`, `pursue-and-disrupt`...): a short slug. */
const PHASE = /^[a-z][a-z0-9-]{1,31}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), nothing more. */
function IsCalendarDate(): PropertyDecorator {
  return (target, property) => {
    IsISO8601({ strict: true }, { message: '$property must be a date YYYY-MM-DD' })(
      target,
      property,
    );
    Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })(target, property);
  };
}

const Slug = (): PropertyDecorator => Matches(SLUG, { message: SLUG_MESSAGE });

/** Free text: a string of bounded length. */
function Text(min: number, max: number): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(min, max)(target, property);
  };
}

// ----- path parameters -----

export class ThreatIdParam {
  @ApiProperty({ example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab', format: 'uuid' })
  @IsUUID()
  threatId!: string;
}

export class AssessmentParams extends ThreatIdParam {
  @ApiProperty({ example: '0197c1f2-1111-7222-8333-444455556666', format: 'uuid' })
  @IsUUID()
  assessmentId!: string;
}

export class InvolvementParams extends ThreatIdParam {
  @ApiProperty({ example: '0197c1f3-aaaa-7bbb-8ccc-ddddeeeeffff', format: 'uuid' })
  @IsUUID()
  involvementId!: string;
}

export class ActionParams extends ThreatIdParam {
  @ApiProperty({ example: '0197c1f4-0000-7111-8222-333344445555', format: 'uuid' })
  @IsUUID()
  actionId!: string;
}

export class ShareParams extends ThreatIdParam {
  @ApiProperty({ example: 'hartlepool-bc' })
  @Slug()
  organisationId!: string;
}

// ----- bodies -----

/** A person acting for an organisation: an LRO, an SRO, an action's owner. */
export class PersonRefBody {
  @ApiProperty({ example: 'cleveland-lro-1' })
  @Slug()
  personId!: string;

  @ApiProperty({ example: 'cleveland-police' })
  @Slug()
  organisationId!: string;
}

/** A nested person reference: an object, validated field by field. */
const ValidPersonRef = () =>
  applyDecorators(
    IsObject(),
    ValidateNested(),
    Type(() => PersonRefBody),
  );

export class RegisterThreatBody {
  @ApiProperty({
    example: 'cleveland-police',
    description: 'The force or ROCU that mapped the threat: must be the caller’s organisation',
  })
  @Slug()
  ownerOrganisationId!: string;

  @ApiProperty({ enum: THREAT_KINDS, example: 'ocg' })
  @IsIn(THREAT_KINDS)
  kind!: ThreatKind;

  @ApiProperty({ example: 'OPERATION KESTREL' })
  @Text(2, 100)
  codeName!: string;

  @ApiProperty({ example: 'County lines supply into Hartlepool from Merseyside' })
  @Text(1, 2000)
  summary!: string;

  @ApiProperty({ enum: PRIORITY_AREAS, example: 'county-lines' })
  @IsIn(PRIORITY_AREAS)
  priorityArea!: string;

  @ApiProperty({ enum: THREAT_TYPES, example: 'tactical' })
  @IsIn(THREAT_TYPES)
  type!: ThreatType;

  @ApiProperty({ minimum: 1, maximum: 5, example: 2, description: '1 is the highest' })
  @IsInt()
  @Min(1)
  @Max(5)
  tier!: number;

  @ApiProperty({ example: 'active', description: 'A short slug; `closed` only by closing it' })
  @Matches(PHASE, { message: '$property must be 2-32 lower-case letters, digits or "-"' })
  phase!: string;

  @ApiProperty({
    example: true,
    description: 'Whether it counts as serious and organised crime',
  })
  @IsBoolean()
  soc!: boolean;

  @ApiProperty({ type: PersonRefBody, description: 'The lead responsible officer' })
  @ValidPersonRef()
  lro!: PersonRefBody;

  @ApiPropertyOptional({
    type: PersonRefBody,
    nullable: true,
    example: { personId: 'cleveland-sro-1', organisationId: 'cleveland-police' },
    description: 'The senior responsible officer, if named',
  })
  @IsOptional()
  @ValidPersonRef()
  sro?: PersonRefBody | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 'Dyke House, Hartlepool',
    description: 'For a soc-vulnerability: the place it affects (required there)',
  })
  @IsOptional()
  @Text(2, 200)
  place?: string | null;

  @ApiPropertyOptional({
    enum: CLEAR_HOLD_BUILD_PHASES,
    nullable: true,
    example: 'hold',
    description: 'For a soc-vulnerability where Clear, Hold, Build runs',
  })
  @IsOptional()
  @IsIn(CLEAR_HOLD_BUILD_PHASES)
  clearHoldBuildPhase?: ClearHoldBuildPhase | null;

  @ApiProperty({ enum: MARKINGS, example: 'OFFICIAL' })
  @IsIn(MARKINGS)
  marking!: Marking;

  @ApiProperty({
    example: true,
    description: 'Whether organisations that may not read it may learn it exists, and who holds it',
  })
  @IsBoolean()
  signposting!: boolean;

  @ApiPropertyOptional({
    example: '2026-01-10',
    format: 'date',
    description: 'When the plan began (default: today); not in the future',
  })
  @IsOptional()
  @IsCalendarDate()
  openedOn?: string;
}

export class ChangeTierBody {
  @ApiProperty({ minimum: 1, maximum: 5, example: 1 })
  @IsInt()
  @Min(1)
  @Max(5)
  tier!: number;

  @ApiProperty({ example: 'Firearms recovered at an address linked to the group' })
  @Text(5, 1000)
  reason!: string;
}

export class ChangePhaseBody {
  @ApiProperty({ example: 'pursue', description: 'A short slug; close a threat with /closure' })
  @Matches(PHASE, { message: '$property must be 2-32 lower-case letters, digits or "-"' })
  phase!: string;
}

export class ChangeLroBody {
  @ApiProperty({ type: PersonRefBody })
  @ValidPersonRef()
  lro!: PersonRefBody;

  @ApiPropertyOptional({
    type: PersonRefBody,
    nullable: true,
    example: { personId: 'cleveland-sro-1', organisationId: 'cleveland-police' },
    description: 'The senior responsible officer; null or absent when none is named',
  })
  @IsOptional()
  @ValidPersonRef()
  sro?: PersonRefBody | null;
}

export class CloseThreatBody {
  @ApiProperty({ example: 'Principals convicted; the group is dismantled' })
  @Text(5, 1000)
  reason!: string;
}

/** A scored MoRiLE dimension: 0 to 1000 under the force's scoring model. */
function Score(): PropertyDecorator {
  return (target, property) => {
    IsNumber({ allowNaN: false, allowInfinity: false })(target, property);
    Min(0)(target, property);
    Max(1000)(target, property);
  };
}

export class MorileScoresBody {
  @ApiProperty({ minimum: 0, maximum: 1000, example: 80 }) @Score() harm!: number;
  @ApiProperty({ minimum: 0, maximum: 1000, example: 70 }) @Score() likelihood!: number;
  @ApiProperty({ minimum: 0, maximum: 1000, example: 60 }) @Score() confidence!: number;
  @ApiProperty({ minimum: 0, maximum: 1000, example: 50 }) @Score() capacity!: number;
  @ApiProperty({ minimum: 0, maximum: 1000, example: 40 }) @Score() capability!: number;
}

const LEVELS = ['high', 'medium', 'low'] as const;

export class MorileOutputsBody {
  @ApiProperty({ minimum: 0, maximum: 1_000_000, example: 1240 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  totalScore!: number;

  @ApiProperty({ enum: LEVELS, example: 'high' })
  @IsIn(LEVELS)
  priority!: (typeof LEVELS)[number];

  @ApiProperty({ enum: LEVELS, example: 'medium' })
  @IsIn(LEVELS)
  opportunity!: (typeof LEVELS)[number];
}

export class RecordAssessmentBody {
  @ApiProperty({ example: 'MoRiLE 2.1', description: 'The scoring model’s version' })
  @Text(1, 50)
  modelVersion!: string;

  @ApiProperty({ type: MorileScoresBody })
  @IsObject()
  @ValidateNested()
  @Type(() => MorileScoresBody)
  scores!: MorileScoresBody;

  @ApiProperty({ type: MorileOutputsBody })
  @IsObject()
  @ValidateNested()
  @Type(() => MorileOutputsBody)
  outputs!: MorileOutputsBody;

  @ApiProperty({ example: '2026-11-01', format: 'date', description: 'Not in the future' })
  @IsCalendarDate()
  assessedOn!: string;

  @ApiProperty({
    example: '2026-10-20',
    format: 'date',
    description: 'The newest intelligence the assessment rests on; not after assessedOn',
  })
  @IsCalendarDate()
  intelligenceDate!: string;

  @ApiProperty({ example: 'Test purchases confirm supply continues' })
  @Text(1, 4000)
  rationale!: string;
}

const MODERATION_DECISIONS = ['moderated', 'returned'] as const;

/** A return needs its reason: a note of at least 5 characters. */
const ReasonWhenReturned = () =>
  ValidateBy({
    name: 'reasonWhenReturned',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        (args?.object as { decision?: unknown } | undefined)?.decision !== 'returned' ||
        (typeof value === 'string' && value.trim().length >= 5),
      defaultMessage: () => 'a returned assessment needs the reason: note of at least 5 characters',
    },
  });

export class ModerateAssessmentBody {
  @ApiProperty({ enum: MODERATION_DECISIONS, example: 'returned' })
  @IsIn(MODERATION_DECISIONS)
  decision!: (typeof MODERATION_DECISIONS)[number];

  @ApiProperty({
    example: 'Harm score rests on 2019 intelligence; refresh the basis and re-score',
    description: 'For a return: the reason (at least 5 characters)',
  })
  @IsString()
  @MaxLength(1000)
  @ReasonWhenReturned()
  note!: string;
}

export class UpdatePlanBody {
  @ApiProperty({ example: 'Crack cocaine and heroin supplied via a county line from Liverpool' })
  @Text(1, 4000)
  criminalActivity!: string;

  @ApiProperty({ type: [String], example: ['Dyke House, Hartlepool', 'Hartlepool town centre'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  placesAffected!: string[];

  @ApiProperty({ type: [String], example: ['Withdrawal of the task team in March'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  risks!: string[];

  @ApiProperty({ example: '2027-02-01', format: 'date', description: 'Not before the plan began' })
  @IsCalendarDate()
  reviewDate!: string;
}

export class ReviewPlanBody {
  @ApiProperty({ example: '2027-03-01', format: 'date', description: 'After today' })
  @IsCalendarDate()
  nextReviewDate!: string;

  @ApiProperty({ example: 'Actions on track; housing closure order granted' })
  @Text(0, 2000)
  note!: string;
}

export class SharePlanBody {
  @ApiProperty({ type: [String], example: ['hartlepool-bc', 'hmpps-north-east'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: 'each of $property must be an organisation id (slug)' })
  organisationIds!: string[];
}

export class AddPlanPersonBody {
  @ApiProperty({
    example: 'John Smith',
    description: 'Personal data: sealed under a subject of its own; the collection is logged',
  })
  @Text(1, 200)
  name!: string;

  @ApiProperty({ example: 'principal', description: 'Their part: principal, associate, victim...' })
  @Text(2, 100)
  role!: string;
}

export class RemovePlanPersonBody {
  @ApiProperty({ example: 'Identified in error: not linked to the group' })
  @Text(5, 1000)
  reason!: string;
}

export class ProposeActionBody {
  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'prevent' })
  @IsIn(ACTION_CATEGORIES)
  category!: ActionCategory;

  @ApiProperty({ example: 'Closure order on the cuckooed flat' })
  @Text(1, 2000)
  description!: string;

  @ApiProperty({
    type: PersonRefBody,
    example: { personId: 'hartlepool-bc-asb-1', organisationId: 'hartlepool-bc' },
    description: 'Its organisation must be the owner, the LRO’s, or one the plan is shared with',
  })
  @ValidPersonRef()
  owner!: PersonRefBody;

  @ApiProperty({ example: '2026-12-31', format: 'date', description: 'Not before the plan began' })
  @IsCalendarDate()
  dueDate!: string;
}

export class CompleteActionBody {
  @ApiProperty({ example: 'Closure order granted at Teesside Magistrates on 2026-12-02' })
  @Text(1, 2000)
  outcome!: string;
}

export class CancelActionBody {
  @ApiProperty({ example: 'Not possible, circumstances changed: the tenant moved out' })
  @Text(5, 1000)
  reason!: string;
}

export class ActionProgressBody {
  @ApiProperty({ example: 'Evidence pack submitted to legal services' })
  @Text(1, 2000)
  note!: string;
}

// ----- answers -----

export class ThreatRegisteredResult extends CommandResult {
  @ApiProperty({ example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab', format: 'uuid' })
  threatId!: string;
}

export class AssessmentRecordedResult extends CommandResult {
  @ApiProperty({ example: '0197c1f2-1111-7222-8333-444455556666', format: 'uuid' })
  assessmentId!: string;
}

export class PlanPersonAddedResult extends CommandResult {
  @ApiProperty({ example: '0197c1f3-aaaa-7bbb-8ccc-ddddeeeeffff', format: 'uuid' })
  involvementId!: string;
}

export class ActionProposedResult extends CommandResult {
  @ApiProperty({ example: '0197c1f4-0000-7111-8222-333344445555', format: 'uuid' })
  actionId!: string;
}
