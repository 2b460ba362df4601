export * from './errors.js';
export * from './local-issuer.js';
export * from './token-verifier.js';
export * from './person-lookup.js';
