import type { Principal, Role } from '../principal.js';
import { decide, mayUse, relationOf } from './access-policy.js';
import { enforce } from './enforce.js';
import { AccessDeniedError, RecordNotFoundError, SignpostedRecordError } from '../errors.js';

const caller = (organisationId: string, ...roles: Role[]): Principal => ({
  personId: `p-${organisationId}`,
  organisationId,
  roles,
});
const personOf = (organisationId: string) => ({
  type: 'person',
  id: 'x',
  ownerOrganisationId: organisationId,
});

describe('access policy', () => {
  it('names the relation of the caller’s organisation to a record', () => {
    const record = {
      ownerOrganisationId: 'cleveland-police',
      partyOrganisationIds: ['durham-childrens-services'],
      sharedWithOrganisationIds: ['hmrc'],
    };
    expect(relationOf(caller('cleveland-police'), record)).toBe('owner');
    expect(relationOf(caller('durham-childrens-services'), record)).toBe('party');
    expect(relationOf(caller('hmrc'), record)).toBe('shared');
    expect(relationOf(caller('nca'), record)).toBe('none');
  });

  it.each([
    // role, caller organisation, allowed to read a Cleveland person's data
    ['analyst', 'cleveland-police', true],
    ['partner-officer', 'cleveland-police', true],
    ['analyst', 'durham-constabulary', false],
    ['admin', 'durham-constabulary', false],
    ['auditor', 'hmicfrs', true],
  ] as const)('person:read by %s of %s: %s', (role, organisation, allowed) => {
    expect(
      decide(caller(organisation, role), 'person:read', personOf('cleveland-police')).allowed,
    ).toBe(allowed);
  });

  it('lets only admins of the same organisation enrol, change roles and erase', () => {
    for (const permission of ['person:enrol', 'person:change-roles', 'person:erase'] as const) {
      expect(
        decide(caller('cleveland-police', 'admin'), permission, personOf('cleveland-police'))
          .allowed,
      ).toBe(true);
      expect(
        decide(caller('durham-constabulary', 'admin'), permission, personOf('cleveland-police'))
          .allowed,
      ).toBe(false);
      expect(
        decide(
          caller('cleveland-police', 'lro', 'analyst'),
          permission,
          personOf('cleveland-police'),
        ).allowed,
      ).toBe(false);
      expect(
        decide(caller('hmicfrs', 'auditor'), permission, personOf('cleveland-police')).allowed,
      ).toBe(false);
    }
  });

  it('keeps the access log for auditors and lets nobody without a role do anything', () => {
    expect(mayUse(caller('nersou', 'auditor'), 'access-log:read')).toBe(true);
    expect(mayUse(caller('nersou', 'admin', 'lro', 'analyst'), 'access-log:read')).toBe(false);
    expect(mayUse(caller('nersou'), 'organisation:read')).toBe(false);
  });

  it('does not disclose an OFFICIAL-SENSITIVE record through a share, only to owner and parties', () => {
    const record = {
      ownerOrganisationId: 'cleveland-police',
      sharedWithOrganisationIds: ['hmrc'],
      partyOrganisationIds: ['middlesbrough-childrens-services'],
      marking: 'OFFICIAL-SENSITIVE' as const,
    };
    expect(decide(caller('hmrc', 'partner-officer'), 'person:read', record).allowed).toBe(false);
    expect(
      decide(caller('hmrc', 'partner-officer'), 'person:read', { ...record, marking: 'OFFICIAL' })
        .allowed,
    ).toBe(false);
    expect(decide(caller('hmicfrs', 'auditor'), 'person:read', record).allowed).toBe(true);
  });

  it('answers 404 to the unrelated, 403 to the related, and names the holder when signposting is allowed', () => {
    expect(() =>
      enforce(
        caller('durham-constabulary', 'analyst'),
        'person:read',
        personOf('cleveland-police'),
      ),
    ).toThrow(RecordNotFoundError);
    expect(() =>
      enforce(caller('cleveland-police', 'analyst'), 'person:erase', personOf('cleveland-police')),
    ).toThrow(AccessDeniedError);
    expect(() =>
      enforce(caller('durham-constabulary', 'analyst'), 'person:read', {
        ...personOf('cleveland-police'),
        signposting: true,
      }),
    ).toThrow(SignpostedRecordError);
    try {
      enforce(caller('durham-constabulary', 'analyst'), 'person:read', {
        ...personOf('cleveland-police'),
        signposting: true,
      });
    } catch (error) {
      expect(error).toMatchObject({ status: 403, holderOrganisationId: 'cleveland-police' });
    }
  });
});
