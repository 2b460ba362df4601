import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { gcmDecrypt, gcmEncrypt, IV_BYTES, KEY_BYTES, TAG_BYTES } from './aes-gcm.js';
import {
  InvalidErasureRequestError,
  InvalidMasterKeyError,
  SubjectErasedError,
  SubjectKeyUnwrapError,
} from './errors.js';
import { assertSubjectId } from './subject-id.js';

const WRAPPED_KEY_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;

/** A subject's data key. `keyId` is reserved for key rotation; a subject has one key today. */
export interface SubjectDataKey {
  readonly keyId?: string;
  readonly key: Buffer;
}

/** Where the cipher gets subject keys; `SubjectKeyStore` is the real one. */
export interface SubjectKeySource {
  keyForWriting(subjectId: string): Promise<SubjectDataKey>;
  /**
   * One entry per known subject: its key, or 'erased'. Unknown subjects are absent. `db` is a
   * connection the caller already holds (a read's own transaction), so a read never waits for a
   * second connection from the pool it is holding one of.
   */
  keysForReading(
    subjectIds: readonly string[],
    db?: KeyQueryable,
  ): Promise<Map<string, Buffer | 'erased'>>;
}

/** Anything that runs a query: the pool, or a connection already held. */
export type KeyQueryable = Pick<Pool, 'query'>;

export interface ErasureRequest {
  readonly personId: string;
  readonly organisationId: string;
  readonly reason: string;
}

export interface ErasureResult {
  readonly erasedAt: Date;
  /** True when the subject had been erased before: the first erasure's record stands. */
  readonly alreadyErased: boolean;
}

interface KeyRow {
  subject_id: string;
  wrapped_key: Buffer | null;
}

/**
 * One data key per data subject in `security.subject_keys`, wrapped (AES-256-GCM, the subject id
 * as associated data) by the master key and stored as iv | tag | ciphertext. Erasure deletes the
 * wrapped key and leaves a tombstone, so no key can be made for the subject again.
 *
 * Unwrapped keys are never cached across calls: another instance may erase a subject at any time.
 */
export class SubjectKeyStore implements SubjectKeySource {
  constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== KEY_BYTES) {
      throw new InvalidMasterKeyError(`The master key must be ${KEY_BYTES} bytes`);
    }
  }

  /** The subject's key, created on first use; refused once the subject is erased. */
  async keyForWriting(subjectId: string): Promise<SubjectDataKey> {
    assertSubjectId(subjectId);
    const existing = await this.row(subjectId);
    if (existing) return { key: this.usable(existing) };
    const key = randomBytes(KEY_BYTES);
    // Two separate statements: after a conflicting insert commits, the next one sees its row.
    const { rowCount } = await this.pool.query(
      `INSERT INTO security.subject_keys (subject_id, wrapped_key) VALUES ($1, $2)
       ON CONFLICT (subject_id) DO NOTHING`,
      [subjectId, this.wrap(subjectId, key)],
    );
    if (rowCount === 1) return { key };
    return { key: this.usable((await this.row(subjectId)) as KeyRow) };
  }

  async keysForReading(
    subjectIds: readonly string[],
    db: KeyQueryable = this.pool,
  ): Promise<Map<string, Buffer | 'erased'>> {
    const unique = [...new Set(subjectIds.map(assertSubjectId))];
    const keys = new Map<string, Buffer | 'erased'>();
    if (unique.length === 0) return keys;
    const { rows } = await db.query<KeyRow>({
      name: 'security-subject-keys-read',
      text: `SELECT subject_id, wrapped_key FROM security.subject_keys WHERE subject_id = ANY($1::text[])`,
      values: [unique],
    });
    for (const row of rows) {
      keys.set(
        row.subject_id,
        row.wrapped_key ? this.unwrap(row.subject_id, row.wrapped_key) : 'erased',
      );
    }
    return keys;
  }

  /**
   * Deletes the subject's key for good (crypto-shredding). Idempotent; erasing a subject that
   * never had a key still leaves a tombstone, so none can be created later.
   */
  async erase(subjectId: string, request: ErasureRequest): Promise<ErasureResult> {
    assertSubjectId(subjectId);
    assertErasureRequest(request);
    const { rows } = await this.pool.query<{ erased_at: Date }>(
      `INSERT INTO security.subject_keys AS k
         (subject_id, wrapped_key, erased_at, erased_by_person_id, erased_by_organisation_id, erasure_reason)
       VALUES ($1, NULL, now(), $2, $3, $4)
       ON CONFLICT (subject_id) DO UPDATE
         SET wrapped_key = NULL, erased_at = excluded.erased_at,
             erased_by_person_id = excluded.erased_by_person_id,
             erased_by_organisation_id = excluded.erased_by_organisation_id,
             erasure_reason = excluded.erasure_reason
         WHERE k.erased_at IS NULL
       RETURNING erased_at`,
      [subjectId, request.personId, request.organisationId, request.reason],
    );
    if (rows[0]) return { erasedAt: rows[0].erased_at, alreadyErased: false };
    const { rows: before } = await this.pool.query<{ erased_at: Date }>(
      'SELECT erased_at FROM security.subject_keys WHERE subject_id = $1',
      [subjectId],
    );
    return { erasedAt: before[0].erased_at, alreadyErased: true };
  }

  private async row(subjectId: string): Promise<KeyRow | undefined> {
    const { rows } = await this.pool.query<KeyRow>({
      name: 'security-subject-key-read',
      text: 'SELECT subject_id, wrapped_key FROM security.subject_keys WHERE subject_id = $1',
      values: [subjectId],
    });
    return rows[0];
  }

  private usable(row: KeyRow): Buffer {
    if (!row.wrapped_key) throw new SubjectErasedError(row.subject_id);
    return this.unwrap(row.subject_id, row.wrapped_key);
  }

  private wrap(subjectId: string, key: Buffer): Buffer {
    const { iv, tag, ciphertext } = gcmEncrypt(this.masterKey, key, subjectId);
    return Buffer.concat([iv, tag, ciphertext]);
  }

  private unwrap(subjectId: string, wrapped: Buffer): Buffer {
    const key =
      wrapped.length === WRAPPED_KEY_BYTES
        ? gcmDecrypt(
            this.masterKey,
            {
              iv: wrapped.subarray(0, IV_BYTES),
              tag: wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
              ciphertext: wrapped.subarray(IV_BYTES + TAG_BYTES),
            },
            subjectId,
          )
        : null;
    if (!key) throw new SubjectKeyUnwrapError(subjectId);
    return key;
  }
}

function assertErasureRequest({ personId, organisationId, reason }: ErasureRequest): void {
  const filled = (value: unknown) => typeof value === 'string' && value.trim().length > 0;
  if (!filled(personId) || !filled(organisationId)) {
    throw new InvalidErasureRequestError('An erasure needs who made it: person and organisation');
  }
  if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 500) {
    throw new InvalidErasureRequestError('An erasure needs a reason of 3 to 500 characters');
  }
}
