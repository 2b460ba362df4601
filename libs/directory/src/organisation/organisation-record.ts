import type { RecordDescriptor, RecordKind } from '@soc/security';
import {
  type Organisation,
  type OrganisationCommand,
  organisationDecider,
  type OrganisationEvent,
  organisationStream,
} from './organisation.js';

export type RegisteredOrganisation = Extract<Organisation, { status: 'registered' }>;

/** An organisation as the policy sees it: it owns itself. Anyone may know it exists. */
export const organisationDescriptor = (organisationId: string): RecordDescriptor => ({
  type: 'organisation',
  id: organisationId,
  ownerOrganisationId: organisationId,
});

/** The organisation stream as command handlers load and judge it. */
export const organisations: RecordKind<
  Organisation,
  OrganisationCommand,
  OrganisationEvent,
  RegisteredOrganisation
> = {
  type: 'organisation',
  streamOf: organisationStream,
  decider: organisationDecider,
  exists: (state): state is RegisteredOrganisation => state.status === 'registered',
  describe: (organisationId) => organisationDescriptor(organisationId),
};
