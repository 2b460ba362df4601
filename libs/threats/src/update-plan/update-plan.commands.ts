import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AccessContext, type ExpectedVersion, RecordCommands } from '@soc/security';
import { changeThreat, ThreatCommandBase } from '../threat/threat-command.js';
import type { ReviewPlanBody, SharePlanBody, UpdatePlanBody } from './update-plan.dto.js';

/** Replace the narrative of the plan on a page, and its review date. */
export class UpdatePlan extends ThreatCommandBase<UpdatePlanBody> {}
/** Record that the plan was reviewed, and when it is next due. */
export class ReviewPlan extends ThreatCommandBase<ReviewPlanBody> {}
/** Share the plan with partner organisations. */
export class SharePlan extends ThreatCommandBase<SharePlanBody> {}
/** Stop sharing the plan with one organisation (none of its actions open). */
export class UnsharePlan extends ThreatCommandBase<Record<string, never>> {
  constructor(
    access: AccessContext,
    { threatId, organisationId }: { threatId: string; organisationId: string },
    expected: ExpectedVersion = {},
  ) {
    super(access, threatId, {}, expected);
    this.organisationId = organisationId;
  }
  readonly organisationId: string;
}

@CommandHandler(UpdatePlan)
export class UpdatePlanHandler implements ICommandHandler<UpdatePlan> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: UpdatePlan) {
    const { criminalActivity, placesAffected, risks, reviewDate } = command.body;
    const change = {
      kind: 'update-plan',
      criminalActivity,
      placesAffected: [...placesAffected],
      risks: [...risks],
      reviewDate,
    } as const;
    return changeThreat(this.records, command, 'plan:update', change, 'updatedOn');
  }
}

@CommandHandler(ReviewPlan)
export class ReviewPlanHandler implements ICommandHandler<ReviewPlan> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: ReviewPlan) {
    const { nextReviewDate, note } = command.body;
    const change = { kind: 'review-plan', nextReviewDate, note } as const;
    return changeThreat(this.records, command, 'plan:update', change, 'reviewedOn');
  }
}

@CommandHandler(SharePlan)
export class SharePlanHandler implements ICommandHandler<SharePlan> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: SharePlan) {
    const change = {
      kind: 'share-plan',
      organisationIds: [...command.body.organisationIds],
    } as const;
    return changeThreat(this.records, command, 'plan:update', change, 'sharedOn');
  }
}

@CommandHandler(UnsharePlan)
export class UnsharePlanHandler implements ICommandHandler<UnsharePlan> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: UnsharePlan) {
    const change = { kind: 'unshare-plan', organisationIds: [command.organisationId] } as const;
    return changeThreat(this.records, command, 'plan:update', change);
  }
}

export const updatePlanHandlers = [
  UpdatePlanHandler,
  ReviewPlanHandler,
  SharePlanHandler,
  UnsharePlanHandler,
];
