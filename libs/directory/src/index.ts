export * from './directory.module.js';
export { directoryProjection } from './directory-view/directory.projection.js';
export { organisationDecider, organisationStream } from './organisation/organisation.js';
export { personDecider, personStream, personSubject } from './person/person.js';
