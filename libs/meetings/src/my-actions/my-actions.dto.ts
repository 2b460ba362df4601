import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
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

/** Agreed at a meeting, or a 4P action of a threat's plan on a page. */
export type MyActionKind = 'partner-action' | 'plan-action';
export const MY_ACTION_KINDS: readonly MyActionKind[] = ['partner-action', 'plan-action'];

const PLAN_STATUSES =
  'A plan action is listed once its plan agreed it, and its status reads as a partner action’s: agreed, in-progress once started, completed when done, closed when cancelled';

export class MyActionsParams extends AsOfQuery {
  @ApiPropertyOptional({
    enum: PARTNER_ACTION_STATUSES,
    description: `Only actions in this status. ${PLAN_STATUSES}`,
  })
  @IsOptional()
  @IsIn(PARTNER_ACTION_STATUSES)
  status?: PartnerActionStatus;

  @ApiPropertyOptional({
    enum: ACTION_ROLES,
    description:
      'Only actions your organisation leads, or only those it supports; your organisation leads every plan action it owns',
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

export class ActionPlanView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
}

export class PlanActionCancellationView {
  @ApiProperty({ example: '2025-02-20' }) on!: string;
  @ApiProperty({ example: 'Not possible, circumstances changed: the tenant moved out' })
  reason!: string;
}

/** One action the caller's organisation leads or supports, as it stood on the view's date. */
@ApiSchema({
  description: `An action agreed at a meeting (kind partner-action) or a 4P action of a threat’s plan on a page that your organisation owns (kind plan-action). For a plan action: meeting, closure and pendingDueDateRequest are null; supportingOrganisationIds is empty; pointOfContact is its owner; dueDate and agreedDueDate are its due date; agreedOn is when the plan agreed it; role is lead. ${PLAN_STATUSES}.`,
})
export class MyActionView extends PartnerActionView {
  @ApiProperty({ enum: MY_ACTION_KINDS, example: 'partner-action' }) kind!: MyActionKind;
  @ApiProperty({
    type: ActionMeetingView,
    nullable: true,
    description: 'The meeting that agreed the action; null for a plan action',
  })
  meeting!: ActionMeetingView | null;
  @ApiProperty({
    type: ActionPlanView,
    nullable: true,
    description: 'The plan the action is on; null for a partner action',
  })
  plan!: ActionPlanView | null;
  @ApiProperty({
    type: PlanActionCancellationView,
    nullable: true,
    description:
      'A cancelled plan action’s reason, in the plan’s words (plan actions carry no closure reason class); null for a partner action',
  })
  cancellation!: PlanActionCancellationView | null;
  @ApiProperty({ enum: ACTION_ROLES, description: 'How your organisation takes part' })
  role!: ActionRole;
}

/** The actions of the caller's organisation across every meeting and plan, overdue first. */
export class MyActionsView {
  @ApiProperty({ example: '2025-03-01' }) asOf!: string;
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({ type: ActionCountsView }) counts!: ActionCountsView;
  @ApiProperty({ type: [MyActionView] }) actions!: MyActionView[];
}
