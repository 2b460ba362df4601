import { randomUUID } from 'node:crypto';
import type { AppendMetadata } from '@soc/event-store';
import type { AccessContext } from './security.decorators.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acted and under which request: the metadata every command's events carry. */
export function commandMetadata(access: AccessContext): AppendMetadata {
  const requestId = access.requestId;
  return {
    actor: { personId: access.principal.personId, organisationId: access.principal.organisationId },
    correlationId: requestId && UUID.test(requestId) ? requestId : randomUUID(),
  };
}
