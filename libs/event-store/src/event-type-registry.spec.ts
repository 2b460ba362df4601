import { allEventContracts, defineEvent, PersonEnrolled } from '@soc/contracts';
import { InvalidAppendError } from './errors.js';
import { EventTypeRegistry } from './event-type-registry.js';

describe('EventTypeRegistry', () => {
  const registry = new EventTypeRegistry(allEventContracts);

  it('knows the current version of declared types and refuses undeclared ones', () => {
    expect(registry.currentVersion(PersonEnrolled.type)).toBe(3);
    expect(() => registry.currentVersion('directory.PersonVanished')).toThrow(InvalidAppendError);
  });

  it('upcasts a v1 person (one role) through v2 (a list of roles) to v3 (a sealable name)', () => {
    const v1 = {
      personId: 'p1',
      organisationId: 'durham-constabulary',
      displayName: 'D. Officer',
      role: 'lro',
    };
    expect(registry.upcast(PersonEnrolled.type, 1, v1)).toEqual({
      schemaVersion: 3,
      data: {
        personId: 'p1',
        organisationId: 'durham-constabulary',
        displayName: 'D. Officer',
        roles: ['lro'],
      },
    });
  });

  it('leaves current payloads untouched', () => {
    const v3 = { personId: 'p1', organisationId: 'x', displayName: 'X', roles: ['auditor'] };
    expect(registry.upcast(PersonEnrolled.type, 3, v3)).toEqual({ schemaVersion: 3, data: v3 });
  });

  it('chains upcasters across several versions', () => {
    const Renamed = defineEvent<{ fullName: string; team: string }>()('directory.TeamJoined', 3, {
      1: (v1: { name: string }) => ({ fullName: v1.name }),
      2: (v2: { fullName: string }) => ({ ...v2, team: 'unknown' }),
    });
    expect(new EventTypeRegistry([Renamed]).upcast(Renamed.type, 1, { name: 'A' })).toEqual({
      schemaVersion: 3,
      data: { fullName: 'A', team: 'unknown' },
    });
  });

  it('refuses a type declared twice', () => {
    expect(() => new EventTypeRegistry([PersonEnrolled, PersonEnrolled])).toThrow(/declared twice/);
  });
});
