import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import {
  Access,
  type AccessContext,
  type Permission,
  CommandRoute,
  IfMatch,
  StatedPurpose,
} from '@soc/security';
import { type CommandOptions, ThreatCommands } from './threat.commands.js';
import {
  ActionParams,
  ActionProgressBody,
  ActionProposedResult,
  AddPlanPersonBody,
  AssessmentParams,
  AssessmentRecordedResult,
  CancelActionBody,
  ChangeLroBody,
  ChangePhaseBody,
  ChangeTierBody,
  CloseThreatBody,
  CompleteActionBody,
  InvolvementParams,
  ModerateAssessmentBody,
  PlanPersonAddedResult,
  ProposeActionBody,
  RecordAssessmentBody,
  RegisterThreatBody,
  RemovePlanPersonBody,
  ReviewPlanBody,
  ShareParams,
  SharePlanBody,
  ThreatIdParam,
  ThreatRegisteredResult,
  UpdatePlanBody,
} from './threat.dto.js';

/** A command on a threat; its 404 is a threat the caller's organisation may not know of. */
const Command = (permission: Permission, summary: string) =>
  CommandRoute(permission, summary, {
    notFound: 'No such threat, or one your organisation may not know of',
  });

@ApiTags('threats')
@Controller('threats')
export class ThreatsController {
  constructor(private readonly commands: ThreatCommands) {}

