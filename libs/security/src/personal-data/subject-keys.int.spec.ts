import { randomBytes, randomUUID } from 'node:crypto';
import { PersonEnrolled, type PersonEnrolledV2 } from '@soc/contracts';
import { type EventStore, type GlobalLogSealer, IntegrityVerifier } from '@soc/event-store';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import {
  InvalidErasureRequestError,
  InvalidSubjectIdError,
  PersonalDataCipher,
  type SealedPersonalData,
  SubjectErasedError,
  SubjectKeyStore,
  SubjectKeyUnwrapError,
} from './index.js';

const erasure = {
  personId: 'dpo-1',
  organisationId: 'cleveland-police',
  reason: 'Right to erasure request 2025/17',
};

describe('subject keys and crypto-shredding (real PostgreSQL)', () => {
  let db: TestDatabase;
  let masterKey: Buffer;
  let keys: SubjectKeyStore;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());
  beforeEach(() => {
    masterKey = randomBytes(32);
    keys = new SubjectKeyStore(db.pool, masterKey);
  });

  const newSubject = () => `person:${randomUUID()}`;
  const storedRow = async (subjectId: string) =>
    (
      await db.pool.query<{
        wrapped_key: Buffer | null;
        erased_at: Date | null;
        erased_by_person_id: string | null;
        erased_by_organisation_id: string | null;
        erasure_reason: string | null;
      }>('SELECT * FROM security.subject_keys WHERE subject_id = $1', [subjectId])
    ).rows;

  it('creates a subject key once under 20 concurrent writers on two instances', async () => {
    const subject = newSubject();
    const twin = new SubjectKeyStore(db.pool, masterKey);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? keys : twin).keyForWriting(subject)),
    );
    expect(new Set(results.map(({ key }) => key.toString('hex'))).size).toBe(1);
    expect(results[0].key).toHaveLength(32);
    expect(await storedRow(subject)).toHaveLength(1);
    const again = await keys.keyForWriting(subject);
    expect(again.key.equals(results[0].key)).toBe(true);
  });

  it('stores the key wrapped, never as itself', async () => {
    const subject = newSubject();
    const { key } = await keys.keyForWriting(subject);
    const [{ wrapped_key: wrapped }] = await storedRow(subject);
    expect(wrapped).toHaveLength(12 + 16 + 32);
    expect(wrapped!.includes(key)).toBe(false);
    expect(wrapped!.includes(key.subarray(0, 8))).toBe(false);
  });

  it('cannot unwrap under another master key, nor a key moved to another subject', async () => {
    const subject = newSubject();
    await keys.keyForWriting(subject);
    const wrongMaster = new SubjectKeyStore(db.pool, randomBytes(32));
    await expect(wrongMaster.keyForWriting(subject)).rejects.toThrow(SubjectKeyUnwrapError);
    await expect(wrongMaster.keysForReading([subject])).rejects.toThrow(SubjectKeyUnwrapError);

    const other = newSubject();
    await db.pool.query(
      `INSERT INTO security.subject_keys (subject_id, wrapped_key)
       SELECT $2, wrapped_key FROM security.subject_keys WHERE subject_id = $1`,
      [subject, other],
    );
    await expect(keys.keysForReading([other])).rejects.toThrow(SubjectKeyUnwrapError);
  });

  it('reads many subjects in one query: keys, erased, and unknown left out', async () => {
    const [a, b, gone, unknown] = [newSubject(), newSubject(), newSubject(), newSubject()];
    const keyA = (await keys.keyForWriting(a)).key;
    const keyB = (await keys.keyForWriting(b)).key;
    await keys.keyForWriting(gone);
    await keys.erase(gone, erasure);
    const found = await keys.keysForReading([a, b, gone, unknown, a]);
    expect([...found.keys()].sort()).toEqual([a, b, gone].sort());
    expect((found.get(a) as Buffer).equals(keyA)).toBe(true);
    expect((found.get(b) as Buffer).equals(keyB)).toBe(true);
    expect(found.get(gone)).toBe('erased');
    await expect(keys.keysForReading([])).resolves.toEqual(new Map());
  });

  it('erases a subject for good: a tombstone, no new key, idempotent', async () => {
    const subject = newSubject();
    await keys.keyForWriting(subject);
    const first = await keys.erase(subject, erasure);
    expect(first.alreadyErased).toBe(false);
    expect(await storedRow(subject)).toEqual([
      expect.objectContaining({
        wrapped_key: null,
        erased_at: first.erasedAt,
        erased_by_person_id: 'dpo-1',
        erased_by_organisation_id: 'cleveland-police',
        erasure_reason: erasure.reason,
      }),
    ]);
    await expect(keys.keysForReading([subject])).resolves.toEqual(new Map([[subject, 'erased']]));
    await expect(keys.keyForWriting(subject)).rejects.toThrow(SubjectErasedError);

    const second = await keys.erase(subject, { ...erasure, personId: 'someone-else' });
    expect(second).toEqual({ erasedAt: first.erasedAt, alreadyErased: true });
    expect((await storedRow(subject))[0].erased_by_person_id).toBe('dpo-1');
  });

  it('erases a subject that never had a key, so none can be made later', async () => {
    const subject = newSubject();
    await expect(keys.erase(subject, erasure)).resolves.toMatchObject({ alreadyErased: false });
    await expect(keys.keyForWriting(subject)).rejects.toThrow(SubjectErasedError);
  });

  it('refuses malformed subject ids and erasures without who or why', async () => {
    for (const bad of ['', 'person', 'Person:x', 'person:', `person:${'x'.repeat(200)}`]) {
      await expect(keys.keyForWriting(bad)).rejects.toThrow(InvalidSubjectIdError);
      await expect(keys.keysForReading([bad])).rejects.toThrow(InvalidSubjectIdError);
    }
    await expect(keys.erase(newSubject(), { ...erasure, reason: ' ' })).rejects.toThrow(
      InvalidErasureRequestError,
    );
    await expect(keys.erase(newSubject(), { ...erasure, personId: '' })).rejects.toThrow(
      InvalidErasureRequestError,
    );
  });

  describe('crypto-shredding inside the event store', () => {
    let store: EventStore;
    let sealer: GlobalLogSealer;

    beforeAll(() => {
      ({ store, sealer } = eventStoreFor(db.pool));
    });
    afterAll(() => sealer.stop());

    /** The payload as stored; the sealed field stands where the contract declares a string. */
    const enrolment = (personId: string, displayName: SealedPersonalData) => ({
      type: PersonEnrolled.type,
      data: {
        personId,
        organisationId: 'cleveland-police',
        displayName: displayName as unknown as string,
        roles: ['analyst'],
      } satisfies PersonEnrolledV2,
    });

    const storedPayloads = async (streamId: string) =>
      (
        await db.pool.query<{ payload: string; hash: string }>(
          `SELECT payload::text AS payload, hash FROM event_store.events
            WHERE stream_id = $1 ORDER BY stream_version`,
          [streamId],
        )
      ).rows;

    it('keeps the events and their hash chains while the erased data becomes unreadable', async () => {
      const cipher = new PersonalDataCipher(keys);
      const personId = randomUUID();
      const subject = `person:${personId}`;
      const stream = `person:${personId}`;
      const bystanderId = randomUUID();
      const bystander = `person:${bystanderId}`;
      await store.append(
        `organisation:${randomUUID()}`,
        'no-stream',
        [organisationRegistered('cleveland-police')],
        appendMetadata(),
      );
      await store.append(
        stream,
        'no-stream',
        [
          enrolment(personId, await cipher.seal(subject, 'Jane Example')),
          enrolment(personId, await cipher.seal(subject, 'Jane Q. Example')),
        ],
        appendMetadata(),
      );
      await store.append(
        bystander,
        'no-stream',
        [enrolment(bystanderId, await cipher.seal(bystander, 'Bob Bystander'))],
        appendMetadata(),
      );
      const before = await storedPayloads(stream);
      expect(before.map((row) => row.payload).join()).not.toMatch(/Jane|Example/);

      const opened = await Promise.all(
        (await store.readStream(stream)).map((event) => cipher.open(event.data)),
      );
      expect(opened.map((data) => (data as PersonEnrolledV2).displayName)).toEqual([
        'Jane Example',
        'Jane Q. Example',
      ]);

      await keys.erase(subject, erasure);

      const afterErasure = await Promise.all(
        (await store.readStream(stream)).map((event) => cipher.open(event.data)),
      );
      for (const data of afterErasure) {
        expect(data).toEqual({
          personId,
          organisationId: 'cleveland-police',
          displayName: { $erased: true, subject },
          roles: ['analyst'],
        });
      }
      const [bob] = await store.readStream(bystander);
      expect(((await cipher.open(bob.data)) as PersonEnrolledV2).displayName).toBe('Bob Bystander');
      expect(await storedPayloads(stream)).toEqual(before);

      const verifier = new IntegrityVerifier(db.pool);
      await expect(verifier.verifyStream(stream)).resolves.toEqual({ ok: true, checked: 2 });
      await expect(verifier.verifyLog()).resolves.toEqual({ ok: true, checked: 4 });
    });
  });
});
