import type { Actor } from '@soc/contracts';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** An event as stored: its envelope and payload, chained by hash to the previous event of its stream. */
export interface RecordedEvent<TType extends string = string, TPayload = unknown> {
  readonly eventId: string;
  readonly type: TType;
  /** The schema version of `data` as returned: the newest, after upcasting. */
  readonly schemaVersion: number;
  /** The schema version the event was written at; the hash covers that form. */
  readonly storedSchemaVersion: number;
  readonly streamId: string;
  readonly streamType: string;
  readonly streamVersion: number;
  /** Place in the dense global order; null until the sealer has ordered it. */
  readonly globalPosition: number | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: TPayload;
  readonly previousHash: string | null;
  readonly hash: string;
}

/** The envelope fields the stream hash covers, exactly as stored. */
export interface HashedEnvelope {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  streamType: string;
  streamVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  payload: unknown;
  previousHash: string | null;
}

/** SHA-256 over the canonical JSON of the envelope, which includes the previous hash of its stream. */
export function eventHash(envelope: HashedEnvelope): string {
  return sha256Hex(
    canonicalJson({
      eventId: envelope.eventId,
      type: envelope.type,
      schemaVersion: envelope.schemaVersion,
      streamId: envelope.streamId,
      streamType: envelope.streamType,
      streamVersion: envelope.streamVersion,
      occurredAt: envelope.occurredAt,
      recordedAt: envelope.recordedAt,
      actor: { personId: envelope.actor.personId, organisationId: envelope.actor.organisationId },
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      payload: envelope.payload,
      previousHash: envelope.previousHash,
    }),
  );
}

/** The link of the global log: position, the event's own hash and when it was sealed, chained. */
export function globalLinkHash(link: {
  globalPosition: number;
  eventHash: string;
  sealedAt: string;
  previousHash: string | null;
}): string {
  return sha256Hex(canonicalJson(link));
}
