export * from './organisation-directory.projection.js';
