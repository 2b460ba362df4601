import {
  allEventContracts,
  defineEvent,
  eventOf,
  OrganisationRegistered,
  threatEvents,
} from './index.js';

describe('event contracts', () => {
  it('name every event <context>.<PastTense> with its context', () => {
    for (const contract of allEventContracts) {
      expect(contract.type).toMatch(/^[a-z-]+\.[A-Z][A-Za-z0-9]+$/);
      expect(contract.type.startsWith(`${contract.context}.`)).toBe(true);
    }
  });

  it('refuse a malformed name or a version without an upcaster from the one before', () => {
    expect(() => defineEvent()('OrganisationRegistered', 1)).toThrow(/context/);
    expect(() => defineEvent()('directory.ThingChanged', 0)).toThrow(/schema version/);
    expect(() => defineEvent()('directory.ThingChanged', 3, { 1: (p: never) => p })).toThrow(/v2/);
  });

  it('build typed events', () => {
    expect(
      eventOf(OrganisationRegistered, {
        organisationId: 'hmrc',
        name: 'HMRC',
        kind: 'national-agency',
      }),
    ).toEqual({
      type: 'directory.OrganisationRegistered',
      data: { organisationId: 'hmrc', name: 'HMRC', kind: 'national-agency' },
    });
  });

  it('declare former names beside upcasters, and refuse malformed or repeated ones', () => {
    const upcaster = (p: never) => p;
    const Renamed = defineEvent()('threats.ThingMoved', 2, {
      upcasters: { 1: upcaster },
      formerly: ['plans.ThingMoved'],
    });
    expect(Renamed).toMatchObject({
      type: 'threats.ThingMoved',
      context: 'threats',
      schemaVersion: 2,
      upcasters: { 1: upcaster },
      formerly: ['plans.ThingMoved'],
    });
    expect(defineEvent()('threats.ThingMoved', 1).formerly).toEqual([]);
    expect(() =>
      defineEvent()('threats.ThingMoved', 2, { formerly: ['plans.ThingMoved'] }),
    ).toThrow(/v1/);
    expect(() => defineEvent()('threats.ThingMoved', 1, { formerly: ['ThingMoved'] })).toThrow(
      /Former name/,
    );
    expect(() =>
      defineEvent()('threats.ThingMoved', 1, { formerly: ['threats.ThingMoved'] }),
    ).toThrow(/itself/);
    expect(() =>
      defineEvent()('threats.ThingMoved', 1, {
        formerly: ['plans.ThingMoved', 'plans.ThingMoved'],
      }),
    ).toThrow(/twice/);
  });

  it('name the threats context threats.*, each event formerly plans.*', () => {
    expect(threatEvents.length).toBeGreaterThan(0);
    for (const contract of threatEvents) {
      expect(contract.context).toBe('threats');
      expect(contract.formerly).toEqual([contract.type.replace(/^threats\./, 'plans.')]);
    }
    expect(allEventContracts.filter((c) => c.context === 'plans')).toEqual([]);
  });
});
