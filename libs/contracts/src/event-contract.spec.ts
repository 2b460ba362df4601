import { allEventContracts, defineEvent, eventOf, OrganisationRegistered } from './index.js';

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
});
