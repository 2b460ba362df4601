/** Raised when personal data cannot be sealed or opened; none of them carries key material. */
export abstract class PersonalDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The configured master key is not a base64 encoding of exactly 32 bytes. */
export class InvalidMasterKeyError extends PersonalDataError {}

/** A subject id that does not read `<kind>:<id>`. */
export class InvalidSubjectIdError extends PersonalDataError {
  readonly status = 400;
  readonly code = 'invalid-subject-id';
  constructor(readonly subjectId: string) {
    super(
      `Malformed subject id ${JSON.stringify(subjectId).slice(0, 220)}: expected "<kind>:<id>", e.g. "person:0197...", at most 200 characters`,
    );
  }
}

/** The subject was erased: nothing new may be written about them under a key. */
export class SubjectErasedError extends PersonalDataError {
  readonly status = 410;
  readonly code = 'subject-erased';
  constructor(readonly subjectId: string) {
    super(`The personal data of ${subjectId} was erased; no more can be recorded about them`);
  }
}

/**
 * A stored subject key does not open under the master key: the wrong MASTER_KEY is configured,
 * or the row was altered. Deliberately without an HTTP status: it answers as a plain 500.
 */
export class SubjectKeyUnwrapError extends PersonalDataError {
  constructor(readonly subjectId: string) {
    super(
      `The key of ${subjectId} does not open under the configured master key (wrong MASTER_KEY, or the stored key was altered)`,
    );
  }
}

/**
 * A sealed value that cannot be trusted: malformed, altered, moved to another subject, or naming
 * a subject that has no key row at all. Never answered with garbage; a plain 500.
 */
export class PersonalDataIntegrityError extends PersonalDataError {
  constructor(
    readonly subjectId: string | null,
    readonly reason: string,
  ) {
    super(`Sealed personal data${subjectId ? ` of ${subjectId}` : ''} failed its check: ${reason}`);
  }
}

/** An erasure must say who made it and why. */
export class InvalidErasureRequestError extends PersonalDataError {
  readonly status = 400;
  readonly code = 'invalid-erasure-request';
}
