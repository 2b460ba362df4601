export * from './principal.js';
export { securityMigrations } from './migrations/index.js';
