import { ROLES, type Role } from '../principal.js';

/**
 * How the caller's organisation stands to a record:
 * - owner: it holds the record;
 * - party: it is named on the record (e.g. the receiving organisation of a referral);
 * - shared: the owner shared the record with it;
 * - none: none of these.
 */
export type Relation = 'owner' | 'party' | 'shared' | 'none';
export const RELATIONS: readonly Relation[] = ['owner', 'party', 'shared', 'none'];

/** What a role may do under a permission: with records of these relations, or with any record. */
export type Grant = readonly Relation[] | 'any';

export interface PermissionRule {
  readonly description: string;
  /** Reads that disclose personal data: the caller must state a purpose and the read is logged. */
  readonly personalData?: boolean;
  readonly grants: Partial<Record<Role, Grant>>;
}

const everyRole = (grant: Grant): Partial<Record<Role, Grant>> =>
  Object.fromEntries(ROLES.map((role) => [role, grant]));

/**
 * The one table of who may do what. Every route names one of these permissions; a route without
 * one is refused. Auditors read everything and change nothing.
 */
export const PERMISSIONS = {
  'organisation:read': {
    description: 'See the directory of organisations (names and kinds are not personal data)',
    grants: everyRole('any'),
  },
  'organisation:register': {
    description: 'Register an organisation in the directory',
    grants: { admin: 'any' },
  },
  'person:read': {
    description: "See the people of one's own organisation and their roles",
    personalData: true,
    grants: { ...everyRole(['owner']), auditor: 'any' },
  },
  'person:enrol': {
    description: 'Enrol a person in one’s own organisation',
    grants: { admin: ['owner'] },
  },
  'person:change-roles': {
    description: 'Change the roles of a person of one’s own organisation',
    grants: { admin: ['owner'] },
  },
  'person:erase': {
    description: 'Erase the personal data of a person of one’s own organisation',
    grants: { admin: ['owner'] },
  },
  'access-log:read': {
    description: 'Read the personal-data access log',
    grants: { auditor: 'any' },
  },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
