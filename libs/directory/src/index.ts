export * from './directory.module.js';
export { directoryProjection } from './directory-view/directory.projection.js';
export {
  type NewOrganisation,
  RegisterOrganisation,
} from './register-organisation/register-organisation.command.js';
export { EnrolPerson, type NewPerson } from './enrol-person/enrol-person.command.js';
