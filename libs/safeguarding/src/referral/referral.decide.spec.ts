import {
  eventOf,
  ReferralAccepted,
  ReferralAcknowledged,
  ReferralClosed,
  ReferralDeclined,
  ReferralNoteAdded,
  ReferralRaised,
  ReferralRestricted,
  ReferralRestrictionLifted,
  ReferralSubjectErased,
  ReferralWithdrawn,
  type SealedPersonalData,
} from '@soc/contracts';
import { AlreadyExistsError, InvalidTransitionError, RuleViolationError } from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { AccessDeniedError } from '@soc/security';
import { type ReferralCommand, referralDecider } from './referral.decide.js';
import type { DistributiveOmit } from './referral-command.js';

const referralId = 'r-1';
const subjectId = 'subject:s-1';
const sealed = (data: string): SealedPersonalData => ({
  $personal: 1,
  subject: subjectId,
  iv: 'aXY',
  data,
  tag: 'dGFn',
});
const officer = { personId: 'cleveland-so-1', organisationId: 'cleveland-police' };
const receiver = { personId: 'hartlepool-cs-1', organisationId: 'hartlepool-childrens-services' };
const stranger = { personId: 'durham-so-1', organisationId: 'durham-constabulary' };
const spec = deciderSpecification(referralDecider);
const today = '2026-11-25';

const by = (
  actor: typeof officer,
  command: DistributiveOmit<ReferralCommand, 'referralId' | 'actor'>,
) => ({ referralId, actor, ...command }) as ReferralCommand;

const raise = {
  kind: 'raise',
  referrer: officer,
  threatId: 't-1',
  planActionId: 'a-1',
  subject: {
    subjectId,
    names: sealed('bmFtZXM'),
    dateOfBirth: sealed('ZG9i'),
    address: null,
    otherIdentifiers: null,
  },
  concerns: ['county-lines', 'child-criminal-exploitation', 'county-lines'],
  account: sealed('YWNjb3VudA'),
  urgency: 'immediate',
  receivingOrganisationId: receiver.organisationId,
  disclosureBasis: { kind: 'lawful-basis', basis: 'children-act-2004-s11' },
} as const;

const raised = eventOf(ReferralRaised, {
  referralId,
  threatId: 't-1',
  planActionId: 'a-1',
  subject: raise.subject,
  concerns: ['county-lines', 'child-criminal-exploitation'],
  account: raise.account,
  urgency: 'immediate',
  referrer: officer,
  receivingOrganisationId: receiver.organisationId,
  disclosureBasis: { kind: 'lawful-basis', basis: 'children-act-2004-s11' },
});
const acknowledged = eventOf(ReferralAcknowledged, { referralId, acknowledgedBy: receiver });
const accepted = eventOf(ReferralAccepted, { referralId, acceptedBy: receiver });
const explanation = sealed('d2h5');
const declined = eventOf(ReferralDeclined, {
  referralId,
  declinedBy: receiver,
  reason: 'threshold-not-met' as const,
  explanation,
});
const withdrawn = eventOf(ReferralWithdrawn, {
  referralId,
  withdrawnBy: officer,
  reason: 'raised-in-error' as const,
  explanation,
});
const referrerAdmin = { personId: 'cleveland-admin-1', organisationId: officer.organisationId };
const erase = { kind: 'erase-subject', reason: 'Retention period ended', today } as const;
const erased = eventOf(ReferralSubjectErased, {
  referralId,
  subjectId,
  erasedBy: referrerAdmin,
  reason: 'Retention period ended',
});
const closed = eventOf(ReferralClosed, {
  referralId,
  closedBy: receiver,
  outcome: 'successful' as const,
  reason: 'support-in-place' as const,
  explanation: null,
});

