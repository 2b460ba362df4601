export { fold, type Decider } from './decider.js';
export {
  ProblemError,
  VersionConflictError,
  EventIdReusedError,
  InvalidAppendError,
  PayloadTooLargeError,
  UnknownConsistencyTokenError,
} from './errors.js';
export {
  EventStore,
  type ExpectedVersion,
  type AppendMetadata,
  type EventToAppend,
  type LoadedStream,
} from './event-store.js';
export { EVENT_STORE_POOL, EventStoreModule } from './event-store.module.js';
export { EventTypeRegistry } from './event-type-registry.js';
export { GlobalLogSealer } from './global-log-sealer.js';
export { IntegrityVerifier } from './integrity.js';
export { type RecordedEvent } from './recorded-event.js';
export { streamId } from './stream-id.js';
export { eventStoreMigrations } from './migrations/index.js';
export { LeaderLease } from './leader-lease.js';
export {
  InvalidTransitionError,
  AlreadyExistsError,
  NotFoundError,
  RuleViolationError,
} from './domain-errors.js';
export { CommandResult, toCommandResult } from './command-result.js';
export { businessMoment } from './business-time.js';
export { Wakeup } from './wakeup.js';
