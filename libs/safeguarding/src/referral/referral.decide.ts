import {
  CLOSURE_REASONS_BY_OUTCOME,
  type ConcernCategory,
  type DeclineReason,
  type DisclosureBasis,
  eventOf,
  type PersonRef,
  ReferralAccepted,
  ReferralAcknowledged,
  ReferralClosed,
  type ReferralClosureReason,
  ReferralDeclined,
  ReferralNoteAdded,
  type ReferralOutcome,
  ReferralRaised,
  ReferralRestricted,
  ReferralRestrictionLifted,
  type ReferralSubject,
  ReferralSubjectErased,
  type RestrictionGround,
  type ReferralUrgency,
  ReferralWithdrawn,
  type SealedPersonalData,
  type WithdrawalReason,
} from '@soc/contracts';
import {
  AlreadyExistsError,
  type Decider,
  InvalidTransitionError,
  RuleViolationError,
} from '@soc/event-store';
import { AccessDeniedError } from '@soc/security';
import {
  evolveReferral,
  initialReferral,
  type RaisedReferral,
  type Referral,
  type ReferralEvent,
  type ReferralRestriction,
  type ReferralStatus,
  standing,
} from './referral.js';

/** Every command names its referral and who acts; sealed values arrive sealed. */
interface Base {
  readonly referralId: string;
  readonly actor: PersonRef;
}

export type ReferralCommand = Base &
  (
    | {
        readonly kind: 'raise';
        /** The referring officer: the actor, or a colleague of the same organisation. */
        readonly referrer: PersonRef;
        readonly threatId: string;
        /** The protect action of the threat's plan it is raised from, if one. */
        readonly planActionId: string | null;
        readonly subject: ReferralSubject;
        readonly concerns: readonly ConcernCategory[];
        readonly account: SealedPersonalData;
        readonly urgency: ReferralUrgency;
        readonly receivingOrganisationId: string;
        readonly disclosureBasis: DisclosureBasis;
      }
    | { readonly kind: 'acknowledge' }
    | { readonly kind: 'accept' }
    | {
        readonly kind: 'decline';
        readonly reason: DeclineReason;
        readonly explanation: SealedPersonalData;
      }
    | {
        readonly kind: 'withdraw';
        readonly reason: WithdrawalReason;
        readonly explanation: SealedPersonalData;
      }
    | { readonly kind: 'add-note'; readonly noteId: string; readonly text: SealedPersonalData }
    | {
        readonly kind: 'close';
        readonly outcome: ReferralOutcome;
        readonly reason: ReferralClosureReason;
        readonly explanation: SealedPersonalData | null;
      }
    | { readonly kind: 'erase-subject'; readonly reason: string; readonly today: string }
    | {
        readonly kind: 'restrict';
        readonly ground: RestrictionGround;
        readonly until: string;
        readonly explanation: SealedPersonalData;
        readonly today: string;
      }
    | {
        readonly kind: 'lift-restriction';
        readonly explanation: SealedPersonalData;
        readonly today: string;
      }
  );

type CommandOf<K extends ReferralCommand['kind']> = Extract<ReferralCommand, { kind: K }>;

/** Which side of the referral may give a command: the receiver, the referrer, or either. */
type Side = 'receiver' | 'referrer' | 'either';

function mustAct(referral: RaisedReferral, actor: PersonRef, side: Side, what: string): void {
  const { organisationId } = actor;
  const receiver = organisationId === referral.receivingOrganisationId;
  const referrer = organisationId === referral.referrer.organisationId;
  const allowed =
    side === 'receiver' ? receiver : side === 'referrer' ? referrer : receiver || referrer;
  if (!allowed) {
    const who =
      side === 'receiver'
        ? 'the receiving organisation'
        : side === 'referrer'
          ? 'the referring organisation'
          : 'the referring or the receiving organisation';
    throw new AccessDeniedError(`Only ${who} may ${what} a referral`);
  }
}

function mustBeIn(
  referral: RaisedReferral,
  statuses: readonly ReferralStatus[],
  what: string,
): void {
  if (!statuses.includes(referral.status)) {
    throw new InvalidTransitionError(
      `The referral is ${referral.status}: only a referral that is ${statuses.join(' or ')} can be ${what}`,
    );
  }
}

