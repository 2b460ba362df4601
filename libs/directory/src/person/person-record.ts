import type { RecordKind } from '@soc/security';
import {
  type Person,
  type PersonCommand,
  personDecider,
  type PersonEvent,
  personStream,
} from './person.js';

export type EnrolledPerson = Extract<Person, { status: 'enrolled' }>;

/** The person stream as command handlers load and judge it: owned by their organisation. */
export const people: RecordKind<Person, PersonCommand, PersonEvent, EnrolledPerson> = {
  type: 'person',
  streamOf: personStream,
  decider: personDecider,
  exists: (state): state is EnrolledPerson => state.status !== 'none',
  describe: (personId, person) => ({
    type: 'person',
    id: personId,
    ownerOrganisationId: person.organisationId,
  }),
};
