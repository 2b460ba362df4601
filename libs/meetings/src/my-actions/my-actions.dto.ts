import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEETING_KINDS, type MeetingKind } from '@soc/contracts';
import { IsIn, IsOptional } from 'class-validator';
import {
  ActionCountsView,
  AsOfQuery,
  PARTNER_ACTION_STATUSES,
  type PartnerActionStatus,
  PartnerActionView,
} from '../partner-actions-projection/partner-action-view.dto.js';

export type ActionRole = 'lead' | 'supporting';
export const ACTION_ROLES: readonly ActionRole[] = ['lead', 'supporting'];

export class MyActionsParams extends AsOfQuery {
  @ApiPropertyOptional({
    enum: PARTNER_ACTION_STATUSES,
    description: 'Only actions in this status',
  })
  @IsOptional()
  @IsIn(PARTNER_ACTION_STATUSES)
  status?: PartnerActionStatus;

  @ApiPropertyOptional({
    enum: ACTION_ROLES,
    description: 'Only actions your organisation leads, or only those it supports',
  })
  @IsOptional()
  @IsIn(ACTION_ROLES)
  role?: ActionRole;
}

export class ActionMeetingView {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000001' }) meetingId!: string;
  @ApiProperty({ enum: MEETING_KINDS, example: 'marsoc' }) kind!: MeetingKind;
  @ApiProperty({ example: 'Cleveland MARSOC, January' }) title!: string;
  @ApiProperty({ example: '2025-01-14' }) heldOn!: string;
}

/** One action the caller's organisation leads or supports, as it stood on the view's date. */
export class MyActionView extends PartnerActionView {
  @ApiProperty({ type: ActionMeetingView }) meeting!: ActionMeetingView;
  @ApiProperty({ enum: ACTION_ROLES, description: 'How your organisation takes part' })
  role!: ActionRole;
}

/** The actions of the caller's organisation across every meeting, overdue first. */
export class MyActionsView {
  @ApiProperty({ example: '2025-03-01' }) asOf!: string;
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({ type: ActionCountsView }) counts!: ActionCountsView;
  @ApiProperty({ type: [MyActionView] }) actions!: MyActionView[];
}
