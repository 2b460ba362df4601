import { defineEvent } from './event-contract.js';
import type { PersonalField } from './personal-data.js';

export type OrganisationKind =
  'police-force' | 'rocu' | 'national-agency' | 'statutory-partner' | 'non-statutory-partner';

export const ORGANISATION_KINDS: readonly OrganisationKind[] = [
  'police-force',
  'rocu',
  'national-agency',
  'statutory-partner',
  'non-statutory-partner',
];

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

/** Version 3 seals the name under the person's own key, so it can be erased. */
export interface PersonEnrolledV3 {
  personId: string;
  organisationId: string;
  displayName: PersonalField<string>;
  roles: string[];
}

export const PersonEnrolled = defineEvent<PersonEnrolledV3>()('directory.PersonEnrolled', 3, {
  1: ({ role, ...rest }: PersonEnrolledV1): PersonEnrolledV2 => ({ ...rest, roles: [role] }),
  // A plain name is still a legal (unsealed) personal field.
  2: (v2: PersonEnrolledV2): PersonEnrolledV3 => v2,
});

export interface PersonRolesChangedV1 {
  personId: string;
  organisationId: string;
  roles: string[];
}

export const PersonRolesChanged = defineEvent<PersonRolesChangedV1>()(
  'directory.PersonRolesChanged',
  1,
);

/** The person's personal data was erased: their key is destroyed, the events stay. */
export interface PersonalDataErasedV1 {
  personId: string;
  organisationId: string;
  subjectId: string;
  reason: string;
}

export const PersonalDataErased = defineEvent<PersonalDataErasedV1>()(
  'directory.PersonalDataErased',
  1,
);

export const directoryEvents = [
  OrganisationRegistered,
  PersonEnrolled,
  PersonRolesChanged,
  PersonalDataErased,
] as const;
