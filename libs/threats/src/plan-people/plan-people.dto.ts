import { ApiProperty } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsText } from '@soc/platform';

export class AddPlanPersonBody {
  @ApiProperty({
    example: 'John Smith',
    description: 'Personal data: sealed under a subject of its own; the collection is logged',
  })
  @IsText(1, 200)
  name!: string;

  @ApiProperty({ example: 'principal', description: 'Their part: principal, associate, victim...' })
  @IsText(2, 100)
  role!: string;

  @BusinessDate('When the person was linked to the threat')
  addedOn?: string;
}

export class RemovePlanPersonBody {
  @ApiProperty({ example: 'Identified in error: not linked to the group' })
  @IsText(5, 1000)
  reason!: string;

  @BusinessDate('When the person was taken off the plan')
  removedOn?: string;
}

export class PlanPersonAddedResult extends CommandResult {
  @ApiProperty({ example: '0197c1f3-aaaa-7bbb-8ccc-ddddeeeeffff', format: 'uuid' })
  involvementId!: string;
}
