/**
 * An error that carries the HTTP status and problem code the API answers with, so one
 * problem-details filter renders them all: the store's, the deciders' and the security layer's.
 */
export abstract class ProblemError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Errors the event store raises. */
export abstract class EventStoreError extends ProblemError {}

/** The stream was not at the version the caller expected (someone else wrote first). */
export class VersionConflictError extends EventStoreError {
  readonly status = 409;
  readonly code = 'version-conflict';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number | 'no-stream',
    readonly currentVersion: number,
  ) {
    super(
      `Stream ${streamId} is at version ${currentVersion}, not ${expectedVersion === 'no-stream' ? 'empty' : expectedVersion} as expected`,
    );
  }
}

/** Appended event ids already exist but do not match this append: never a silent duplicate. */
export class EventIdReusedError extends EventStoreError {
  readonly status = 409;
  readonly code = 'event-id-reused';
}

export class InvalidAppendError extends EventStoreError {
  readonly status = 400;
  readonly code = 'invalid-append';
}

export class PayloadTooLargeError extends EventStoreError {
  readonly status = 413;
  readonly code = 'payload-too-large';
}

/**
 * A consistency token no append of this store answered with (HTTP 400): tokens are issued once
 * the events are committed, so the events a real one stands for are always there.
 */
export class UnknownConsistencyTokenError extends EventStoreError {
  readonly status = 400;
  readonly code = 'unknown-consistency-token';
  constructor(readonly token: string) {
    super(`Consistency token ${JSON.stringify(token)} was not issued by this event store`);
  }
}
