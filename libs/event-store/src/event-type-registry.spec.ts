import { allEventContracts, defineEvent, PersonEnrolled, ThreatRegistered } from '@soc/contracts';
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

  describe('types renamed since (formerly)', () => {
    const Renamed = defineEvent<{ fullName: string }>()('threats.WitnessNamed', 2, {
      upcasters: { 1: (v1: { name: string }) => ({ fullName: v1.name }) },
      formerly: ['plans.WitnessNamed', 'cases.WitnessNamed'],
    });
    const renamed = new EventTypeRegistry([Renamed]);

    it('reads every former name as the current one, and leaves other names alone', () => {
      expect(renamed.currentType('plans.WitnessNamed')).toBe('threats.WitnessNamed');
      expect(renamed.currentType('cases.WitnessNamed')).toBe('threats.WitnessNamed');
      expect(renamed.currentType('threats.WitnessNamed')).toBe('threats.WitnessNamed');
      expect(renamed.currentType('plans.SomethingElse')).toBe('plans.SomethingElse');
    });

    it('upcasts a payload stored under a former name with the current contract', () => {
      expect(renamed.upcast('plans.WitnessNamed', 1, { name: 'A' })).toEqual({
        schemaVersion: 2,
        data: { fullName: 'A' },
      });
    });

    it('refuses a former name on append, naming the current one', () => {
      expect(() => renamed.currentVersion('plans.WitnessNamed')).toThrow(InvalidAppendError);
      expect(() => renamed.currentVersion('plans.WitnessNamed')).toThrow(/threats\.WitnessNamed/);
      expect(renamed.currentVersion('threats.WitnessNamed')).toBe(2);
    });

    it('maps the threats context plans.* names of the contracts to threats.*', () => {
      expect(registry.currentType('plans.ThreatRegistered')).toBe(ThreatRegistered.type);
      expect(ThreatRegistered.type).toBe('threats.ThreatRegistered');
      expect(() => registry.currentVersion('plans.ThreatRegistered')).toThrow(InvalidAppendError);
    });

    it("refuses a former name that is a declared type or another type's former name", () => {
      const Other = defineEvent()('threats.WitnessNamed', 1);
      const Claims = defineEvent()('threats.WitnessHeard', 1, {
        formerly: ['threats.WitnessNamed'],
      });
      expect(() => new EventTypeRegistry([Other, Claims])).toThrow(/already holds/);
      const Twin = defineEvent()('threats.WitnessHeard', 1, { formerly: ['plans.WitnessNamed'] });
      expect(() => new EventTypeRegistry([Renamed, Twin])).toThrow(/already holds/);
    });
  });
});
