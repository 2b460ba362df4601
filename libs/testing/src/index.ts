export * from './tcp-proxy.js';
export * from './test-postgres.js';
