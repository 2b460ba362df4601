export {
  corsOriginsOf,
  trustProxyOf,
  validateEnv,
  Env,
  InvalidEnvironmentError,
} from './config/env.js';
export { databaseOptions, runMigrations } from './database/database-options.js';
export * from './database/embedded-postgres.js';
export { resolveDatabase } from './database/resolve-database.js';
export { configureHttp } from './http/configure-http.js';
export { IdempotencyModule } from './http/idempotency/idempotency.module.js';
export { HttpProblem } from './http/problem-details.filter.js';
export { validationPipe } from './http/validation.js';
export { RateLimitModule } from './http/rate-limit/rate-limit.js';
export {
  SLUG,
  IsCalendarDate,
  IsSlug,
  IsText,
  BusinessDate,
  PersonRefBody,
  personRef,
  ValidPersonRef,
} from './http/field-validators.js';
export { platformMigrations } from './migrations/index.js';
export { HEALTH_CHECKS } from './observability/health.controller.js';
export { PlatformModule } from './platform.module.js';
export { PUBLIC_ROUTE, Public } from './http/public-route.js';
export { type Clock, CLOCK, systemClock, isoDate } from './clock.js';
export {
  isDatabaseUnavailable,
  reportingOutages,
  DatabaseOutages,
} from './database/database-outages.js';
export { ResilientPool } from './database/resilient-pool.js';
export { READ_MODEL_ROLE } from './database/read-model-role.js';
