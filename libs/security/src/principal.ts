/** The roles a person may hold; a token or the directory grants them. */
export const ROLES = [
  'lro',
  'analyst',
  'rocta-moderator',
  'meeting-chair',
  'partner-officer',
  'safeguarding-officer',
  'auditor',
  'admin',
] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Who is calling: a person acting for an organisation, with the roles their token grants. */
export interface Principal {
  readonly personId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
}

/** Identifiers of people and organisations: lower-case slugs, as the directory issues them. */
export const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{0,127}$/;
