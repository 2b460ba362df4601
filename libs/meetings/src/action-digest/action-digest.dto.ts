import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { IsOptional, Matches } from 'class-validator';
import { MyActionView } from '../my-actions/my-actions.dto.js';
import { ISO_WEEK } from './iso-week.js';

export class ActionDigestParams extends ConsistencyQuery {
  @ApiPropertyOptional({
    example: '2026-W50',
    description: 'The ISO 8601 week, YYYY-Www (default: this week)',
  })
  @IsOptional()
  @Matches(ISO_WEEK, { message: 'week must be an ISO 8601 week, YYYY-Www (e.g. 2026-W50)' })
  week?: string;
}

export class ActionDigestCountsView {
  @ApiProperty({ example: 2 }) overdue!: number;
  @ApiProperty({ example: 3 }) dueThisWeek!: number;
}

/** An organisation's actions that are due in a week or were due before it, and are not done. */
export class ActionDigestView {
  @ApiProperty({ example: '2026-W50' }) week!: string;
  @ApiProperty({ example: '2026-12-07', description: 'Its Monday' }) from!: string;
  @ApiProperty({ example: '2026-12-13', description: 'Its Sunday' }) to!: string;
  @ApiProperty({
    example: '2026-12-08',
    description: 'The business date statuses stand on: today, within the week',
  })
  asOf!: string;
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({ type: ActionDigestCountsView }) counts!: ActionDigestCountsView;
  @ApiProperty({ type: [MyActionView], description: 'Due before the week, oldest due first' })
  overdue!: MyActionView[];
  @ApiProperty({ type: [MyActionView], description: 'Due in the week, by due date' })
  dueThisWeek!: MyActionView[];
}
