import { InvalidSubjectIdError } from './errors.js';

const SUBJECT_ID = /^[a-z][a-z0-9-]{0,62}:[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_SUBJECT_ID_LENGTH = 200;

/** `<kind>:<id>`, e.g. `person:0197c1f0-...` or `subject:0190...`, at most 200 characters. */
export function isSubjectId(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= MAX_SUBJECT_ID_LENGTH && SUBJECT_ID.test(value)
  );
}

export function assertSubjectId(value: string): string {
  if (!isSubjectId(value)) throw new InvalidSubjectIdError(String(value));
  return value;
}
