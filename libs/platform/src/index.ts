export * from './config/env.js';
export * from './database/database-options.js';
export * from './database/embedded-postgres.js';
export * from './http/configure-http.js';
export * from './http/problem-details.filter.js';
export * from './http/validation.js';
export * from './observability/logging.js';
export * from './platform.module.js';
