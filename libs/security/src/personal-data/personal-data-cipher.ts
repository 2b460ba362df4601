import type { SealedPersonalData } from '@soc/contracts';
import { gcmDecrypt, gcmEncrypt } from './aes-gcm.js';
import { PersonalDataIntegrityError } from './errors.js';
import { assertSubjectId, isSubjectId } from './subject-id.js';
import type { KeyQueryable, SubjectKeySource } from './subject-keys.js';

/**
 * A personal value as stored inside an event payload (declared in the contracts): AES-256-GCM
 * under its subject's key, with the subject id as associated data (the value cannot be moved to
 * another subject). Binary parts are unpadded base64url.
 */
export type { SealedPersonalData };

/**
 * What `open` puts where a sealed value stood once its subject was erased: a view renders it as
 * "erased" (and may say whose data it was), e.g. `{ "$erased": true, "subject": "person:x" }`.
 */
export interface ErasedPersonalData {
  readonly $erased: true;
  readonly subject: string;
}

const SEALED_KEYS = ['$personal', 'data', 'iv', 'subject', 'tag'].join();
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function erasedMarker(subject: string): ErasedPersonalData {
  return { $erased: true, subject };
}

export function isErased(value: unknown): value is ErasedPersonalData {
  return (
    isPlainObject(value) &&
    value.$erased === true &&
    typeof value.subject === 'string' &&
    Object.keys(value).length === 2
  );
}

export function isSealed(value: unknown): value is SealedPersonalData {
  return (
    isPlainObject(value) &&
    Object.keys(value).sort().join() === SEALED_KEYS &&
    value.$personal === 1 &&
    ['subject', 'iv', 'data', 'tag'].every((key) => typeof value[key] === 'string')
  );
}

/** The distinct subjects whose data a (stored, sealed) payload holds, in order of appearance. */
export function subjectsIn(payload: unknown): string[] {
  const subjects = new Set<string>();
  forEachSealed(payload, (sealed) => subjects.add(sealed.subject));
  return [...subjects];
}

/**
 * Seals personal values before they go into an event, and opens payloads for a view. The events
 * themselves never change: erasing a subject's key turns their values into `ErasedPersonalData`.
 */
export class PersonalDataCipher {
  constructor(private readonly keys: SubjectKeySource) {}

  /** Seals any JSON value (string, number, object...) under the subject's key. */
  async seal(subjectId: string, value: unknown): Promise<SealedPersonalData> {
    assertSubjectId(subjectId);
    const plaintext = Buffer.from(personalJson(value), 'utf8');
    const { key } = await this.keys.keyForWriting(subjectId);
    const { iv, tag, ciphertext } = gcmEncrypt(key, plaintext, subjectId);
    return {
      $personal: 1,
      subject: subjectId,
      iv: iv.toString('base64url'),
      data: ciphertext.toString('base64url'),
      tag: tag.toString('base64url'),
    };
  }

  /**
   * A copy of the payload with every sealed value replaced by its plaintext, or by
   * `ErasedPersonalData` when its subject was erased; all keys are fetched in one call. Fields
   * typed as strings may therefore hold a marker: views must expect it (see `isErased`). `db`, when
   * given, is the connection to read the keys on (see `ScopedReader`'s `open`).
   */
  async open<T>(payload: T, db?: KeyQueryable): Promise<T> {
    const subjects = subjectsIn(payload);
    const keys = subjects.length > 0 ? await this.keys.keysForReading(subjects, db) : new Map();
    return mapSealed(payload, (sealed) => reveal(sealed, keys.get(sealed.subject))) as T;
  }
}

function reveal(sealed: SealedPersonalData, key: Buffer | 'erased' | undefined): unknown {
  if (key === 'erased') return erasedMarker(sealed.subject);
  if (!key) throw integrityError(sealed, 'its subject has no key: it was never sealed here');
  const plaintext = gcmDecrypt(
    key,
    {
      iv: decodeBase64url(sealed, sealed.iv),
      tag: decodeBase64url(sealed, sealed.tag),
      ciphertext: decodeBase64url(sealed, sealed.data),
    },
    sealed.subject,
  );
  if (!plaintext) {
    throw integrityError(
      sealed,
      'it does not authenticate: altered, or moved from another subject',
    );
  }
  return JSON.parse(plaintext.toString('utf8'));
}

function decodeBase64url(sealed: SealedPersonalData, text: string): Buffer {
  const bytes = BASE64URL.test(text) ? Buffer.from(text, 'base64url') : null;
  // Re-encoding catches characters Node would skip and changed padding bits.
  if (bytes?.toString('base64url') !== text) throw integrityError(sealed, 'malformed base64url');
  return bytes;
}

function integrityError(sealed: SealedPersonalData, reason: string): PersonalDataIntegrityError {
  return new PersonalDataIntegrityError(sealed.subject, reason);
}

/** JSON text of a personal value; refuses what JSON cannot carry faithfully or already sealed data. */
function personalJson(value: unknown): string {
  if (containsSealed(value)) throw new TypeError('Personal data cannot be sealed twice');
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) {
      throw new TypeError('Non-finite numbers have no JSON form');
    }
    return item;
  });
  if (json === undefined) throw new TypeError(`A ${typeof value} has no JSON form`);
  return json;
}

function containsSealed(value: unknown): boolean {
  try {
    return subjectsIn(value).length > 0;
  } catch {
    return true;
  }
}

/**
 * Visits every sealed value. Any object with a `$personal` member must be a well-formed sealed
 * value: passing a near miss through would hand a view ciphertext as if it were data.
 */
function forEachSealed(value: unknown, visit: (sealed: SealedPersonalData) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachSealed(item, visit);
  } else if (isPlainObject(value)) {
    if (Object.hasOwn(value, '$personal')) visit(wellFormed(value));
    else for (const item of Object.values(value)) forEachSealed(item, visit);
  }
}

function wellFormed(value: Record<string, unknown>): SealedPersonalData {
  if (!isSealed(value) || !isSubjectId(value.subject)) {
    const subject = typeof value.subject === 'string' ? value.subject : null;
    throw new PersonalDataIntegrityError(subject, 'malformed sealed value');
  }
  return value;
}

/** A deep copy with each sealed value replaced; `fromEntries` keeps a `__proto__` key a plain key. */
function mapSealed(value: unknown, replace: (sealed: SealedPersonalData) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mapSealed(item, replace));
  if (!isPlainObject(value)) return value;
  if (isSealed(value)) return replace(value);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, mapSealed(item, replace)]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
