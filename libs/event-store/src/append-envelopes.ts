import { validate as isUuid } from 'uuid';
import type { StoredEnvelope } from './append-batcher.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { InvalidAppendError, PayloadTooLargeError } from './errors.js';
import type { EventTypeRegistry } from './event-type-registry.js';
import type { AppendMetadata, EventToAppend } from './event-store.types.js';
import { envelopeJson, type HashedEnvelope } from './recorded-event.js';

/** Where a stream stands before an append: its version and the hash of its last event. */
export interface StreamHead {
  readonly version: number;
  readonly hash: string | null;
}

/**
 * Checks an append and returns each payload's canonical JSON, the form that is stored and hashed.
 * Only current type names are accepted: a former name of a renamed type is refused like any
 * undeclared one.
 */
export function validateAppend(
  registry: EventTypeRegistry,
  events: readonly EventToAppend[],
  metadata: AppendMetadata,
  maxPayloadBytes: number,
): string[] {
  if (events.length === 0) throw new InvalidAppendError('An append needs at least one event');
  if (!metadata?.actor?.personId || !metadata.actor.organisationId) {
    throw new InvalidAppendError('An append needs an actor: person and organisation');
  }
  if (!isUuid(metadata.correlationId) || (metadata.causationId && !isUuid(metadata.causationId))) {
    throw new InvalidAppendError('Correlation and causation ids must be UUIDs');
  }
  const occurredYear = metadata.occurredAt?.getUTCFullYear();
  if (occurredYear !== undefined && !(occurredYear >= 1 && occurredYear <= 9999)) {
    throw new InvalidAppendError('occurredAt must be a valid moment between the years 1 and 9999');
  }
  const payloads = events.map((event) => {
    registry.currentVersion(event.type);
    if (event.eventId !== undefined && !isUuid(event.eventId)) {
      throw new InvalidAppendError(`Event id ${JSON.stringify(event.eventId)} is not a UUID`);
    }
    if (event.data === null || typeof event.data !== 'object') {
      throw new InvalidAppendError(`The payload of ${event.type} must be a JSON object`);
    }
    const json = canonicalPayload(event);
    const bytes = Buffer.byteLength(json);
    if (bytes > maxPayloadBytes) {
      throw new PayloadTooLargeError(
        `The payload of ${event.type} is ${bytes} bytes; the limit is ${maxPayloadBytes}`,
      );
    }
    if (json.includes('\\u0000')) {
      throw new InvalidAppendError(`The payload of ${event.type} contains a NUL character`);
    }
    return json;
  });
  if (
    new Set(events.map((e) => e.eventId).filter(Boolean)).size !==
    events.filter((e) => e.eventId).length
  ) {
    throw new InvalidAppendError('The same event id appears twice in one append');
  }
  return payloads;
}

/** The rows of an append after `head`, each hashed and chained to the one before. */
export function buildEnvelopes(
  registry: EventTypeRegistry,
  streamId: string,
  streamType: string,
  head: StreamHead,
  events: readonly EventToAppend[],
  payloads: readonly string[],
  eventIds: readonly string[],
  metadata: AppendMetadata,
): StoredEnvelope[] {
  const recordedAt = new Date().toISOString();
  const occurredAt = (metadata.occurredAt ?? new Date(recordedAt)).toISOString();
  let previousHash = head.hash;
  return events.map((event, i) => {
    const envelope: HashedEnvelope = {
      eventId: eventIds[i],
      type: event.type,
      schemaVersion: registry.currentVersion(event.type),
      streamId,
      streamType,
      streamVersion: head.version + i + 1,
      occurredAt,
      recordedAt,
      actor: metadata.actor,
      correlationId: metadata.correlationId.toLowerCase(),
      causationId: metadata.causationId?.toLowerCase() ?? null,
      payload: event.data,
      previousHash,
    };
    const hash = sha256Hex(envelopeJson(envelope, payloads[i]));
    previousHash = hash;
    return { ...envelope, hash, payloadJson: payloads[i] };
  });
}

function canonicalPayload(event: EventToAppend): string {
  try {
    return canonicalJson(event.data);
  } catch (error) {
    throw new InvalidAppendError(`The payload of ${event.type}: ${(error as Error).message}`);
  }
}