/** Awaiting the receiver's answer: not yet accepted, declined, withdrawn or closed. */
const AWAITING: readonly ReferralStatus[] = ['submitted', 'acknowledged'];

export function raise(command: CommandOf<'raise'>, state: Referral): ReferralEvent[] {
  if (state.status !== 'none') {
    throw new AlreadyExistsError(`Referral ${command.referralId} is already raised`);
  }
  if (command.referrer.organisationId !== command.actor.organisationId) {
    throw new AccessDeniedError('A referral is raised by an officer of your own organisation');
  }
  if (command.receivingOrganisationId === command.referrer.organisationId) {
    throw new RuleViolationError(
      'A referral goes to another organisation: the receiving organisation is your own',
    );
  }
  if (command.concerns.length === 0) {
    throw new RuleViolationError('A referral names at least one concern');
  }
  return [
    eventOf(ReferralRaised, {
      referralId: command.referralId,
      threatId: command.threatId,
      planActionId: command.planActionId,
      subject: command.subject,
      concerns: [...new Set(command.concerns)],
      account: command.account,
      urgency: command.urgency,
      referrer: command.referrer,
      receivingOrganisationId: command.receivingOrganisationId,
      disclosureBasis: command.disclosureBasis,
    }),
  ];
}

export function acknowledge(
  command: CommandOf<'acknowledge'>,
  referral: RaisedReferral,
): ReferralEvent[] {
  mustAct(referral, command.actor, 'receiver', 'acknowledge');
  mustBeIn(referral, ['submitted'], 'acknowledged');
  return [
    eventOf(ReferralAcknowledged, {
      referralId: referral.referralId,
      acknowledgedBy: command.actor,
    }),
  ];
}

/** Accepting a referral not yet acknowledged acknowledges it too. */
export function accept(command: CommandOf<'accept'>, referral: RaisedReferral): ReferralEvent[] {
  mustAct(referral, command.actor, 'receiver', 'accept');
  mustBeIn(referral, AWAITING, 'accepted');
  return [
    eventOf(ReferralAccepted, { referralId: referral.referralId, acceptedBy: command.actor }),
  ];
}

export function decline(command: CommandOf<'decline'>, referral: RaisedReferral): ReferralEvent[] {
  mustAct(referral, command.actor, 'receiver', 'decline');
  mustBeIn(referral, AWAITING, 'declined');
  return [
    eventOf(ReferralDeclined, {
      referralId: referral.referralId,
      declinedBy: command.actor,
      reason: command.reason,
      explanation: command.explanation,
    }),
  ];
}

export function withdraw(
  command: CommandOf<'withdraw'>,
  referral: RaisedReferral,
): ReferralEvent[] {
  mustAct(referral, command.actor, 'referrer', 'withdraw');
  mustBeIn(referral, [...AWAITING, 'accepted'], 'withdrawn');
  return [
    eventOf(ReferralWithdrawn, {
      referralId: referral.referralId,
      withdrawnBy: command.actor,
      reason: command.reason,
      explanation: command.explanation,
    }),
  ];
}

/** Notes may follow a referral through its whole life, and after it: a late word is still kept. */
export function addNote(command: CommandOf<'add-note'>, referral: RaisedReferral): ReferralEvent[] {
  mustAct(referral, command.actor, 'either', 'add notes to');
  mustKeepSubject(referral, 'take no more notes');
  if (referral.noteIds.has(command.noteId)) {
    throw new AlreadyExistsError(`Note ${command.noteId} is already on the referral`);
  }
  return [
    eventOf(ReferralNoteAdded, {
      referralId: referral.referralId,
      noteId: command.noteId,
      addedBy: command.actor,
      text: command.text,
    }),
  ];
}

export function close(command: CommandOf<'close'>, referral: RaisedReferral): ReferralEvent[] {
  mustAct(referral, command.actor, 'receiver', 'close');
  mustBeIn(referral, ['accepted'], 'closed');
  const fitting: readonly string[] = CLOSURE_REASONS_BY_OUTCOME[command.outcome];
  if (!fitting.includes(command.reason)) {
    throw new RuleViolationError(
      `"${command.reason}" is not a reason for an ${command.outcome} closure: give one of ${fitting.join(', ')}`,
    );
  }
  return [
    eventOf(ReferralClosed, {
      referralId: referral.referralId,
      closedBy: command.actor,
      outcome: command.outcome,
      reason: command.reason,
      explanation: command.explanation,
    }),
  ];
}

