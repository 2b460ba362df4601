export * from './builders.js';
export * from './tcp-proxy.js';
export * from './test-postgres.js';
export * from './test-kafka.js';
export * from './free-port.js';
export * from './refusals.js';
