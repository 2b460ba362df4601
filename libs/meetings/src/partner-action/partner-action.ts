import {
  type ClosureReason,
  DueDateChangeGranted,
  DueDateChangeRefused,
  DueDateChangeRequested,
  eventOf,
  type EventOf,
  PartnerActionClosed,
  PartnerActionCompleted,
  PartnerActionProgressPosted,
} from '@soc/contracts';
import {
  type Decider,
  InvalidTransitionError,
  NotFoundError,
  RuleViolationError,
  streamId,
} from '@soc/event-store';
import type { AgreedAction } from '../meeting/meeting.js';

/**
 * A partner action after its meeting agreed it. Its life (progress, completion, closure, new due
 * dates) is on a stream of its own; what it is and who leads it come from the meeting's record.
 */
export type PartnerActionEvent =
  | EventOf<typeof PartnerActionProgressPosted>
  | EventOf<typeof PartnerActionCompleted>
  | EventOf<typeof PartnerActionClosed>
  | EventOf<typeof DueDateChangeRequested>
  | EventOf<typeof DueDateChangeGranted>
  | EventOf<typeof DueDateChangeRefused>;

export interface PartnerAction {
  readonly agreed: AgreedAction;
  readonly status: 'open' | 'completed' | 'closed';
  readonly dueDate: string;
  readonly pendingRequest: { readonly requestId: string; readonly dueDate: string } | null;
  readonly requestIds: ReadonlySet<string>;
}

export const partnerActionStream = (actionId: string) => streamId('partner-action', actionId);

interface Base {
  readonly actionId: string;
  readonly today: string;
  /** The business date of the fact, default today. */
  readonly on?: string;
}

export type PartnerActionCommand = Base &
  (
    | { readonly kind: 'post-progress'; readonly note: string }
    | { readonly kind: 'complete'; readonly outcome: string }
    | { readonly kind: 'close'; readonly reason: ClosureReason; readonly explanation: string }
    | {
        readonly kind: 'request-due-date';
        readonly requestId: string;
        readonly dueDate: string;
        readonly reason: string;
      }
    | { readonly kind: 'grant-due-date'; readonly requestId: string }
    | { readonly kind: 'refuse-due-date'; readonly requestId: string; readonly reason: string }
  );

function evolve(state: PartnerAction, event: PartnerActionEvent): PartnerAction {
  switch (event.type) {
    case PartnerActionCompleted.type:
      return { ...state, status: 'completed', pendingRequest: null };
    case PartnerActionClosed.type:
      return { ...state, status: 'closed', pendingRequest: null };
    case DueDateChangeRequested.type:
      return {
        ...state,
        pendingRequest: { requestId: event.data.requestId, dueDate: event.data.proposedDueDate },
        requestIds: new Set([...state.requestIds, event.data.requestId]),
      };
    case DueDateChangeGranted.type:
      return { ...state, dueDate: event.data.dueDate, pendingRequest: null };
    case DueDateChangeRefused.type:
      return { ...state, pendingRequest: null };
    default:
      return state;
  }
}

function dueDateDecision(
  state: PartnerAction,
  command: Extract<PartnerActionCommand, { kind: `${string}-due-date` }>,
): PartnerActionEvent[] {
  const { actionId, requestId } = command;
  if (command.kind === 'request-due-date') {
    if (state.pendingRequest) {
      throw new InvalidTransitionError(
        'A new due date is already asked for: the chair answers it first',
      );
    }
    if (state.requestIds.has(requestId)) return [];
    if (command.dueDate === state.dueDate) {
      throw new RuleViolationError(`The action is already due on ${state.dueDate}`);
    }
    if (command.dueDate < (command.on ?? command.today)) {
      throw new RuleViolationError('A new due date cannot lie in the past');
    }
    const { dueDate: proposedDueDate, reason } = command;
    return [eventOf(DueDateChangeRequested, { actionId, requestId, proposedDueDate, reason })];
  }
  if (state.pendingRequest?.requestId !== requestId) {
    throw new NotFoundError(`No request ${requestId} waits for an answer on this action`);
  }
  return command.kind === 'grant-due-date'
    ? [
        eventOf(DueDateChangeGranted, {
          actionId,
          requestId,
          dueDate: state.pendingRequest.dueDate,
        }),
      ]
    : [eventOf(DueDateChangeRefused, { actionId, requestId, reason: command.reason })];
}

function decide(command: PartnerActionCommand, state: PartnerAction): PartnerActionEvent[] {
  if (state.status !== 'open') {
    throw new InvalidTransitionError(`The action is ${state.status}: it takes no more changes`);
  }
  const { actionId } = command;
  switch (command.kind) {
    case 'post-progress':
      return [
        eventOf(PartnerActionProgressPosted, {
          actionId,
          note: command.note,
          on: command.on ?? command.today,
        }),
      ];
    case 'complete':
      return [eventOf(PartnerActionCompleted, { actionId, outcome: command.outcome })];
    case 'close':
      return [
        eventOf(PartnerActionClosed, {
          actionId,
          reason: command.reason,
          explanation: command.explanation,
        }),
      ];
    default:
      return dueDateDecision(state, command);
  }
}

/** The decider of one agreed action: its state starts from what the meeting agreed. */
export function partnerActionDecider(
  agreed: AgreedAction,
): Decider<PartnerAction, PartnerActionCommand, PartnerActionEvent> {
  return {
    initialState: () => ({
      agreed,
      status: 'open',
      dueDate: agreed.dueDate,
      pendingRequest: null,
      requestIds: new Set(),
    }),
    evolve,
    decide,
  };
}
