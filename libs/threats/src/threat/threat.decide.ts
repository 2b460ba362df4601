import {
  ActionAgreed,
  ActionCancelled,
  type ActionCategory,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type ClearHoldBuildPhase,
  eventOf,
  type Marking,
  type MorileOutputs,
  type MorileScores,
  type PersonalField,
  PlanPersonAdded,
  PlanPersonRemoved,
  PlanReviewed,
  PlanShared,
  PlanUnshared,
  PlanUpdated,
  type PersonRef,
  ThreatAssessmentModerated,
  ThreatAssessmentRecorded,
  ThreatAssessmentReturned,
  ThreatClosed,
  type ThreatKind,
  ThreatLroChanged,
  ThreatPhaseChanged,
  ThreatRegistered,
  ThreatTierChanged,
  type ThreatType,
} from '@soc/contracts';
import {
  AlreadyExistsError,
  type Decider,
  InvalidTransitionError,
  NotFoundError,
  RuleViolationError,
} from '@soc/event-store';
import { AccessDeniedError } from '@soc/security';
import {
  type ActionState,
  evolveThreat,
  isTerminal,
  type OpenThreat,
  type Threat,
  type ThreatEvent,
} from './threat.js';

/**
 * Every command names its threat and carries today's date (the clock, injected) and the business
 * date of its fact (`on`, default today), which the shell has checked is not in the future and
 * not before the threat's last fact.
 */
interface Base {
  readonly threatId: string;
  readonly today: string;
  readonly on?: string;
}

const factDate = (command: Base) => command.on ?? command.today;

export type ThreatCommand = Base &
  (
    | {
        readonly kind: 'register';
        readonly ownerOrganisationId: string;
        readonly threatKind: ThreatKind;
        readonly codeName: string;
        readonly summary: string;
        readonly priorityArea: string;
        readonly type: ThreatType;
        readonly tier: number;
        readonly phase: string;
        readonly soc: boolean;
        readonly lro: PersonRef;
        readonly sro: PersonRef | null;
        readonly place: string | null;
        readonly clearHoldBuildPhase: ClearHoldBuildPhase | null;
        readonly marking: Marking;
        readonly signposting: boolean;
        readonly openedOn: string;
      }
    | { readonly kind: 'change-tier'; readonly tier: number; readonly reason: string }
    | { readonly kind: 'change-phase'; readonly phase: string }
    | { readonly kind: 'change-lro'; readonly lro: PersonRef; readonly sro: PersonRef | null }
    | { readonly kind: 'close'; readonly reason: string }
    | {
        readonly kind: 'record-assessment';
        readonly assessmentId: string;
        readonly modelVersion: string;
        readonly scores: MorileScores;
        readonly outputs: MorileOutputs;
        readonly assessedOn: string;
        readonly intelligenceDate: string;
        readonly rationale: string;
      }
    | { readonly kind: 'moderate-assessment'; readonly assessmentId: string; readonly note: string }
    | { readonly kind: 'return-assessment'; readonly assessmentId: string; readonly reason: string }
    | {
        readonly kind: 'update-plan';
        readonly criminalActivity: string;
        readonly placesAffected: readonly string[];
        readonly risks: readonly string[];
        readonly reviewDate: string;
      }
    | {
        readonly kind: 'review-plan';
        readonly nextReviewDate: string;
        readonly note: string;
      }
    | { readonly kind: 'share-plan'; readonly organisationIds: readonly string[] }
    | { readonly kind: 'unshare-plan'; readonly organisationIds: readonly string[] }
    | {
        readonly kind: 'add-person';
        readonly involvementId: string;
        readonly subjectId: string;
        readonly name: PersonalField<string>;
        readonly role: string;
      }
    | { readonly kind: 'remove-person'; readonly involvementId: string; readonly reason: string }
    | {
        readonly kind: 'propose-action';
        readonly actionId: string;
        readonly category: ActionCategory;
        readonly description: string;
        readonly owner: PersonRef;
        readonly dueDate: string;
      }
    | { readonly kind: 'agree-action'; readonly actionId: string }
    | { readonly kind: 'start-action'; readonly actionId: string }
    | {
        readonly kind: 'complete-action';
        readonly actionId: string;
        readonly outcome: string;
        readonly completedBy: PersonRef;
        /** The action's safeguarding referrals not yet acknowledged, as the plan knows them. */
        readonly unacknowledgedReferralIds: readonly string[];
        /** Why the LRO completes it all the same; null when they do not. */
        readonly unacknowledgedReason: string | null;
      }
    | { readonly kind: 'cancel-action'; readonly actionId: string; readonly reason: string }
    | { readonly kind: 'record-progress'; readonly actionId: string; readonly note: string }
  );

