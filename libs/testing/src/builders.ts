import { randomUUID } from 'node:crypto';
import { type Actor, type OrganisationKind, OrganisationRegistered } from '@soc/contracts';
import type { EventStore } from '@soc/event-store';
import { v7 as uuidv7 } from 'uuid';

/** Metadata for an append: an actor and a fresh correlation id. */
export function appendMetadata(
  actor: Actor = { personId: 'analyst-1', organisationId: 'cleveland-police' },
) {
  return { actor, correlationId: randomUUID() };
}

/** A declared event to append, with its own id so that a retry of the same append is safe. */
export function organisationRegistered(
  organisationId: string,
  kind: OrganisationKind = 'statutory-partner',
) {
  return {
    eventId: uuidv7(),
    type: OrganisationRegistered.type,
    data: { organisationId, name: `Organisation ${organisationId}`, kind },
  };
}

/** Registers one organisation per name (each its own stream); returns the last global position. */
export async function registerOrganisations(store: EventStore, names: string[]): Promise<number> {
  let last = 0;
  for (const name of names) {
    const event = organisationRegistered(name);
    event.data.name = name;
    const result = await store.append(
      `organisation:${randomUUID()}`,
      'no-stream',
      [event],
      appendMetadata(),
    );
    last = result.globalPosition!;
  }
  return last;
}