  @Post()
  @Command('threat:register', 'Register a threat on the SOC master list for your organisation')
  @ApiCreatedResponse({ type: ThreatRegisteredResult })
  register(
    @Body() body: RegisterThreatBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<ThreatRegisteredResult> {
    return this.commands.register(access, body, options);
  }

  @Post(':threatId/tier')
  @HttpCode(200)
  @Command('threat:update', 'Change the threat’s tier (1 highest, 5 lowest), saying why')
  @ApiOkResponse({ type: CommandResult })
  changeTier(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ChangeTierBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.changeTier(access, threatId, body, options);
  }

  @Post(':threatId/phase')
  @HttpCode(200)
  @Command('threat:update', 'Move the threat to another phase (close it with /closure)')
  @ApiOkResponse({ type: CommandResult })
  changePhase(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ChangePhaseBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.changePhase(access, threatId, body.phase, options);
  }

  @Post(':threatId/lro')
  @HttpCode(200)
  @Command('threat:update', 'Hand the plan to another lead responsible officer (and SRO)')
  @ApiOkResponse({ type: CommandResult })
  changeLro(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ChangeLroBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.changeLro(access, threatId, body, options);
  }

  @Post(':threatId/closure')
  @HttpCode(200)
  @Command('threat:update', 'Close the threat: its plan takes no more changes')
  @ApiOkResponse({ type: CommandResult })
  close(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: CloseThreatBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.close(access, threatId, body.reason, options);
  }

  @Post(':threatId/assessments')
  @Command('assessment:record', 'Record a MoRiLE assessment; it stands unmoderated until moderated')
  @ApiCreatedResponse({ type: AssessmentRecordedResult })
  recordAssessment(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: RecordAssessmentBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<AssessmentRecordedResult> {
    return this.commands.recordAssessment(access, threatId, body, options);
  }

  @Post(':threatId/assessments/:assessmentId/moderation')
  @HttpCode(200)
  @Command('assessment:moderate', 'Moderate the standing assessment, or return it with a reason')
  @ApiOkResponse({ type: CommandResult })
  moderate(
    @Param() { threatId, assessmentId }: AssessmentParams,
    @Body() body: ModerateAssessmentBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.moderateAssessment(access, threatId, assessmentId, body, options);
  }

  @Put(':threatId/plan')
  @Command('plan:update', 'Replace the narrative of the plan on a page, and its review date')
  @ApiOkResponse({ type: CommandResult })
  updatePlan(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: UpdatePlanBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.updatePlan(access, threatId, body, options);
  }

  @Post(':threatId/plan/reviews')
  @HttpCode(200)
  @Command('plan:update', 'Record that the plan was reviewed today, and when it is next due')
  @ApiOkResponse({ type: CommandResult })
  reviewPlan(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ReviewPlanBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.reviewPlan(access, threatId, body, options);
  }

  @Post(':threatId/plan/shares')
  @HttpCode(200)
  @Command('plan:update', 'Share the plan with partner organisations')
  @ApiOkResponse({ type: CommandResult })
  share(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: SharePlanBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.share(access, threatId, body.organisationIds, options);
  }

  @Delete(':threatId/plan/shares/:organisationId')
  @HttpCode(200)
  @Command('plan:update', 'Stop sharing the plan with an organisation (none of its actions open)')
  @ApiOkResponse({ type: CommandResult })
  unshare(
    @Param() { threatId, organisationId }: ShareParams,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.unshare(access, threatId, organisationId, options);
  }

  @Post(':threatId/plan/people')
  @Command('plan:update', 'Name a person involved in the threat (personal data: sealed, logged)')
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description:
      'Why the personal data is collected, for the access log (default: "recorded on the plan on a page")',
    example: 'Principal of OCG identified by intelligence report 123',
  })
  @ApiCreatedResponse({ type: PlanPersonAddedResult })
  addPerson(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: AddPlanPersonBody,
    @StatedPurpose() purpose: string | null,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<PlanPersonAddedResult> {
    return this.commands.addPerson(access, threatId, body, purpose, options);
  }

  @Post(':threatId/plan/people/:involvementId/removal')
  @HttpCode(200)
  @Command('plan:update', 'Take a person off the plan, saying why')
  @ApiOkResponse({ type: CommandResult })
  removePerson(
    @Param() { threatId, involvementId }: InvolvementParams,
    @Body() body: RemovePlanPersonBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.removePerson(access, threatId, involvementId, body.reason, options);
  }

  @Post(':threatId/actions')
  @Command('action:propose', 'Propose a 4P action, owned by an organisation holding the plan')
  @ApiCreatedResponse({ type: ActionProposedResult })
  proposeAction(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ProposeActionBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<ActionProposedResult> {
    return this.commands.proposeAction(access, threatId, body, options);
  }

  @Post(':threatId/actions/:actionId/agreement')
  @HttpCode(200)
  @Command('action:update', 'Agree a proposed action')
  @ApiOkResponse({ type: CommandResult })
  agreeAction(
    @Param() { threatId, actionId }: ActionParams,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.agreeAction(access, threatId, actionId, options);
  }

  @Post(':threatId/actions/:actionId/start')
  @HttpCode(200)
  @Command('action:update', 'Start an agreed action')
  @ApiOkResponse({ type: CommandResult })
  startAction(
    @Param() { threatId, actionId }: ActionParams,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.startAction(access, threatId, actionId, options);
  }

  @Post(':threatId/actions/:actionId/completion')
  @HttpCode(200)
  @Command('action:update', 'Complete an agreed or started action, with its outcome')
  @ApiOkResponse({ type: CommandResult })
  completeAction(
    @Param() { threatId, actionId }: ActionParams,
    @Body() body: CompleteActionBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.completeAction(access, threatId, actionId, body.outcome, options);
  }

  @Post(':threatId/actions/:actionId/cancellation')
  @HttpCode(200)
  @Command('action:update', 'Cancel an open action, saying why')
  @ApiOkResponse({ type: CommandResult })
  cancelAction(
    @Param() { threatId, actionId }: ActionParams,
    @Body() body: CancelActionBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.cancelAction(access, threatId, actionId, body.reason, options);
  }

  @Post(':threatId/actions/:actionId/progress')
  @HttpCode(200)
  @Command('action:update', 'Post a dated progress update on an open action')
  @ApiOkResponse({ type: CommandResult })
  recordProgress(
    @Param() { threatId, actionId }: ActionParams,
    @Body() body: ActionProgressBody,
    @IfMatch() options: CommandOptions,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.recordProgress(access, threatId, actionId, body.note, options);
  }
}
