import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE_POOL, EventStore, NotFoundError } from '@soc/event-store';
import { DeliveryRuntime } from '@soc/messaging';
import {
  type AccessContext,
  AccessDeniedError,
  decide,
  enforce,
  type ExpectedVersion,
  RecordCommands,
} from '@soc/security';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { changeThreat, type ThreatChange, ThreatCommandBase } from '../threat/threat-command.js';
import type { ThreatCommand } from '../threat/threat.decide.js';
import { personRef } from '../threat/threat-params.dto.js';
import { threats } from '../threat/threat-record.js';
import { threatsProjection } from '../threats-projection/threats.projection.js';
import type {
  ActionProgressBody,
  ActionProposedResult,
  AgreeActionBody,
  CancelActionBody,
  CompleteActionBody,
  ProposeActionBody,
  StartActionBody,
} from './plan-actions.dto.js';

/** Propose a 4P action, owned by an organisation holding the plan. */
export class ProposeAction extends ThreatCommandBase<ProposeActionBody, ActionProposedResult> {
  constructor(
    access: AccessContext,
    threatId: string,
    body: ProposeActionBody,
    expected: ExpectedVersion = {},
    readonly actionId: string = uuidv7(),
  ) {
    super(access, threatId, body, expected);
  }
}

/** A command on one action of a plan. */
abstract class ActionCommandBase<TBody> extends ThreatCommandBase<TBody> {
  constructor(
    access: AccessContext,
    { threatId, actionId }: { threatId: string; actionId: string },
    body: TBody,
    expected: ExpectedVersion = {},
  ) {
    super(access, threatId, body, expected);
    this.actionId = actionId;
  }
  readonly actionId: string;
}

export class AgreeAction extends ActionCommandBase<AgreeActionBody> {}
export class StartAction extends ActionCommandBase<StartActionBody> {}
export class CompleteAction extends ActionCommandBase<CompleteActionBody> {}
export class CancelAction extends ActionCommandBase<CancelActionBody> {}
export class RecordActionProgress extends ActionCommandBase<ActionProgressBody> {}

@CommandHandler(ProposeAction)
export class ProposeActionHandler implements ICommandHandler<ProposeAction> {
  constructor(private readonly records: RecordCommands) {}

  async execute(command: ProposeAction): Promise<ActionProposedResult> {
    const { actionId, body } = command;
    const change = {
      kind: 'propose-action',
      actionId,
      category: body.category,
      description: body.description,
      owner: personRef(body.owner),
      dueDate: body.dueDate,
    } as const;
    const result = await changeThreat(
      this.records,
      command,
      'action:propose',
      change,
      'proposedOn',
    );
    return { ...result, actionId };
  }
}

type ActionChange = Extract<ThreatChange, { actionId: string }>;
type ActionInput = ActionChange extends infer C
  ? C extends ActionChange
    ? Omit<C, 'actionId'>
    : never
  : never;

/**
 * The policy judges the action itself: its owner organisation may update it (a partner officer,
 * only its own organisation's actions), and the threat's owner and LRO's organisation are parties.
 * Callers who may not know of the threat get its 404 (or signpost); those who may read the plan
 * but not update this action, a 403.
 */
async function changeAction<TBody extends object>(
  records: RecordCommands,
  command: ActionCommandBase<TBody>,
  input: ActionInput,
  dateField: keyof TBody & string,
) {
  const { access, threatId, actionId, body, expected } = command;
  const threat = await records.load(threats, threatId);
  const action = threat.state.actions.get(actionId);
  const record = action && {
    type: 'action',
    id: actionId,
    ownerOrganisationId: action.owner.organisationId,
    partyOrganisationIds: [threat.state.ownerOrganisationId, threat.state.lro.organisationId],
  };
  const decision = record && decide(access.principal, 'action:update', record);
  if (!decision?.allowed) {
    enforce(access.principal, 'threat:read', threat.descriptor);
    if (!decision) throw new NotFoundError(`No action ${actionId} on this plan`);
    throw new AccessDeniedError(decision.reason);
  }
  const on = body[dateField] as string | undefined;
  return records.decide(
    access,
    threats,
    threat,
    (dates) => ({ ...input, actionId, threatId, ...dates }) as ThreatCommand,
    { expected, on, dateField },
  );
}

@CommandHandler(AgreeAction)
export class AgreeActionHandler implements ICommandHandler<AgreeAction> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: AgreeAction) {
    return changeAction(this.records, command, { kind: 'agree-action' }, 'agreedOn');
  }
}

@CommandHandler(StartAction)
export class StartActionHandler implements ICommandHandler<StartAction> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: StartAction) {
    return changeAction(this.records, command, { kind: 'start-action' }, 'startedOn');
  }
}

/**
 * Whether the action's safeguarding referrals are acknowledged is judged on what the threats
 * projection has folded of them, read as the service: the caller may not see every referral.
 * It first waits (bounded) for the projection to reach the log's head, so a referral raised a
 * moment ago is not missed; if it cannot, the completion is refused as the wait times out.
 */
@CommandHandler(CompleteAction)
export class CompleteActionHandler implements ICommandHandler<CompleteAction> {
  constructor(
    private readonly records: RecordCommands,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly delivery: DeliveryRuntime,
  ) {}

  async execute(command: CompleteAction) {
    const { access, threatId, actionId, body } = command;
    await this.delivery.waitFor(threatsProjection.name, await this.store.headPosition());
    const { rows } = await this.pool.query<{ referral_id: string }>(
      `SELECT referral_id FROM threats.action_referrals
        WHERE threat_id = $1 AND action_id = $2 AND status = 'submitted'
        ORDER BY raised_at, referral_id`,
      [threatId.toLowerCase(), actionId.toLowerCase()],
    );
    const change = {
      kind: 'complete-action',
      outcome: body.outcome,
      completedBy: {
        personId: access.principal.personId,
        organisationId: access.principal.organisationId,
      },
      unacknowledgedReferralIds: rows.map((row) => row.referral_id),
      unacknowledgedReason: body.unacknowledgedReferralReason ?? null,
    } as const;
    return changeAction(this.records, command, change, 'completedOn');
  }
}

@CommandHandler(CancelAction)
export class CancelActionHandler implements ICommandHandler<CancelAction> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: CancelAction) {
    const change = { kind: 'cancel-action', reason: command.body.reason } as const;
    return changeAction(this.records, command, change, 'cancelledOn');
  }
}

@CommandHandler(RecordActionProgress)
export class RecordActionProgressHandler implements ICommandHandler<RecordActionProgress> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: RecordActionProgress) {
    const change = { kind: 'record-progress', note: command.body.note } as const;
    return changeAction(this.records, command, change, 'progressOn');
  }
}

export const planActionHandlers = [
  ProposeActionHandler,
  AgreeActionHandler,
  StartActionHandler,
  CompleteActionHandler,
  CancelActionHandler,
  RecordActionProgressHandler,
];
