import type { Marking } from '@soc/contracts';
import type { RecordDescriptor, RecordKind } from '@soc/security';
import { threatDecider, type ThreatCommand } from './threat.decide.js';
import { type OpenThreat, type Threat, type ThreatEvent, threatStream } from './threat.js';

/** What the policy needs to know of a threat, from its stream or from its read-model row. */
export interface ThreatAccessFacts {
  readonly ownerOrganisationId: string;
  readonly lroOrganisationId: string;
  readonly sharedWith: Iterable<string>;
  readonly marking: Marking;
  readonly signposting: boolean;
}

/**
 * The threat as the policy sees it: its owner, the LRO's organisation as a party, the
 * organisations it is shared with, its marking. Commands and reads both judge by this.
 */
export const threatDescriptor = (threatId: string, facts: ThreatAccessFacts): RecordDescriptor => ({
  type: 'threat',
  id: threatId,
  ownerOrganisationId: facts.ownerOrganisationId,
  partyOrganisationIds: [facts.lroOrganisationId],
  sharedWithOrganisationIds: [...facts.sharedWith],
  marking: facts.marking,
  signposting: facts.signposting,
});

/** The threat stream as command handlers load, judge and change it. */
export const threats: RecordKind<Threat, ThreatCommand, ThreatEvent, OpenThreat> = {
  type: 'threat',
  streamOf: threatStream,
  decider: threatDecider,
  exists: (state): state is OpenThreat => state.status !== 'none',
  describe: (threatId, threat) =>
    threatDescriptor(threatId, {
      ownerOrganisationId: threat.ownerOrganisationId,
      lroOrganisationId: threat.lro.organisationId,
      sharedWith: threat.sharedWith,
      marking: threat.marking,
      signposting: threat.signposting,
    }),
};
