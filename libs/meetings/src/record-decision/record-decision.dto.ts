import { ApiProperty } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsText } from '@soc/platform';
import { OptionalAgendaThreat } from '../meeting/meeting-params.dto.js';

export class RecordDecisionBody {
  @ApiProperty({ example: 'Refer the Oxford Road address to the closure order panel' })
  @IsText(5, 4000)
  text!: string;

  @OptionalAgendaThreat()
  threatId?: string | null;

  @BusinessDate('When it was decided (default: the meeting’s day once past)')
  decidedOn?: string;
}

export class DecisionRecordedResult extends CommandResult {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000003', format: 'uuid' })
  decisionId!: string;
}