type CommandOf<K extends ThreatCommand['kind']> = Extract<ThreatCommand, { kind: K }>;

function register(command: CommandOf<'register'>): ThreatEvent[] {
  if (command.threatKind === 'soc-vulnerability' && !command.place) {
    throw new RuleViolationError('A SOC vulnerability needs the place it affects');
  }
  if (command.threatKind !== 'soc-vulnerability' && command.clearHoldBuildPhase) {
    throw new RuleViolationError(
      'Only a SOC vulnerability (a place) has a Clear, Hold, Build phase',
    );
  }
  if (command.phase === 'closed') {
    throw new RuleViolationError('A threat cannot be registered closed');
  }
  if (command.openedOn > command.today) {
    throw new RuleViolationError(`The plan cannot begin in the future (${command.openedOn})`);
  }
  const { kind: _kind, threatKind, today: _today, on: _on, ...data } = command;
  return [eventOf(ThreatRegistered, { ...data, kind: threatKind })];
}

function assessment(state: OpenThreat, command: CommandOf<'record-assessment'>): ThreatEvent[] {
  if (state.assessmentIds.has(command.assessmentId)) {
    throw new AlreadyExistsError(`Assessment ${command.assessmentId} is already recorded`);
  }
  if (command.assessedOn > command.today) {
    throw new RuleViolationError('An assessment cannot be dated in the future');
  }
  if (command.intelligenceDate > command.assessedOn) {
    throw new RuleViolationError('The intelligence an assessment rests on cannot postdate it');
  }
  const { kind: _kind, today: _today, on: _on, ...data } = command;
  return [eventOf(ThreatAssessmentRecorded, data)];
}

function moderation(
  state: OpenThreat,
  command: CommandOf<'moderate-assessment' | 'return-assessment'>,
): ThreatEvent[] {
  const current = state.currentAssessment;
  if (!state.assessmentIds.has(command.assessmentId)) {
    throw new NotFoundError(`No assessment ${command.assessmentId}`);
  }
  if (current?.id !== command.assessmentId) {
    throw new InvalidTransitionError('A newer assessment has replaced this one; moderate that');
  }
  if (current.moderation !== 'unmoderated') {
    throw new InvalidTransitionError(`This assessment is already ${current.moderation}`);
  }
  const { threatId, assessmentId } = command;
  return command.kind === 'moderate-assessment'
    ? [eventOf(ThreatAssessmentModerated, { threatId, assessmentId, note: command.note })]
    : [eventOf(ThreatAssessmentReturned, { threatId, assessmentId, reason: command.reason })];
}

/** Organisations that may own actions: the owner, the LRO's, and those the plan is shared with. */
const mayOwnActions = (state: OpenThreat, organisationId: string) =>
  organisationId === state.ownerOrganisationId ||
  organisationId === state.lro.organisationId ||
  state.sharedWith.has(organisationId);

function proposeAction(state: OpenThreat, command: CommandOf<'propose-action'>): ThreatEvent[] {
  if (state.actions.has(command.actionId)) {
    throw new AlreadyExistsError(`Action ${command.actionId} already exists`);
  }
  if (!mayOwnActions(state, command.owner.organisationId)) {
    throw new RuleViolationError(
      `${command.owner.organisationId} does not share this plan: share it before giving it an action`,
    );
  }
  if (command.dueDate < state.openedOn) {
    throw new RuleViolationError(`The due date falls before the plan began (${state.openedOn})`);
  }
  const { kind: _kind, today: _today, on: _on, ...data } = command;
  return [eventOf(ActionProposed, data)];
}

