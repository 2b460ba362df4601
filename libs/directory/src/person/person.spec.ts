import { eventOf, PersonalDataErased, PersonEnrolled, PersonRolesChanged } from '@soc/contracts';
import { AlreadyExistsError, fold, InvalidTransitionError, NotFoundError } from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { personDecider, personStream, personSubject } from './person.js';

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
  it('refuses to erase someone never enrolled', () => {
    spec
      .given([])
      .when({ kind: 'erase', personId: 'dc-1', subjectId: 'person:dc-1', reason: 'no one' })
      .thenThrows(NotFoundError, 'No person dc-1');
  });

  it('refuses to enrol again a person whose data was erased', () => {
    spec
      .given([enrolled, erased])
      .when({
        kind: 'enrol',
        personId: 'dc-1',
        organisationId: 'durham-constabulary',
        displayName: 'D. Officer',
        roles: ['lro'],
      })
      .thenThrows(AlreadyExistsError);
  });

  it('takes the organisation for a role change and an erasure from the history, not the command', () => {
    const rolesChanged = eventOf(PersonRolesChanged, {
      personId: 'dc-1',
      organisationId: 'durham-constabulary',
      roles: ['analyst'],
    });
    spec
      .given([enrolled])
      .when({ kind: 'change-roles', personId: 'dc-1', roles: ['analyst'] })
      .then([rolesChanged]);
    spec
      .given([enrolled, rolesChanged])
      .when({
        kind: 'erase',
        personId: 'dc-1',
        subjectId: 'person:dc-1',
        reason: 'left the force; retention ended',
      })
      .then([erased]);
  });

  it('compares roles with the latest change, in any order', () => {
    const toChairAndLro = eventOf(PersonRolesChanged, {
      personId: 'dc-1',
      organisationId: 'durham-constabulary',
      roles: ['meeting-chair', 'lro'],
    });
    spec
      .given([enrolled, toChairAndLro])
      .when({ kind: 'change-roles', personId: 'dc-1', roles: ['lro', 'meeting-chair'] })
      .thenNothingHappens();
    spec
      .given([enrolled, toChairAndLro])
      .when({ kind: 'change-roles', personId: 'dc-1', roles: ['lro'] })
      .then([
        eventOf(PersonRolesChanged, {
          personId: 'dc-1',
          organisationId: 'durham-constabulary',
          roles: ['lro'],
        }),
      ]);
  });

  it('folds a history into who the person is now', () => {
    expect(fold(personDecider, [])).toEqual({ status: 'none' });
    expect(
      fold(personDecider, [
        enrolled,
        eventOf(PersonRolesChanged, {
          personId: 'dc-1',
          organisationId: 'durham-constabulary',
          roles: ['admin'],
        }),
        erased,
      ]),
    ).toEqual({
      status: 'enrolled',
      organisationId: 'durham-constabulary',
      roles: ['admin'],
      erased: true,
    });
  });

  it('names the stream and the data subject after the person', () => {
    expect(personStream('dc-1')).toBe('person:dc-1');
    expect(personSubject('dc-1')).toBe('person:dc-1');
  });
});
