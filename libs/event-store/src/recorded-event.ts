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
  return sha256Hex(envelopeJson(envelope, canonicalJson(envelope.payload)));
}

/**
 * The canonical JSON of an envelope whose payload is already canonical JSON: the same text as
 * `canonicalJson` of the whole envelope (keys in sorted order), written out field by field
 * because it runs for every event appended or verified.
 */
export function envelopeJson(e: HashedEnvelope, payloadJson: string): string {
  const q = JSON.stringify;
  return (
    `{"actor":{"organisationId":${q(e.actor.organisationId)},"personId":${q(e.actor.personId)}},` +
    `"causationId":${q(e.causationId)},"correlationId":${q(e.correlationId)},` +
    `"eventId":${q(e.eventId)},"occurredAt":${q(e.occurredAt)},"payload":${payloadJson},` +
    `"previousHash":${q(e.previousHash)},"recordedAt":${q(e.recordedAt)},` +
    `"schemaVersion":${q(e.schemaVersion)},"streamId":${q(e.streamId)},` +
    `"streamType":${q(e.streamType)},"streamVersion":${q(e.streamVersion)},"type":${q(e.type)}}`
  );
}

export interface GlobalLink {
  globalPosition: number;
  eventHash: string;
  sealedAt: string;
  previousHash: string | null;
}

/** The link of the global log: position, the event's own hash and when it was sealed, chained. */
export function globalLinkHash(link: GlobalLink): string {
  return sha256Hex(globalLinkJson(link));
}

/** `canonicalJson(link)`, written out because the sealer runs it for every event. */
export function globalLinkJson(link: GlobalLink): string {
  const q = JSON.stringify;
  return (
    `{"eventHash":${q(link.eventHash)},"globalPosition":${q(link.globalPosition)},` +
    `"previousHash":${q(link.previousHash)},"sealedAt":${q(link.sealedAt)}}`
  );
}