const ACTION_MOVES: Record<
  'agree-action' | 'start-action' | 'complete-action',
  { from: readonly ActionState['status'][]; verb: string }
> = {
  'agree-action': { from: ['proposed'], verb: 'agree' },
  'start-action': { from: ['agreed'], verb: 'start' },
  'complete-action': { from: ['agreed', 'in-progress'], verb: 'complete' },
};

function actionOf(state: OpenThreat, actionId: string): ActionState {
  const action = state.actions.get(actionId);
  if (!action) throw new NotFoundError(`No action ${actionId} on this plan`);
  return action;
}

function moveAction(
  state: OpenThreat,
  command: CommandOf<
    'agree-action' | 'start-action' | 'complete-action' | 'cancel-action' | 'record-progress'
  >,
): ThreatEvent[] {
  const action = actionOf(state, command.actionId);
  const { threatId, actionId } = command;
  if (command.kind === 'record-progress' || command.kind === 'cancel-action') {
    if (isTerminal(action.status)) {
      throw new InvalidTransitionError(`The action is ${action.status}: it takes no more changes`);
    }
    return command.kind === 'cancel-action'
      ? [eventOf(ActionCancelled, { threatId, actionId, reason: command.reason })]
      : [
          eventOf(ActionProgressRecorded, {
            threatId,
            actionId,
            note: command.note,
            on: factDate(command),
          }),
        ];
  }
  const move = ACTION_MOVES[command.kind];
  if (!move.from.includes(action.status)) {
    throw new InvalidTransitionError(`Cannot ${move.verb} an action that is ${action.status}`);
  }
  if (command.kind === 'agree-action') return [eventOf(ActionAgreed, { threatId, actionId })];
  if (command.kind === 'start-action') return [eventOf(ActionStarted, { threatId, actionId })];
  return [
    eventOf(ActionCompleted, {
      threatId,
      actionId,
      outcome: command.outcome,
      unacknowledgedReferrals: waivedReferrals(state, command),
    }),
  ];
}

/**
 * A protect action whose referral the receiving agency has not yet acknowledged is not done:
 * only the threat's LRO (the plan's chair: a threat has no other) completes it, saying why.
 */
function waivedReferrals(
  state: OpenThreat,
  command: CommandOf<'complete-action'>,
): { referralIds: string[]; reason: string } | null {
  const referralIds = [...command.unacknowledgedReferralIds];
  if (referralIds.length === 0) return null;
  if (command.unacknowledgedReason === null) {
    throw new InvalidTransitionError(
      `The action's safeguarding referral ${referralIds.join(', ')} is not yet acknowledged: it cannot be completed unless the threat's LRO says why (unacknowledgedReferralReason)`,
    );
  }
  if (command.completedBy.personId !== state.lro.personId) {
    throw new AccessDeniedError(
      "Only the threat's LRO may complete an action whose safeguarding referral is not yet acknowledged",
    );
  }
  return { referralIds, reason: command.unacknowledgedReason };
}

function sharing(
  state: OpenThreat,
  command: CommandOf<'share-plan' | 'unshare-plan'>,
): ThreatEvent[] {
  const { threatId } = command;
  if (command.kind === 'share-plan') {
    if (command.organisationIds.includes(state.ownerOrganisationId)) {
      throw new RuleViolationError('The owner organisation holds the plan already');
    }
    const added = command.organisationIds.filter((id) => !state.sharedWith.has(id));
    return added.length ? [eventOf(PlanShared, { threatId, organisationIds: added })] : [];
  }
  const removed = command.organisationIds.filter((id) => state.sharedWith.has(id));
  const stillActing = removed.filter((id) =>
    [...state.actions.values()].some((a) => a.owner.organisationId === id && !isTerminal(a.status)),
  );
  if (stillActing.length > 0) {
    throw new RuleViolationError(
      `Still owning open actions, so the plan stays shared with: ${stillActing.join(', ')}`,
    );
  }
  return removed.length ? [eventOf(PlanUnshared, { threatId, organisationIds: removed })] : [];
}

