import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsCalendarDate, IsText } from '@soc/platform';
import { IsIn, ValidateIf } from 'class-validator';

export class RequestDueDateBody {
  @ApiProperty({ example: '2027-02-28', format: 'date', description: 'The due date asked for' })
  @IsCalendarDate()
  dueDate!: string;

  @ApiProperty({ example: 'The family is away until February' })
  @IsText(5, 1000)
  reason!: string;

  @BusinessDate('When the new date was asked for')
  requestedOn?: string;
}

export class DueDateRequestedResult extends CommandResult {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000005', format: 'uuid' })
  requestId!: string;
}

const ANSWERS = ['granted', 'refused'] as const;

export class DecideDueDateBody {
  @ApiProperty({ enum: ANSWERS, example: 'granted' })
  @IsIn(ANSWERS)
  decision!: (typeof ANSWERS)[number];

  @ApiPropertyOptional({
    example: 'The visit cannot wait past January',
    description: 'Why it is refused: required for a refusal',
  })
  @ValidateIf((body: DecideDueDateBody) => body.decision === 'refused' || body.reason !== undefined)
  @IsText(5, 1000)
  reason?: string;

  @BusinessDate('When the chair answered')
  decidedOn?: string;
}
