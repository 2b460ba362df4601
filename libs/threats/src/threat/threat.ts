import {
  type ActionStatus,
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type EventOf,
  type Marking,
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
  ThreatLroChanged,
  ThreatPhaseChanged,
  ThreatRegistered,
  ThreatTierChanged,
} from '@soc/contracts';
import { streamId } from '@soc/event-store';

export type ThreatEvent =
  | EventOf<typeof ThreatRegistered>
  | EventOf<typeof ThreatTierChanged>
  | EventOf<typeof ThreatPhaseChanged>
  | EventOf<typeof ThreatLroChanged>
  | EventOf<typeof ThreatClosed>
  | EventOf<typeof ThreatAssessmentRecorded>
  | EventOf<typeof ThreatAssessmentModerated>
  | EventOf<typeof ThreatAssessmentReturned>
  | EventOf<typeof PlanUpdated>
  | EventOf<typeof PlanReviewed>
  | EventOf<typeof PlanShared>
  | EventOf<typeof PlanUnshared>
  | EventOf<typeof PlanPersonAdded>
  | EventOf<typeof PlanPersonRemoved>
  | EventOf<typeof ActionProposed>
  | EventOf<typeof ActionAgreed>
  | EventOf<typeof ActionStarted>
  | EventOf<typeof ActionCompleted>
  | EventOf<typeof ActionCancelled>
  | EventOf<typeof ActionProgressRecorded>;

export type ModerationStatus = 'unmoderated' | 'moderated' | 'returned';

export interface ActionState {
  readonly owner: PersonRef;
  readonly status: ActionStatus;
  readonly dueDate: string;
}

export interface OpenThreat {
  readonly status: 'open' | 'closed';
  readonly ownerOrganisationId: string;
  readonly lro: PersonRef;
  readonly sro: PersonRef | null;
  readonly tier: number;
  readonly phase: string;
  readonly marking: Marking;
  readonly signposting: boolean;
  readonly openedOn: string;
  /** The assessment that stands, and where it is in moderation. */
  readonly currentAssessment: { readonly id: string; readonly moderation: ModerationStatus } | null;
  readonly assessmentIds: ReadonlySet<string>;
  readonly sharedWith: ReadonlySet<string>;
  readonly involvements: ReadonlySet<string>;
  readonly actions: ReadonlyMap<string, ActionState>;
}

export type Threat = { readonly status: 'none' } | OpenThreat;

export const threatStream = (threatId: string) => streamId('threat', threatId);

export const isTerminal = (status: ActionStatus) => status === 'done' || status === 'cancelled';

const withAction = (
  state: OpenThreat,
  actionId: string,
  change: Partial<ActionState>,
): OpenThreat => {
  const action = state.actions.get(actionId);
  if (!action) return state;
  return { ...state, actions: new Map(state.actions).set(actionId, { ...action, ...change }) };
};

const withSet = (
  set: ReadonlySet<string>,
  add: readonly string[],
  remove: readonly string[] = [],
) => {
  const next = new Set(set);
  for (const item of add) next.add(item);
  for (const item of remove) next.delete(item);
  return next;
};

function registered(event: EventOf<typeof ThreatRegistered>): OpenThreat {
  const { data } = event;
  return {
    status: 'open',
    ownerOrganisationId: data.ownerOrganisationId,
    lro: data.lro,
    sro: data.sro,
    tier: data.tier,
    phase: data.phase,
    marking: data.marking,
    signposting: data.signposting,
    openedOn: data.openedOn,
    currentAssessment: null,
    assessmentIds: new Set(),
    sharedWith: new Set(),
    involvements: new Set(),
    actions: new Map(),
  };
}

/** Folds one event into the threat; pure. */
export function evolveThreat(state: Threat, event: ThreatEvent): Threat {
  if (event.type === ThreatRegistered.type) return registered(event);
  if (state.status === 'none') return state;
  switch (event.type) {
    case ThreatTierChanged.type:
      return { ...state, tier: event.data.tier };
    case ThreatPhaseChanged.type:
      return { ...state, phase: event.data.phase };
    case ThreatLroChanged.type:
      return { ...state, lro: event.data.lro, sro: event.data.sro };
    case ThreatClosed.type:
      return { ...state, status: 'closed', phase: 'closed' };
    case ThreatAssessmentRecorded.type:
      return {
        ...state,
        currentAssessment: { id: event.data.assessmentId, moderation: 'unmoderated' },
        assessmentIds: withSet(state.assessmentIds, [event.data.assessmentId]),
      };
    case ThreatAssessmentModerated.type:
    case ThreatAssessmentReturned.type:
      return state.currentAssessment?.id === event.data.assessmentId
        ? {
            ...state,
            currentAssessment: {
              id: event.data.assessmentId,
              moderation: event.type === ThreatAssessmentModerated.type ? 'moderated' : 'returned',
            },
          }
        : state;
    case PlanShared.type:
      return { ...state, sharedWith: withSet(state.sharedWith, event.data.organisationIds) };
    case PlanUnshared.type:
      return { ...state, sharedWith: withSet(state.sharedWith, [], event.data.organisationIds) };
    case PlanPersonAdded.type:
      return { ...state, involvements: withSet(state.involvements, [event.data.involvementId]) };
    case PlanPersonRemoved.type:
      return {
        ...state,
        involvements: withSet(state.involvements, [], [event.data.involvementId]),
      };
    case ActionProposed.type:
      return {
        ...state,
        actions: new Map(state.actions).set(event.data.actionId, {
          owner: event.data.owner,
          status: 'proposed',
          dueDate: event.data.dueDate,
        }),
      };
    case ActionAgreed.type:
      return withAction(state, event.data.actionId, { status: 'agreed' });
    case ActionStarted.type:
      return withAction(state, event.data.actionId, { status: 'in-progress' });
    case ActionCompleted.type:
      return withAction(state, event.data.actionId, { status: 'done' });
    case ActionCancelled.type:
      return withAction(state, event.data.actionId, { status: 'cancelled' });
    default:
      return state;
  }
}
