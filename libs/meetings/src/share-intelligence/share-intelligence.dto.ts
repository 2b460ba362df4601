import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HandlingCode, IntelligenceAssessment, SourceEvaluation } from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsText, PersonRefBody, SLUG, ValidPersonRef } from '@soc/platform';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { OptionalAgendaThreat } from '../meeting/meeting-params.dto.js';

const SOURCES: readonly SourceEvaluation[] = [1, 2, 3];
const ASSESSMENTS: readonly IntelligenceAssessment[] = ['A', 'B', 'C', 'D', 'E'];
const HANDLING_CODES: readonly HandlingCode[] = ['P', 'C'];

/** The UK 3x5x2 grading. */
export class IntelligenceGradingBody {
  @ApiProperty({
    enum: SOURCES,
    example: 2,
    description: 'Source: 1 reliable, 2 untested, 3 not reliable',
  })
  @IsIn(SOURCES)
  source!: SourceEvaluation;

  @ApiProperty({
    enum: ASSESSMENTS,
    example: 'B',
    description:
      'A known directly, B known indirectly and corroborated, C known indirectly, D not known, E suspected false',
  })
  @IsIn(ASSESSMENTS)
  intelligence!: IntelligenceAssessment;

  @ApiProperty({
    enum: HANDLING_CODES,
    example: 'C',
    description: 'P lawful sharing permitted; C sharing only under the stated conditions',
  })
  @IsIn(HANDLING_CODES)
  handling!: HandlingCode;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Not to be disclosed beyond the housing officer named; no action without consent',
    description: 'The originator’s conditions: required for handling code C',
  })
  @ValidateIf(
    (grading: IntelligenceGradingBody) => grading.handling === 'C' || grading.conditions != null,
  )
  @IsText(5, 2000)
  conditions?: string | null;
}

export class ShareIntelligenceBody {
  @ApiProperty({ example: 'Address on Oxford Road used to store cash; two juveniles seen running' })
  @IsText(5, 4000)
  summary!: string;

  @OptionalAgendaThreat()
  threatId?: string | null;

  @ApiProperty({ type: IntelligenceGradingBody })
  @IsObject()
  @ValidateNested()
  @Type(() => IntelligenceGradingBody)
  grading!: IntelligenceGradingBody;

  @ApiProperty({
    type: [String],
    example: ['thirteen-housing'],
    description: 'The invited organisations the item may go to (handling code C: only these)',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: 'each of $property must be an organisation id (slug)' })
  mayGoTo!: string[];

  @ApiProperty({ type: PersonRefBody, description: 'Who shared it at the meeting' })
  @ValidPersonRef()
  sharedBy!: PersonRefBody;

  @BusinessDate('When it was shared (default: the meeting’s day once past)')
  sharedOn?: string;
}

export class IntelligenceSharedResult extends CommandResult {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000002', format: 'uuid' })
  itemId!: string;
}
