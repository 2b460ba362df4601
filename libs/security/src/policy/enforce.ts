import { AccessDeniedError, RecordNotFoundError, SignpostedRecordError } from '../errors.js';
import type { Principal } from '../principal.js';
import { decide, type Decision, type ResourceDescriptor } from './access-policy.js';
import type { Permission } from './permissions.js';

/**
 * Applies the policy to one record, or throws what the caller may be told: 404 when it may not
 * learn the record exists, 403 naming the holder when the owner allows signposting, 403 when its
 * organisation is related to the record but its roles do not allow the action.
 */
export function enforce(
  principal: Principal,
  permission: Permission,
  record: { readonly type: string; readonly id: string } & ResourceDescriptor,
  /** Records anyone may know exist (organisations): refused with 403, never hidden behind 404. */
  { existenceIsPublic = false } = {},
): Extract<Decision, { allowed: true }> {
  const decision = decide(principal, permission, record);
  if (decision.allowed) return decision;
  if (decision.signpost) {
    throw new SignpostedRecordError(record.type, record.id, decision.signpost.holderOrganisationId);
  }
  const related =
    record.ownerOrganisationId === principal.organisationId ||
    record.partyOrganisationIds?.includes(principal.organisationId) ||
    record.sharedWithOrganisationIds?.includes(principal.organisationId);
  if (related || existenceIsPublic) throw new AccessDeniedError(decision.reason);
  throw new RecordNotFoundError(record.type, record.id);
}
