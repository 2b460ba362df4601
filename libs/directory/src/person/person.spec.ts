import { eventOf, PersonalDataErased, PersonEnrolled, PersonRolesChanged } from '@soc/contracts';
import { AlreadyExistsError, InvalidTransitionError, NotFoundError } from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { personDecider } from './person.js';

const spec = deciderSpecification(personDecider);
const enrolled = eventOf(PersonEnrolled, {
  personId: 'dc-1',
  organisationId: 'durham-constabulary',
  displayName: 'D. Officer',
  roles: ['lro'],
});
const erased = eventOf(PersonalDataErased, {
  personId: 'dc-1',
  organisationId: 'durham-constabulary',
  subjectId: 'person:dc-1',
  reason: 'left the force; retention ended',
});

describe('person', () => {
  it('enrols a new person', () => {
    spec
      .given([])
      .when({
        kind: 'enrol',
        personId: 'dc-1',
        organisationId: 'durham-constabulary',
        displayName: 'D. Officer',
        roles: ['lro'],
      })
      .then([enrolled]);
  });

  it('refuses to enrol the same person twice', () => {
    spec
      .given([enrolled])
      .when({
        kind: 'enrol',
        personId: 'dc-1',
        organisationId: 'cleveland-police',
        displayName: 'X',
        roles: [],
      })
      .thenThrows(AlreadyExistsError);
  });

  it('changes roles, and does nothing when they are the same', () => {
    const change = {
      kind: 'change-roles',
      personId: 'dc-1',
      roles: ['lro', 'meeting-chair'],
    } as const;
    spec
      .given([enrolled])
      .when(change)
      .then([
        eventOf(PersonRolesChanged, {
          personId: 'dc-1',
          organisationId: 'durham-constabulary',
          roles: ['lro', 'meeting-chair'],
        }),
      ]);
    spec
      .given([enrolled])
      .when({ ...change, roles: ['lro'] })
      .thenNothingHappens();
  });

  it('refuses commands for someone never enrolled', () => {
    spec
      .given([])
      .when({ kind: 'change-roles', personId: 'dc-1', roles: [] })
      .thenThrows(NotFoundError);
  });

  it('erases once; a second erasure changes nothing; an erased person keeps no new roles', () => {
    const erase = {
      kind: 'erase',
      personId: 'dc-1',
      subjectId: 'person:dc-1',
      reason: 'left the force; retention ended',
    } as const;
    spec.given([enrolled]).when(erase).then([erased]);
    spec.given([enrolled, erased]).when(erase).thenNothingHappens();
    spec
      .given([enrolled, erased])
      .when({ kind: 'change-roles', personId: 'dc-1', roles: ['admin'] })
      .thenThrows(InvalidTransitionError);
  });
});
