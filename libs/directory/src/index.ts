export * from './directory-queries.controller.js';
export * from './directory.module.js';
export * from './organisation-directory.projection.js';
