import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { PersonalDataIntegrityError, SubjectErasedError } from './errors.js';
import {
  isErased,
  isSealed,
  PersonalDataCipher,
  type SealedPersonalData,
  subjectsIn,
} from './personal-data-cipher.js';
import type { SubjectDataKey, SubjectKeySource } from './subject-keys.js';

/** Keys in memory, counting reads; `shared` gives every subject the same key. */
class FakeKeySource implements SubjectKeySource {
  readonly keys = new Map<string, Buffer | 'erased'>();
  reads = 0;

  constructor(private readonly shared?: Buffer) {}

  async keyForWriting(subjectId: string): Promise<SubjectDataKey> {
    const key = this.keys.get(subjectId) ?? this.shared ?? randomBytes(32);
    if (key === 'erased') throw new SubjectErasedError(subjectId);
    this.keys.set(subjectId, key);
    return { key };
  }

  async keysForReading(subjectIds: readonly string[]): Promise<Map<string, Buffer | 'erased'>> {
    this.reads++;
    return new Map(
      subjectIds.flatMap((id) => (this.keys.has(id) ? [[id, this.keys.get(id)!] as const] : [])),
    );
  }
}

describe('PersonalDataCipher', () => {
  let keys: FakeKeySource;
  let cipher: PersonalDataCipher;

  beforeEach(() => {
    keys = new FakeKeySource();
    cipher = new PersonalDataCipher(keys);
  });

  it('round-trips strings, numbers, objects and nested arrays', async () => {
    const values = ['Jane Doe', '', 42, null, true, { dob: '1990-01-01', tags: ['a', 1] }];
    for (const value of values) {
      const sealed = await cipher.seal('person:jane', value);
      expect(isSealed(sealed)).toBe(true);
      await expect(cipher.open(sealed)).resolves.toEqual(value);
    }
  });

  it('keeps no plaintext in the sealed form', async () => {
    const sealed = await cipher.seal('person:jane', 'Jane Doe');
    expect(JSON.stringify(sealed)).not.toMatch(/Jane|Doe/);
    expect(Object.keys(sealed).sort()).toEqual(['$personal', 'data', 'iv', 'subject', 'tag']);
  });

  it('opens every sealed value of a payload with one key read, leaving the input as it was', async () => {
    const payload = {
      personId: 'p1',
      displayName: await cipher.seal('person:a', 'Ann'),
      contacts: [
        { name: await cipher.seal('person:b', 'Bob'), phone: await cipher.seal('person:b', '01') },
        [await cipher.seal('person:a', { street: 'High St' })],
      ],
    };
    const stored = structuredClone(payload);
    const opened = await cipher.open(payload);
    expect(opened).toEqual({
      personId: 'p1',
      displayName: 'Ann',
      contacts: [{ name: 'Bob', phone: '01' }, [{ street: 'High St' }]],
    });
    expect(keys.reads).toBe(1);
    expect(payload).toEqual(stored);
    expect(subjectsIn(payload)).toEqual(['person:a', 'person:b']);
  });

  it('reads no keys for a payload without personal data', async () => {
    await expect(cipher.open({ a: [1, { b: 'c' }] })).resolves.toEqual({ a: [1, { b: 'c' }] });
    expect(keys.reads).toBe(0);
  });

  it('refuses a sealed value moved to another subject, even under the same key', async () => {
    const shared = new PersonalDataCipher(new FakeKeySource(randomBytes(32)));
    await shared.seal('person:b', 'anything');
    const sealed = await shared.seal('person:a', 'Ann');
    await expect(shared.open({ ...sealed, subject: 'person:b' })).rejects.toThrow(
      PersonalDataIntegrityError,
    );
  });

  it.each(['iv', 'data', 'tag'] as const)(
    'refuses a sealed value whose %s was altered',
    async (part) => {
      const sealed = await cipher.seal('person:a', 'Ann Example');
      for (const position of [0, sealed[part].length - 1]) {
        const tampered = { ...sealed, [part]: flipCharacter(sealed[part], position) };
        await expect(cipher.open({ name: tampered })).rejects.toThrow(PersonalDataIntegrityError);
      }
    },
  );

  it('refuses malformed sealed values and subjects with no key at all', async () => {
    const sealed = await cipher.seal('person:a', 'Ann');
    const unknownSubject = await new PersonalDataCipher(new FakeKeySource()).seal(
      'person:z',
      'Zed',
    );
    const malformed: unknown[] = [
      unknownSubject,
      { ...sealed, extra: 1 },
      { ...sealed, $personal: 2 },
      { ...sealed, subject: 'not a subject' },
      { ...sealed, iv: `${sealed.iv}=` },
      { $personal: 1 },
    ];
    for (const value of malformed) {
      await expect(cipher.open([value])).rejects.toThrow(PersonalDataIntegrityError);
    }
  });

  it('shows an erased subject as the marker, and opens the others', async () => {
    const payload = {
      a: await cipher.seal('person:a', 'Ann'),
      b: await cipher.seal('person:b', 'Bob'),
    };
    keys.keys.set('person:a', 'erased');
    const opened = await cipher.open(payload);
    expect(opened).toEqual({ a: { $erased: true, subject: 'person:a' }, b: 'Bob' });
    expect(isErased(opened.a)).toBe(true);
    await expect(cipher.seal('person:a', 'Ann again')).rejects.toThrow(SubjectErasedError);
  });

  it('refuses values JSON cannot carry and values already sealed', async () => {
    for (const value of [undefined, Number.NaN, { n: Infinity }, 1n, () => 1]) {
      await expect(cipher.seal('person:a', value)).rejects.toThrow(TypeError);
    }
    const sealed = await cipher.seal('person:a', 'Ann');
    await expect(cipher.seal('person:a', { inner: sealed })).rejects.toThrow(/sealed twice/);
  });

  it('opens what it sealed, for any JSON value with sealed parts (property)', async () => {
    const withSealedParts = anyShape.filter((shape) => subjectsOf(shape).size > 0);
    const property = fc.asyncProperty(withSealedParts, async (shape) => {
      const sealed = await sealParts(cipher, shape);
      expect(await cipher.open(sealed)).toEqual(plain(shape));
      expect(subjectsIn(sealed).sort()).toEqual([...subjectsOf(shape)].sort());
    });
    await fc.assert(property, { numRuns: 200 });
  });
});

