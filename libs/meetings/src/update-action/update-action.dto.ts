import { ApiProperty } from '@nestjs/swagger';
import { CLOSURE_REASONS, type ClosureReason } from '@soc/contracts';
import { BusinessDate, IsText } from '@soc/platform';
import { IsIn } from 'class-validator';

export class PostProgressBody {
  @ApiProperty({ example: 'Visit booked with the family for 12 January' })
  @IsText(1, 2000)
  note!: string;

  @BusinessDate('The date of the progress')
  progressOn?: string;
}

export class CompleteActionBody {
  @ApiProperty({ example: 'Both children seen; referral made to the exploitation team' })
  @IsText(1, 2000)
  outcome!: string;

  @BusinessDate('When the action was completed')
  completedOn?: string;
}

export class CloseActionBody {
  @ApiProperty({
    enum: CLOSURE_REASONS,
    example: 'circumstances-changed',
    description:
      'Why it ends uncompleted: "not possible, circumstances changed" or "the agency did not act"',
  })
  @IsIn(CLOSURE_REASONS)
  reason!: ClosureReason;

  @ApiProperty({ example: 'The family moved out of the area before the visit' })
  @IsText(5, 2000)
  explanation!: string;

  @BusinessDate('When the action was closed')
  closedOn?: string;
}
