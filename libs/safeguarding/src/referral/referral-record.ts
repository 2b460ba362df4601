import type { RecordDescriptor, RecordKind } from '@soc/security';
import { type ReferralCommand, referralDecider } from './referral.decide.js';
import {
  type RaisedReferral,
  type Referral,
  type ReferralEvent,
  referralStream,
} from './referral.js';

/**
 * The referral as the policy sees it: the referring organisation holds it, the receiving one is
 * party to it; the organisations of its threat see that it exists (read side only).
 */
export const referralDescriptor = (
  referralId: string,
  facts: {
    readonly referringOrganisationId: string;
    readonly receivingOrganisationId: string;
    readonly threatOrganisationIds?: readonly string[];
  },
): RecordDescriptor => ({
  type: 'referral',
  id: referralId,
  ownerOrganisationId: facts.referringOrganisationId,
  partyOrganisationIds: [facts.receivingOrganisationId],
  sharedWithOrganisationIds: facts.threatOrganisationIds ?? [],
});

/** The referral stream as command handlers load, judge and change it. */
export const referrals: RecordKind<Referral, ReferralCommand, ReferralEvent, RaisedReferral> = {
  type: 'referral',
  streamOf: referralStream,
  decider: referralDecider,
  exists: (state): state is RaisedReferral => state.status !== 'none',
  describe: (referralId, referral) =>
    referralDescriptor(referralId, {
      referringOrganisationId: referral.referrer.organisationId,
      receivingOrganisationId: referral.receivingOrganisationId,
    }),
};
