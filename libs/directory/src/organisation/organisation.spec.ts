import { eventOf, OrganisationRegistered } from '@soc/contracts';
import { AlreadyExistsError, fold } from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { organisationDecider, organisationStream } from './organisation.js';

const spec = deciderSpecification(organisationDecider);
const register = {
  organisationId: 'cleveland-police',
  name: 'Cleveland Police',
  kind: 'police-force',
} as const;
const registered = eventOf(OrganisationRegistered, { ...register });

describe('organisation', () => {
  it('registers a new organisation with its name and kind', () => {
    spec.given([]).when(register).then([registered]);
  });

  it('refuses to register the same organisation twice, whatever the new name or kind', () => {
    spec
      .given([registered])
      .when({ ...register, name: 'Cleveland Constabulary', kind: 'rocu' })
      .thenThrows(AlreadyExistsError, 'Organisation cleveland-police is already registered');
  });

  it('remembers the registered name and kind', () => {
    expect(fold(organisationDecider, [registered])).toEqual({
      status: 'registered',
      name: 'Cleveland Police',
      kind: 'police-force',
    });
  });

  it('keeps each organisation in a stream of its own', () => {
    expect(organisationStream('cleveland-police')).toBe('organisation:cleveland-police');
  });
});