describe('referral', () => {
  describe('raise', () => {
    it('records the referrer as the actor and each concern once', () => {
      spec.given([]).when(by(officer, raise)).then([raised]);
    });

    it('refuses a second raise of the same referral', () => {
      spec
        .given([raised])
        .when(by(officer, raise))
        .thenThrows(AlreadyExistsError, /already/);
    });

    it('goes to another organisation, and names a concern', () => {
      spec
        .given([])
        .when(by(receiver, { ...raise, referrer: receiver }))
        .thenThrows(RuleViolationError, /another organisation/);
      spec
        .given([])
        .when(by(stranger, raise))
        .thenThrows(AccessDeniedError, /your own organisation/);
      spec
        .given([])
        .when(by(officer, { ...raise, concerns: [] }))
        .thenThrows(RuleViolationError, /concern/);
    });
  });

  describe('acknowledge', () => {
    it('is the receiver’s, once, while submitted', () => {
      spec
        .given([raised])
        .when(by(receiver, { kind: 'acknowledge' }))
        .then([acknowledged]);
      spec
        .given([raised, acknowledged])
        .when(by(receiver, { kind: 'acknowledge' }))
        .thenThrows(InvalidTransitionError, /acknowledged: only a referral that is submitted can/);
    });

    it('is refused to the referrer and to anyone else', () => {
      for (const actor of [officer, stranger]) {
        spec
          .given([raised])
          .when(by(actor, { kind: 'acknowledge' }))
          .thenThrows(AccessDeniedError, /receiving organisation/);
      }
    });

    it('needs a referral', () => {
      spec
        .given([])
        .when(by(receiver, { kind: 'acknowledge' }))
        .thenThrows(InvalidTransitionError, /not been raised/);
    });
  });

  describe('accept or decline', () => {
    it('accepts a submitted or acknowledged referral', () => {
      spec
        .given([raised])
        .when(by(receiver, { kind: 'accept' }))
        .then([accepted]);
      spec
        .given([raised, acknowledged])
        .when(by(receiver, { kind: 'accept' }))
        .then([accepted]);
    });

    it('declines with a reason and its explanation, sealed', () => {
      spec
        .given([raised, acknowledged])
        .when(by(receiver, { kind: 'decline', reason: 'threshold-not-met', explanation }))
        .then([declined]);
    });

    it('answers once: no acceptance after a decline, nor a decline after an acceptance', () => {
      spec
        .given([raised, declined])
        .when(by(receiver, { kind: 'accept' }))
        .thenThrows(InvalidTransitionError, /declined/);
      spec
        .given([raised, accepted])
        .when(by(receiver, { kind: 'decline', reason: 'wrong-agency', explanation }))
        .thenThrows(InvalidTransitionError, /accepted/);
    });

    it('is the receiver’s only', () => {
      spec
        .given([raised])
        .when(by(officer, { kind: 'accept' }))
        .thenThrows(AccessDeniedError, /receiving/);
    });
  });

  describe('withdraw', () => {
    it('is the referrer’s until the referral is over', () => {
      const withdraw = { kind: 'withdraw', reason: 'raised-in-error', explanation } as const;
      spec.given([raised]).when(by(officer, withdraw)).then([withdrawn]);
      spec.given([raised, accepted]).when(by(officer, withdraw)).then([withdrawn]);
      spec
        .given([raised])
        .when(by(receiver, withdraw))
        .thenThrows(AccessDeniedError, /referring organisation/);
      spec
        .given([raised, declined])
        .when(by(officer, withdraw))
        .thenThrows(InvalidTransitionError, /declined/);
      spec
        .given([raised, withdrawn])
        .when(by(officer, withdraw))
        .thenThrows(InvalidTransitionError, /withdrawn/);
    });
  });

  describe('notes', () => {
    const note = { kind: 'add-note', noteId: 'n-1', text: sealed('bm90ZQ') } as const;
    const added = (actor: typeof officer) =>
      eventOf(ReferralNoteAdded, { referralId, noteId: 'n-1', addedBy: actor, text: note.text });

    it('come from either side, even once the referral is over', () => {
      spec
        .given([raised])
        .when(by(officer, note))
        .then([added(officer)]);
      spec
        .given([raised, accepted, closed])
        .when(by(receiver, note))
        .then([added(receiver)]);
    });

    it('are refused to a third organisation, and kept once', () => {
      spec
        .given([raised])
        .when(by(stranger, note))
        .thenThrows(AccessDeniedError, /referring or the receiving/);
      spec
        .given([raised, added(officer)])
        .when(by(officer, note))
        .thenThrows(AlreadyExistsError, /n-1/);
    });
  });

  describe('close', () => {
    const close = {
      kind: 'close',
      outcome: 'successful',
      reason: 'support-in-place',
      explanation: null,
    } as const;

    it('closes an accepted referral with an outcome and a reason that fits it', () => {
      spec.given([raised, accepted]).when(by(receiver, close)).then([closed]);
      spec
        .given([raised, accepted])
        .when(by(receiver, { ...close, outcome: 'unsuccessful' }))
        .thenThrows(RuleViolationError, /not a reason for an unsuccessful closure/);
    });

    it('closes nothing that was not accepted, nor twice, and only as the receiver', () => {
      spec
        .given([raised, acknowledged])
        .when(by(receiver, close))
        .thenThrows(
          InvalidTransitionError,
          /acknowledged: only a referral that is accepted can be closed/,
        );
      spec
        .given([raised, accepted, closed])
        .when(by(receiver, close))
        .thenThrows(InvalidTransitionError, /closed/);
      spec
        .given([raised, accepted])
        .when(by(officer, close))
        .thenThrows(AccessDeniedError, /receiving/);
    });
  });

  describe('erase the subject', () => {
    const admin = referrerAdmin;

    it('erases a referral that is over, once: asked again, nothing happens', () => {
      for (const over of [withdrawn, declined]) {
        spec.given([raised, over]).when(by(admin, erase)).then([erased]);
      }
      spec.given([raised, accepted, closed]).when(by(admin, erase)).then([erased]);
      spec.given([raised, withdrawn, erased]).when(by(admin, erase)).thenNothingHappens();
    });

    it('keeps a referral that is not over, and is the referring organisation’s', () => {
      spec
        .given([raised, accepted])
        .when(by(admin, erase))
        .thenThrows(InvalidTransitionError, /accepted: only a referral that is declined or/);
      spec
        .given([raised, declined])
        .when(by(receiver, erase))
        .thenThrows(AccessDeniedError, /referring organisation/);
    });

    it('takes no more notes of an erased subject', () => {
      spec
        .given([raised, withdrawn, erased])
        .when(by(receiver, { kind: 'add-note', noteId: 'n-2', text: sealed('bm90ZQ') }))
        .thenThrows(InvalidTransitionError, /erased/);
    });
  });

  describe('restrict instead of erasing', () => {
    const admin = { personId: 'hartlepool-admin-1', organisationId: receiver.organisationId };
    const restrict = {
      kind: 'restrict',
      ground: 'kept-as-evidence',
      until: '2027-06-30',
      explanation,
      today,
    } as const;
    const restricted = eventOf(ReferralRestricted, {
      referralId,
      restrictedBy: admin,
      ground: 'kept-as-evidence' as const,
      until: '2027-06-30',
      explanation,
    });
    const lift = { kind: 'lift-restriction', explanation, today } as const;
    const lifted = eventOf(ReferralRestrictionLifted, { referralId, liftedBy: admin, explanation });

    it('is either side’s, until a day after today, one restriction at a time', () => {
      spec.given([raised, withdrawn]).when(by(admin, restrict)).then([restricted]);
      spec
        .given([raised])
        .when(by(stranger, restrict))
        .thenThrows(AccessDeniedError, /referring or the receiving/);
      spec
        .given([raised])
        .when(by(admin, { ...restrict, until: today }))
        .thenThrows(RuleViolationError, /a day after today/);
      spec
        .given([raised, restricted])
        .when(by(admin, restrict))
        .thenThrows(
          InvalidTransitionError,
          /already restricted \(kept-as-evidence, until 2027-06-30/,
        );
    });

    it('refuses erasure while it stands, naming it; once lifted or past its day, erasure proceeds', () => {
      spec
        .given([raised, withdrawn, restricted])
        .when(by(referrerAdmin, erase))
        .thenThrows(
          InvalidTransitionError,
          /restricted \(kept-as-evidence, until 2027-06-30, by hartlepool-admin-1 of hartlepool-childrens-services\)/,
        );
      spec
        .given([raised, withdrawn, restricted, lifted])
        .when(by(referrerAdmin, erase))
        .then([erased]);
      spec
        .given([raised, withdrawn, restricted])
        .when(by(referrerAdmin, { ...erase, today: '2027-07-01' }))
        .then([erased]);
    });

    it('lifts a restriction that stands, and only one', () => {
      spec
        .given([raised, restricted])
        .when(by(officer, lift))
        .then([{ ...lifted, data: { ...lifted.data, liftedBy: officer } }]);
      spec
        .given([raised, restricted, lifted])
        .when(by(admin, lift))
        .thenThrows(InvalidTransitionError, /not restricted/);
      spec
        .given([raised, restricted])
        .when(by(admin, { ...lift, today: '2027-07-01' }))
        .thenThrows(InvalidTransitionError, /not restricted/);
    });

    it('restricts nothing of an erased subject', () => {
      spec
        .given([raised, withdrawn, erased])
        .when(by(admin, restrict))
        .thenThrows(InvalidTransitionError, /erased/);
    });
  });
});