function plan(
  state: OpenThreat,
  command: CommandOf<'update-plan' | 'review-plan' | 'add-person' | 'remove-person'>,
): ThreatEvent[] {
  const { threatId } = command;
  switch (command.kind) {
    case 'update-plan':
      if (command.reviewDate < state.openedOn) {
        throw new RuleViolationError(
          `The review date falls before the plan began (${state.openedOn})`,
        );
      }
      return [
        eventOf(PlanUpdated, {
          threatId,
          criminalActivity: command.criminalActivity,
          placesAffected: [...command.placesAffected],
          risks: [...command.risks],
          reviewDate: command.reviewDate,
        }),
      ];
    case 'review-plan':
      if (command.nextReviewDate <= factDate(command)) {
        throw new RuleViolationError('The next review must fall after the review');
      }
      return [
        eventOf(PlanReviewed, {
          threatId,
          reviewedOn: factDate(command),
          nextReviewDate: command.nextReviewDate,
          note: command.note,
        }),
      ];
    case 'add-person': {
      if (state.involvements.has(command.involvementId)) {
        throw new AlreadyExistsError(`Involvement ${command.involvementId} already exists`);
      }
      const { kind: _kind, today: _today, on: _on, ...data } = command;
      return [eventOf(PlanPersonAdded, data)];
    }
    case 'remove-person':
      if (!state.involvements.has(command.involvementId)) {
        throw new NotFoundError(`No involvement ${command.involvementId} on this plan`);
      }
      return [
        eventOf(PlanPersonRemoved, {
          threatId,
          involvementId: command.involvementId,
          reason: command.reason,
        }),
      ];
  }
}

function decideForOpenThreat(
  state: OpenThreat,
  command: Exclude<ThreatCommand, CommandOf<'register'>>,
): ThreatEvent[] {
  const { threatId } = command;
  switch (command.kind) {
    case 'change-tier':
      return command.tier === state.tier
        ? []
        : [eventOf(ThreatTierChanged, { threatId, tier: command.tier, reason: command.reason })];
    case 'change-phase':
      if (command.phase === 'closed')
        throw new RuleViolationError('Close a threat with the close command');
      return command.phase === state.phase
        ? []
        : [eventOf(ThreatPhaseChanged, { threatId, phase: command.phase })];
    case 'change-lro':
      return [eventOf(ThreatLroChanged, { threatId, lro: command.lro, sro: command.sro })];
    case 'close':
      return [eventOf(ThreatClosed, { threatId, reason: command.reason })];
    case 'record-assessment':
      return assessment(state, command);
    case 'moderate-assessment':
    case 'return-assessment':
      return moderation(state, command);
    case 'share-plan':
    case 'unshare-plan':
      return sharing(state, command);
    case 'propose-action':
      return proposeAction(state, command);
    case 'agree-action':
    case 'start-action':
    case 'complete-action':
    case 'cancel-action':
    case 'record-progress':
      return moveAction(state, command);
    default:
      return plan(state, command);
  }
}

function decideThreat(command: ThreatCommand, state: Threat): ThreatEvent[] {
  if (command.kind === 'register') {
    if (state.status !== 'none')
      throw new AlreadyExistsError(`Threat ${command.threatId} already exists`);
    return register(command);
  }
  if (state.status === 'none') throw new NotFoundError(`No threat ${command.threatId}`);
  if (state.status === 'closed') {
    throw new InvalidTransitionError('The threat is closed: its plan takes no more changes');
  }
  return decideForOpenThreat(state, command);
}

export const threatDecider: Decider<Threat, ThreatCommand, ThreatEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveThreat,
  decide: decideThreat,
};
