import { cachedPersonLookup, type PersonLookup } from './person-lookup.js';

/** A directory that counts its queries and answers from a set of "person@organisation". */
function directory(enrolled: Set<string>) {
  const asked: string[] = [];
  const lookup: PersonLookup = {
    async isEnrolled(personId, organisationId) {
      asked.push(personId);
      if (personId === 'broken') throw new Error('database unavailable');
      return enrolled.has(`${personId}@${organisationId}`);
    },
  };
  return { lookup, asked };
}

describe('cachedPersonLookup', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('remembers a "yes" for 30 s and a "no" for 5 s', async () => {
    const enrolled = new Set(['ana@cleveland']);
    const { lookup, asked } = directory(enrolled);
    const cached = cachedPersonLookup(lookup, { now });
    expect(await cached.isEnrolled('ana', 'cleveland')).toBe(true);
    expect(await cached.isEnrolled('bob', 'cleveland')).toBe(false);
    enrolled.delete('ana@cleveland');
    enrolled.add('bob@cleveland');
    clock += 4_999;
    expect(await cached.isEnrolled('ana', 'cleveland')).toBe(true);
    expect(await cached.isEnrolled('bob', 'cleveland')).toBe(false);
    expect(asked).toEqual(['ana', 'bob']);
    clock += 1;
    expect(await cached.isEnrolled('bob', 'cleveland')).toBe(true);
    clock += 25_000;
    expect(await cached.isEnrolled('ana', 'cleveland')).toBe(false);
    expect(asked).toEqual(['ana', 'bob', 'bob', 'ana']);
  });

  it('keeps organisations apart and shares one query between simultaneous lookups', async () => {
    const { lookup, asked } = directory(new Set(['ana@cleveland']));
    const cached = cachedPersonLookup(lookup, { now });
    const answers = await Promise.all([
      cached.isEnrolled('ana', 'cleveland'),
      cached.isEnrolled('ana', 'cleveland'),
      cached.isEnrolled('ana', 'durham'),
    ]);
    expect(answers).toEqual([true, true, false]);
    expect(asked).toEqual(['ana', 'ana']);
  });

  it('does not remember failures', async () => {
    const { lookup, asked } = directory(new Set());
    const cached = cachedPersonLookup(lookup, { now });
    await expect(cached.isEnrolled('broken', 'cleveland')).rejects.toThrow(/unavailable/);
    await expect(cached.isEnrolled('broken', 'cleveland')).rejects.toThrow(/unavailable/);
    expect(asked).toEqual(['broken', 'broken']);
  });

  it('holds at most maxEntries answers, forgetting the oldest', async () => {
    const { lookup, asked } = directory(new Set());
    const cached = cachedPersonLookup(lookup, { now, maxEntries: 2 });
    for (const person of ['a', 'b', 'c', 'a']) await cached.isEnrolled(person, 'x');
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
  });
});