function flipCharacter(text: string, position: number): string {
  const replacement = text[position] === 'A' ? 'B' : 'A';
  return `${text.slice(0, position)}${replacement}${text.slice(position + 1)}`;
}

/** A JSON value in which some parts are to be sealed for a subject. */
type Shape =
  | { kind: 'plain'; value: fc.JsonValue }
  | { kind: 'sealed'; subject: string; value: fc.JsonValue }
  | { kind: 'array'; items: Shape[] }
  | { kind: 'object'; members: [string, Shape][] };

const memberName = fc.string().filter((name) => name !== '$personal');
// Through JSON and back: sealing promises JSON's meaning, in which -0 is 0.
const plainJson = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => JSON.parse(JSON.stringify(value)) as fc.JsonValue)
  .filter((value) => !JSON.stringify(value).includes('"$personal"'));

const { shape: anyShape } = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    plainJson.map((value): Shape => ({ kind: 'plain', value })),
    fc
      .record({
        subject: fc.constantFrom('person:a', 'person:b', 'subject:0190-x'),
        value: plainJson,
      })
      .map((part): Shape => ({ kind: 'sealed', ...part })),
    fc.array(tie('shape'), { maxLength: 4 }).map((items): Shape => ({ kind: 'array', items })),
    fc
      .uniqueArray(fc.tuple(memberName, tie('shape')), { maxLength: 4, selector: ([name]) => name })
      .map((members): Shape => ({ kind: 'object', members })),
  ),
}));

async function sealParts(cipher: PersonalDataCipher, shape: Shape): Promise<unknown> {
  switch (shape.kind) {
    case 'plain':
      return shape.value;
    case 'sealed':
      return cipher.seal(shape.subject, shape.value) as Promise<SealedPersonalData>;
    case 'array':
      return Promise.all(shape.items.map((item) => sealParts(cipher, item)));
    case 'object':
      return Object.fromEntries(
        await Promise.all(
          shape.members.map(async ([name, item]) => [name, await sealParts(cipher, item)]),
        ),
      );
  }
}

function plain(shape: Shape): unknown {
  switch (shape.kind) {
    case 'plain':
    case 'sealed':
      return shape.value;
    case 'array':
      return shape.items.map(plain);
    case 'object':
      return Object.fromEntries(shape.members.map(([name, item]) => [name, plain(item)]));
  }
}

function subjectsOf(shape: Shape): Set<string> {
  switch (shape.kind) {
    case 'plain':
      return new Set();
    case 'sealed':
      return new Set([shape.subject]);
    case 'array':
      return new Set(shape.items.flatMap((item) => [...subjectsOf(item)]));
    case 'object':
      return new Set(shape.members.flatMap(([, item]) => [...subjectsOf(item)]));
  }
}
