import { ApiProperty } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsCalendarDate, IsText } from '@soc/platform';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

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
  @IsText(1, 50)
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

  @ApiProperty({
    example: '2026-11-01',
    format: 'date',
    description: "When it was assessed: not in the future, not before the threat's last fact",
  })
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
  @IsText(1, 4000)
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

  @BusinessDate('When the assessment was moderated or returned', '2022-01-05')
  moderatedOn?: string;
}

export class AssessmentRecordedResult extends CommandResult {
  @ApiProperty({ example: '0197c1f2-1111-7222-8333-444455556666', format: 'uuid' })
  assessmentId!: string;
}
