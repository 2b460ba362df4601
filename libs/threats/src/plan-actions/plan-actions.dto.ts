import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTION_CATEGORIES, type ActionCategory } from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsCalendarDate, IsText } from '@soc/platform';
import { IsIn, IsOptional } from 'class-validator';
import { PersonRefBody, ValidPersonRef } from '../threat/threat-params.dto.js';

export class ProposeActionBody {
  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'prevent' })
  @IsIn(ACTION_CATEGORIES)
  category!: ActionCategory;

  @ApiProperty({ example: 'Closure order on the cuckooed flat' })
  @IsText(1, 2000)
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

  @BusinessDate('When the action was proposed')
  proposedOn?: string;
}

export class AgreeActionBody {
  @BusinessDate('When the action was agreed (at a meeting, say)')
  agreedOn?: string;
}

export class StartActionBody {
  @BusinessDate('When work on the action began')
  startedOn?: string;
}

export class CompleteActionBody {
  @ApiProperty({ example: 'Closure order granted at Teesside Magistrates on 2026-12-02' })
  @IsText(1, 2000)
  outcome!: string;

  @ApiPropertyOptional({
    example: 'Visit made jointly with children’s services; their acknowledgement is in the post',
    description:
      'Why the action is complete although its safeguarding referral is not yet acknowledged: the threat’s LRO only',
  })
  @IsOptional()
  @IsText(5, 1000)
  unacknowledgedReferralReason?: string;

  @BusinessDate('When the action was completed')
  completedOn?: string;
}

export class CancelActionBody {
  @ApiProperty({ example: 'Not possible, circumstances changed: the tenant moved out' })
  @IsText(5, 1000)
  reason!: string;

  @BusinessDate('When the action was cancelled')
  cancelledOn?: string;
}

export class ActionProgressBody {
  @ApiProperty({ example: 'Evidence pack submitted to legal services' })
  @IsText(1, 2000)
  note!: string;

  @BusinessDate('The date of the progress')
  progressOn?: string;
}

export class ActionProposedResult extends CommandResult {
  @ApiProperty({ example: '0197c1f4-0000-7111-8222-333344445555', format: 'uuid' })
  actionId!: string;
}
