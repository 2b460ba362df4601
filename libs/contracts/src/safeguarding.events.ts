import { defineEvent } from './event-contract.js';
import type { SealedPersonalData } from './personal-data.js';
import type { PersonRef } from './threats.events.js';

/**
 * Safeguarding referrals: an officer tells the agency that must act (children's services, adult
 * safeguarding, a child exploitation team) that a person is at risk from SOC. Published on
 * `soc.safeguarding.events`; one stream per referral (`referral:<id>`).
 *
 * Everything that says who the referral is about, or describes them, is sealed under the data
 * subject's own key (`subject:<id>`): names, date of birth, address, other identifiers, the
 * account of the concern, notes and explanations. The rest (status, categories, urgency,
 * organisations, dates) is what every permitted view may show.
 */

export type ConcernCategory =
  | 'child-criminal-exploitation'
  | 'county-lines'
  | 'child-sexual-exploitation'
  | 'modern-slavery'
  | 'human-trafficking'
  | 'cuckooing'
  | 'child-of-ocg-member'
  | 'adult-exploitation';
export const CONCERN_CATEGORIES: readonly ConcernCategory[] = [
  'child-criminal-exploitation',
  'county-lines',
  'child-sexual-exploitation',
  'modern-slavery',
  'human-trafficking',
  'cuckooing',
  'child-of-ocg-member',
  'adult-exploitation',
];

/** Most urgent first: the order inboxes sort by. */
export type ReferralUrgency = 'immediate' | 'urgent' | 'standard';
export const REFERRAL_URGENCIES: readonly ReferralUrgency[] = ['immediate', 'urgent', 'standard'];

/** The law the disclosure rests on when the subject did not consent. */
export type LawfulBasis =
  | 'children-act-1989-s47'
  | 'children-act-2004-s11'
  | 'care-act-2014-s42'
  | 'dpa-2018-safeguarding-individuals-at-risk'
  | 'law-enforcement-purposes';
export const LAWFUL_BASES: readonly LawfulBasis[] = [
  'children-act-1989-s47',
  'children-act-2004-s11',
  'care-act-2014-s42',
  'dpa-2018-safeguarding-individuals-at-risk',
  'law-enforcement-purposes',
];

export type ConsentGivenBy = 'subject' | 'parent-or-guardian';
export const CONSENT_GIVERS: readonly ConsentGivenBy[] = ['subject', 'parent-or-guardian'];

/** Why the personal data may go to the receiving organisation: consent, or a lawful basis. */
export type DisclosureBasis =
  | { kind: 'consent'; givenBy: ConsentGivenBy; givenOn: string }
  | { kind: 'lawful-basis'; basis: LawfulBasis };

/** The person the referral is about; each value sealed under `subjectId`'s key. */
export interface ReferralSubject {
  subjectId: string;
  /** `{ given, family, alsoKnownAs[] }`. */
  names: SealedPersonalData;
  /** `YYYY-MM-DD`, or null when not known. */
  dateOfBirth: SealedPersonalData | null;
  /** Free text, or null when not known. */
  address: SealedPersonalData | null;
  /** `[{ kind, value }]`: NHS number, PNC id, school... or null. */
  otherIdentifiers: SealedPersonalData | null;
}

export type DeclineReason =
  | 'threshold-not-met'
  | 'already-known-and-supported'
  | 'wrong-agency'
  | 'insufficient-information'
  | 'out-of-area';
export const DECLINE_REASONS: readonly DeclineReason[] = [
  'threshold-not-met',
  'already-known-and-supported',
  'wrong-agency',
  'insufficient-information',
  'out-of-area',
];

export type WithdrawalReason =
  'raised-in-error' | 'concern-resolved' | 'referred-elsewhere' | 'duplicate';
export const WITHDRAWAL_REASONS: readonly WithdrawalReason[] = [
  'raised-in-error',
  'concern-resolved',
  'referred-elsewhere',
  'duplicate',
];

export type ReferralOutcome = 'successful' | 'unsuccessful';
export const REFERRAL_OUTCOMES: readonly ReferralOutcome[] = ['successful', 'unsuccessful'];

/** The reasons a closure may give, by outcome: an unsuccessful one says why not. */
export const CLOSURE_REASONS_BY_OUTCOME = {
  successful: ['support-in-place', 'risk-reduced', 'safeguarded-by-another-agency'],
  unsuccessful: [
    'subject-disengaged',
    'subject-not-located',
    'moved-out-of-area',
    'circumstances-changed',
    'agency-did-not-act',
  ],
} as const satisfies Record<ReferralOutcome, readonly string[]>;
export type ReferralClosureReason = (typeof CLOSURE_REASONS_BY_OUTCOME)[ReferralOutcome][number];
export const REFERRAL_CLOSURE_REASONS: readonly ReferralClosureReason[] = [
  ...CLOSURE_REASONS_BY_OUTCOME.successful,
  ...CLOSURE_REASONS_BY_OUTCOME.unsuccessful,
];

