export {
  processingOf,
  type AccessLogEntry,
  PersonalDataAccessLog,
} from './access-log/personal-data-access-log.js';
export {
  loadOrCreateLocalIssuer,
  DEFAULT_AUDIENCE,
  cachedPersonLookup,
  type PersonLookup,
  PERSON_LOOKUP,
} from './authentication/index.js';
export { AccessDeniedError, PurposeRequiredError, RecordNotFoundError } from './errors.js';
export { type FeedReader, FeedTokens } from './feed-tokens/feed-tokens.js';
export {
  CommandRoute,
  type ExpectedVersion,
  IfMatch,
  StatedPurpose,
} from './http/command-route.js';
export {
  Authorize,
  ROUTE_PERMISSION,
  type AccessContext,
  Access,
} from './http/security.decorators.js';
export { securityMigrations } from './migrations/index.js';
export {
  isErased,
  isSealed,
  PersonalDataCipher,
  type SealedPersonalData,
  SubjectKeyStore,
  InvalidSubjectIdError,
  SubjectErasedError,
  SubjectKeyUnwrapError,
  InvalidErasureRequestError,
} from './personal-data/index.js';
export { decide, type Marking, type ResourceDescriptor } from './policy/access-policy.js';
export { enforce } from './policy/enforce.js';
export { type Relation, type Permission, isPermission } from './policy/permissions.js';
export { ROLES, type Role, isRole, type Principal } from './principal.js';
export { openInScope, ScopedReader } from './scoped-reads/scoped-reader.js';
export { SecurityModule } from './security.module.js';
export {
  type RecordDescriptor,
  type RecordKind,
  RecordCommands,
} from './commands/record-commands.js';
