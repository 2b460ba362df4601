import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTION_CATEGORIES, CLOSURE_REASONS, type ClosureReason } from '@soc/contracts';
import { ConsistencyQuery } from '@soc/messaging';
import { IsCalendarDate, PersonRefBody } from '@soc/platform';
import { IsOptional } from 'class-validator';

export type PartnerActionStatus = 'agreed' | 'in-progress' | 'completed' | 'closed';
export const PARTNER_ACTION_STATUSES: readonly PartnerActionStatus[] = [
  'agreed',
  'in-progress',
  'completed',
  'closed',
];

/** A view of actions as they stood on a business date, read once the view reached a position. */
export class AsOfQuery extends ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'The business date the view stands on: actions agreed by then, their status and due date on that day; today when left out',
    example: '2025-03-01',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

export class ActionProgressView {
  @ApiProperty({ example: '2025-02-03' }) on!: string;
  @ApiProperty({ example: 'Visit booked with the family' }) note!: string;
}

export class ActionCompletionView {
  @ApiProperty({ example: '2025-02-20' }) on!: string;
  @ApiProperty({ example: 'Both children seen; referral made' }) outcome!: string;
}

export class ActionClosureView {
  @ApiProperty({ example: '2025-02-20' }) on!: string;
  @ApiProperty({
    enum: CLOSURE_REASONS,
    description: '"not possible, circumstances changed", kept apart from "the agency did not act"',
    example: 'circumstances-changed',
  })
  reason!: ClosureReason;
  @ApiProperty({ example: 'The family moved out of the area' }) explanation!: string;
}

export class PendingDueDateRequestView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000005' }) requestId!: string;
  @ApiProperty({ example: '2025-04-01' }) dueDate!: string;
  @ApiProperty({ example: 'The family is away until then' }) reason!: string;
  @ApiProperty({ example: '2025-02-10' }) requestedOn!: string;
}

/** An action a meeting agreed, as it stood on the view's business date. */
export class PartnerActionView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000004' }) actionId!: string;
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'protect' }) category!: string;
  @ApiProperty({ example: 'Safeguarding visit to the two juveniles' }) description!: string;
  @ApiProperty({ example: 'hartlepool-bc' }) leadOrganisationId!: string;
  @ApiProperty({ type: [String], example: ['thirteen-housing'] })
  supportingOrganisationIds!: string[];
  @ApiProperty({ type: PersonRefBody }) pointOfContact!: PersonRefBody;
  @ApiProperty({
    description: 'The due date in force, after due dates granted',
    example: '2025-03-01',
  })
  dueDate!: string;
  @ApiProperty({ description: 'The due date the meeting agreed', example: '2025-02-15' })
  agreedDueDate!: string;
  @ApiProperty({ example: '2025-01-14' }) agreedOn!: string;
  @ApiProperty({ enum: PARTNER_ACTION_STATUSES, example: 'in-progress' })
  status!: PartnerActionStatus;
  @ApiProperty({ description: 'Due before the view’s date and neither completed nor closed by it' })
  overdue!: boolean;
  @ApiProperty({ type: ActionProgressView, nullable: true })
  lastProgress!: ActionProgressView | null;
  @ApiProperty({ type: ActionCompletionView, nullable: true })
  completion!: ActionCompletionView | null;
  @ApiProperty({ type: ActionClosureView, nullable: true }) closure!: ActionClosureView | null;
  @ApiProperty({ type: PendingDueDateRequestView, nullable: true })
  pendingDueDateRequest!: PendingDueDateRequestView | null;
}

export class ActionCountsView {
  @ApiProperty({ example: 2 }) overdue!: number;
  @ApiProperty({ example: 5, description: 'Neither completed nor closed' }) incomplete!: number;
  @ApiProperty({ example: 3 }) completed!: number;
  @ApiProperty({ example: 1 }) closedCircumstancesChanged!: number;
  @ApiProperty({ example: 0 }) closedAgencyDidNotAct!: number;
}
