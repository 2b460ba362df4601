export * from './threats.module.js';
export * from './threat/threat.js';
export * from './threat/threat.decide.js';
export { threatsProjection } from './threat-views/threats.projection.js';
export * from './threat-views/threat-view-settings.js';
