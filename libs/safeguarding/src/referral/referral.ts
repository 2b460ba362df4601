import {
  type EventOf,
  type PersonRef,
  ReferralAccepted,
  ReferralAcknowledged,
  ReferralClosed,
  ReferralDeclined,
  ReferralNoteAdded,
  ReferralRaised,
  ReferralRestricted,
  ReferralRestrictionLifted,
  type RestrictionGround,
  ReferralSubjectErased,
  type ReferralUrgency,
  ReferralWithdrawn,
} from '@soc/contracts';
import { streamId } from '@soc/event-store';

export type ReferralEvent =
  | EventOf<typeof ReferralRaised>
  | EventOf<typeof ReferralAcknowledged>
  | EventOf<typeof ReferralAccepted>
  | EventOf<typeof ReferralDeclined>
  | EventOf<typeof ReferralWithdrawn>
  | EventOf<typeof ReferralNoteAdded>
  | EventOf<typeof ReferralClosed>
  | EventOf<typeof ReferralSubjectErased>
  | EventOf<typeof ReferralRestricted>
  | EventOf<typeof ReferralRestrictionLifted>;

/** Where a raised referral stands: awaiting the receiver, taken on, or over (three ways). */
export type ReferralStatus =
  'submitted' | 'acknowledged' | 'accepted' | 'declined' | 'withdrawn' | 'closed';
export const REFERRAL_STATUSES: readonly ReferralStatus[] = [
  'submitted',
  'acknowledged',
  'accepted',
  'declined',
  'withdrawn',
  'closed',
];

/** What every stage of a raised referral knows: the parties, its subject and its notes. */
export interface RaisedReferral {
  readonly status: ReferralStatus;
  readonly referralId: string;
  readonly subjectId: string;
  readonly threatId: string;
  readonly urgency: ReferralUrgency;
  readonly referrer: PersonRef;
  readonly receivingOrganisationId: string;
  readonly noteIds: ReadonlySet<string>;
  /** The subject's key was destroyed: nothing more can be recorded of them. */
  readonly subjectErased: boolean;
  /** The last restriction of the personal data, unless lifted; it stands until its day is past. */
  readonly restriction: ReferralRestriction | null;
}

export interface ReferralRestriction {
  readonly restrictedBy: PersonRef;
  readonly ground: RestrictionGround;
  readonly until: string;
}

/** Whether the restriction still stands on `today` (`YYYY-MM-DD`): its last day included. */
export const standing = (restriction: { readonly until: string } | null, today: string) =>
  restriction !== null && today <= restriction.until;

export type Referral = { readonly status: 'none' } | RaisedReferral;

export const referralStream = (referralId: string) => streamId('referral', referralId);

export const initialReferral = (): Referral => ({ status: 'none' });

export function evolveReferral(state: Referral, event: ReferralEvent): Referral {
  if (event.type === ReferralRaised.type) {
    const { data } = event;
    return {
      status: 'submitted',
      referralId: data.referralId,
      subjectId: data.subject.subjectId,
      threatId: data.threatId,
      urgency: data.urgency,
      referrer: data.referrer,
      receivingOrganisationId: data.receivingOrganisationId,
      noteIds: new Set(),
      subjectErased: false,
      restriction: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case ReferralAcknowledged.type:
      return { ...state, status: 'acknowledged' };
    case ReferralAccepted.type:
      return { ...state, status: 'accepted' };
    case ReferralDeclined.type:
      return { ...state, status: 'declined' };
    case ReferralWithdrawn.type:
      return { ...state, status: 'withdrawn' };
    case ReferralClosed.type:
      return { ...state, status: 'closed' };
    case ReferralNoteAdded.type:
      return { ...state, noteIds: new Set([...state.noteIds, event.data.noteId]) };
    case ReferralSubjectErased.type:
      return { ...state, subjectErased: true };
    case ReferralRestricted.type: {
      const { restrictedBy, ground, until } = event.data;
      return { ...state, restriction: { restrictedBy, ground, until } };
    }
    case ReferralRestrictionLifted.type:
      return { ...state, restriction: null };
  }
}