export interface ReferralRaisedV1 {
  referralId: string;
  /** The threat whose work found the person at risk. */
  threatId: string;
  subject: ReferralSubject;
  concerns: ConcernCategory[];
  /** What was seen and why it worries the referrer, sealed: it describes the subject. */
  account: SealedPersonalData;
  urgency: ReferralUrgency;
  /** The referring officer, acting for the referring organisation (which holds the referral). */
  referrer: PersonRef;
  receivingOrganisationId: string;
  disclosureBasis: DisclosureBasis;
}
/** Version 2 links the referral to the plan's protect action that prompted it, if one did. */
export interface ReferralRaisedV2 extends ReferralRaisedV1 {
  /** The protect action of the threat's plan the referral was raised from, or null. */
  planActionId: string | null;
}
export const ReferralRaised = defineEvent<ReferralRaisedV2>()('safeguarding.ReferralRaised', 2, {
  1: (v1: ReferralRaisedV1): ReferralRaisedV2 => ({ ...v1, planActionId: null }),
});

export const ReferralAcknowledged = defineEvent<{
  referralId: string;
  acknowledgedBy: PersonRef;
}>()('safeguarding.ReferralAcknowledged', 1);

export const ReferralAccepted = defineEvent<{
  referralId: string;
  acceptedBy: PersonRef;
}>()('safeguarding.ReferralAccepted', 1);

/** An outcome the business cares about, so an event: the receiver will not take it on. */
export const ReferralDeclined = defineEvent<{
  referralId: string;
  declinedBy: PersonRef;
  reason: DeclineReason;
  explanation: SealedPersonalData;
}>()('safeguarding.ReferralDeclined', 1);

export const ReferralWithdrawn = defineEvent<{
  referralId: string;
  withdrawnBy: PersonRef;
  reason: WithdrawalReason;
  explanation: SealedPersonalData;
}>()('safeguarding.ReferralWithdrawn', 1);

export const ReferralNoteAdded = defineEvent<{
  referralId: string;
  noteId: string;
  addedBy: PersonRef;
  text: SealedPersonalData;
}>()('safeguarding.ReferralNoteAdded', 1);

export const ReferralClosed = defineEvent<{
  referralId: string;
  closedBy: PersonRef;
  outcome: ReferralOutcome;
  reason: ReferralClosureReason;
  explanation: SealedPersonalData | null;
}>()('safeguarding.ReferralClosed', 1);

/**
 * The subject's personal data was erased at the end of retention: their key is destroyed
 * (crypto-shredding), so every sealed value of the referral reads as erased; the events stay.
 */
export const ReferralSubjectErased = defineEvent<{
  referralId: string;
  subjectId: string;
  erasedBy: PersonRef;
  /** Why, e.g. the retention period that ended: not personal data. */
  reason: string;
}>()('safeguarding.ReferralSubjectErased', 1);

/**
 * Why a referral's personal data is restricted instead of erased (Data Protection Act 2018,
 * s. 47(2) and (3)): it must be kept as evidence, or its accuracy is contested and cannot be
 * ascertained.
 */
export type RestrictionGround = 'kept-as-evidence' | 'accuracy-contested';
export const RESTRICTION_GROUNDS: readonly RestrictionGround[] = [
  'kept-as-evidence',
  'accuracy-contested',
];

/**
 * The referral's personal data is restricted until a date (inclusive): only auditors, stating a
 * purpose, may read it, and the subject cannot be erased while the restriction stands.
 */
export const ReferralRestricted = defineEvent<{
  referralId: string;
  restrictedBy: PersonRef;
  ground: RestrictionGround;
  /** `YYYY-MM-DD`: the last day the restriction stands unless lifted before. */
  until: string;
  /** The case or proceedings it is kept for, sealed: it may describe the subject. */
  explanation: SealedPersonalData;
}>()('safeguarding.ReferralRestricted', 1);

export const ReferralRestrictionLifted = defineEvent<{
  referralId: string;
  liftedBy: PersonRef;
  explanation: SealedPersonalData;
}>()('safeguarding.ReferralRestrictionLifted', 1);

export const safeguardingEvents = [
  ReferralRaised,
  ReferralAcknowledged,
  ReferralAccepted,
  ReferralDeclined,
  ReferralWithdrawn,
  ReferralNoteAdded,
  ReferralClosed,
  ReferralSubjectErased,
  ReferralRestricted,
  ReferralRestrictionLifted,
] as const;