function mustKeepSubject(referral: RaisedReferral, what: string): void {
  if (referral.subjectErased) {
    throw new InvalidTransitionError(`The referral's subject was erased: it can ${what}`);
  }
}

/** Over one of three ways: the only referrals whose retention can have ended. */
const OVER: readonly ReferralStatus[] = ['declined', 'withdrawn', 'closed'];

/**
 * Erasure at the end of retention, by the referring organisation (the controller that collected
 * the data); asked again, it changes nothing, so a retry can finish destroying the key.
 */
export function eraseSubject(
  command: CommandOf<'erase-subject'>,
  referral: RaisedReferral,
): ReferralEvent[] {
  mustAct(referral, command.actor, 'referrer', 'erase the subject of');
  if (referral.subjectErased) return [];
  if (standing(referral.restriction, command.today)) {
    throw new InvalidTransitionError(
      `The referral's personal data is restricted (${described(referral.restriction!)}): its subject cannot be erased while the restriction stands`,
    );
  }
  mustBeIn(referral, OVER, 'erased');
  return [
    eventOf(ReferralSubjectErased, {
      referralId: referral.referralId,
      subjectId: referral.subjectId,
      erasedBy: command.actor,
      reason: command.reason,
    }),
  ];
}

const described = ({ ground, until, restrictedBy }: ReferralRestriction) =>
  `${ground}, until ${until}, by ${restrictedBy.personId} of ${restrictedBy.organisationId}`;

/**
 * Restriction instead of erasure (DPA 2018, s. 47): either side marks the personal data as kept,
 * with a ground and a last day; one restriction at a time, lifted before it is replaced.
 */
export function restrict(
  command: CommandOf<'restrict'>,
  referral: RaisedReferral,
): ReferralEvent[] {
  mustAct(referral, command.actor, 'either', 'restrict');
  mustKeepSubject(referral, 'no longer be restricted');
  if (standing(referral.restriction, command.today)) {
    throw new InvalidTransitionError(
      `The referral is already restricted (${described(referral.restriction!)}): lift that restriction first`,
    );
  }
  if (command.until <= command.today) {
    throw new RuleViolationError(`A restriction stands until a day after today (${command.today})`);
  }
  return [
    eventOf(ReferralRestricted, {
      referralId: referral.referralId,
      restrictedBy: command.actor,
      ground: command.ground,
      until: command.until,
      explanation: command.explanation,
    }),
  ];
}

export function liftRestriction(
  command: CommandOf<'lift-restriction'>,
  referral: RaisedReferral,
): ReferralEvent[] {
  mustAct(referral, command.actor, 'either', 'lift the restriction of');
  if (!standing(referral.restriction, command.today)) {
    throw new InvalidTransitionError('The referral is not restricted: there is nothing to lift');
  }
  return [
    eventOf(ReferralRestrictionLifted, {
      referralId: referral.referralId,
      liftedBy: command.actor,
      explanation: command.explanation,
    }),
  ];
}

function decide(command: ReferralCommand, state: Referral): ReferralEvent[] {
  if (command.kind === 'raise') return raise(command, state);
  if (state.status === 'none') {
    throw new InvalidTransitionError(`Referral ${command.referralId} has not been raised`);
  }
  switch (command.kind) {
    case 'acknowledge':
      return acknowledge(command, state);
    case 'accept':
      return accept(command, state);
    case 'decline':
      return decline(command, state);
    case 'withdraw':
      return withdraw(command, state);
    case 'add-note':
      return addNote(command, state);
    case 'close':
      return close(command, state);
    case 'erase-subject':
      return eraseSubject(command, state);
    case 'restrict':
      return restrict(command, state);
    case 'lift-restriction':
      return liftRestriction(command, state);
  }
}

export const referralDecider: Decider<Referral, ReferralCommand, ReferralEvent> = {
  initialState: initialReferral,
  evolve: evolveReferral,
  decide,
};
