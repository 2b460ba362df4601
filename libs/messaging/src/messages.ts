import type { RecordedEvent } from '@soc/event-store';
import { topicFor } from './topics.js';

/** Headers every published event carries, so consumers can route and dedupe without parsing the value. */
export const HEADER = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  globalPosition: 'global-position',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A recorded event as a Kafka message: keyed by stream id so one stream keeps its order. */
export function toMessage(event: RecordedEvent, prefix?: string): OutgoingMessage {
  const headers: Record<string, string> = {
    [HEADER.eventId]: event.eventId,
    [HEADER.eventType]: event.type,
    [HEADER.schemaVersion]: String(event.schemaVersion),
    [HEADER.globalPosition]: String(event.globalPosition),
    [HEADER.correlationId]: event.correlationId,
  };
  if (event.causationId) headers[HEADER.causationId] = event.causationId;
  return {
    topic: topicFor(event.type, prefix),
    key: event.streamId,
    value: JSON.stringify(event),
    headers,
  };
}

export class UnreadableMessageError extends Error {
  override readonly name = 'UnreadableMessageError';
}

/** Reads a message back into a recorded event; anything malformed is refused with the reason. */
export function fromMessage(value: Buffer | null): RecordedEvent {
  if (!value) throw new UnreadableMessageError('the message has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    throw new UnreadableMessageError('the message value is not JSON');
  }
  const event = parsed as Partial<RecordedEvent> | null;
  if (
    !event ||
    typeof event !== 'object' ||
    typeof event.eventId !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.streamId !== 'string' ||
    typeof event.globalPosition !== 'number' ||
    !Number.isSafeInteger(event.globalPosition) ||
    event.globalPosition < 1 ||
    typeof event.schemaVersion !== 'number' ||
    event.data === null ||
    typeof event.data !== 'object'
  ) {
    throw new UnreadableMessageError('the message value is not a recorded event');
  }
  return event as RecordedEvent;
}
