import { defineEvent } from './event-contract.js';

export type OrganisationKind =
  'police-force' | 'rocu' | 'national-agency' | 'statutory-partner' | 'non-statutory-partner';

export interface OrganisationRegisteredV1 {
  organisationId: string;
  name: string;
  kind: OrganisationKind;
}

export const OrganisationRegistered = defineEvent<OrganisationRegisteredV1>()(
  'directory.OrganisationRegistered',
  1,
);

/** Version 1 allowed one role per person; people often hold several (an LRO who also chairs). */
export interface PersonEnrolledV1 {
  personId: string;
  organisationId: string;
  displayName: string;
  role: string;
}

export interface PersonEnrolledV2 {
  personId: string;
  organisationId: string;
  displayName: string;
  roles: string[];
}

export const PersonEnrolled = defineEvent<PersonEnrolledV2>()('directory.PersonEnrolled', 2, {
  1: ({ role, ...rest }: PersonEnrolledV1): PersonEnrolledV2 => ({ ...rest, roles: [role] }),
});

export const directoryEvents = [OrganisationRegistered, PersonEnrolled] as const;
