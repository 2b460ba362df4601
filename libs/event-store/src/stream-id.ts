import { InvalidAppendError } from './errors.js';

const STREAM_ID = /^([a-z][a-z0-9-]{0,62}):([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

/**
 * A stream id reads `<stream-type>:<id>`, e.g. `threat:0197c1f0-...` or `organisation:cleveland-police`.
 * The type names the aggregate; the id is unique within it.
 */
export function streamTypeOf(streamId: string): string {
  const match = typeof streamId === 'string' ? STREAM_ID.exec(streamId) : null;
  if (!match) {
    throw new InvalidAppendError(
      `Malformed stream id ${JSON.stringify(streamId)}: expected "<stream-type>:<id>", e.g. "threat:0197..."`,
    );
  }
  return match[1];
}

export function streamId(streamType: string, id: string): string {
  const value = `${streamType}:${id}`;
  streamTypeOf(value);
  return value;
}
