import type { Marking } from '@soc/contracts';
import type { Principal, Role } from '../principal.js';
import { type Grant, type Permission, PERMISSIONS, type Relation } from './permissions.js';

export type { Marking } from '@soc/contracts';

/** What the policy needs to know about a record to decide. */
export interface ResourceDescriptor {
  readonly ownerOrganisationId: string;
  /** Organisations named on the record (a referral's referrer and receiver). */
  readonly partyOrganisationIds?: readonly string[];
  /** Organisations the owner shared the record with. */
  readonly sharedWithOrganisationIds?: readonly string[];
  /** OFFICIAL-SENSITIVE records are not disclosed through a share, only to owner and parties. */
  readonly marking?: Marking;
  /** Whether the owner lets organisations that may not read it learn that it exists, and who holds it. */
  readonly signposting?: boolean;
}

export type Decision =
  | { readonly allowed: true; readonly relation: Relation; readonly role: Role }
  | {
      readonly allowed: false;
      readonly reason: string;
      /** Set when the owner allows signposting: whom to ask for access. */
      readonly signpost?: { readonly holderOrganisationId: string };
    };

export function relationOf(principal: Principal, resource: ResourceDescriptor): Relation {
  const organisation = principal.organisationId;
  if (resource.ownerOrganisationId === organisation) return 'owner';
  if (resource.partyOrganisationIds?.includes(organisation)) return 'party';
  if (resource.sharedWithOrganisationIds?.includes(organisation)) return 'shared';
  return 'none';
}

const covers = (grant: Grant | undefined, relation: Relation): boolean =>
  grant === 'any' || (grant !== undefined && grant.includes(relation));

/** May any of the caller's roles use this permission at all (the check made on every route)? */
export function mayUse(principal: Principal, permission: Permission): boolean {
  const grants: Partial<Record<Role, Grant>> = PERMISSIONS[permission].grants;
  return principal.roles.some((role) => grants[role] !== undefined);
}

/**
 * Decides whether the caller may use a permission on a record, from the caller's roles and its
 * organisation's relation to the record. Deny by default.
 */
export function decide(
  principal: Principal,
  permission: Permission,
  resource: ResourceDescriptor,
): Decision {
  const grants: Partial<Record<Role, Grant>> = PERMISSIONS[permission].grants;
  const relation = relationOf(principal, resource);
  const sensitive = resource.marking === 'OFFICIAL-SENSITIVE';
  for (const role of principal.roles) {
    const grant = grants[role];
    if (grant === 'any') return { allowed: true, relation, role };
    if (sensitive && relation === 'shared') continue;
    if (covers(grant, relation)) return { allowed: true, relation, role };
  }
  const reason = mayUse(principal, permission)
    ? `not permitted for an organisation whose relation to the record is "${relation}"`
    : `none of the caller's roles grants ${permission}`;
  return resource.signposting && relation === 'none'
    ? { allowed: false, reason, signpost: { holderOrganisationId: resource.ownerOrganisationId } }
    : { allowed: false, reason };
}
