import { SecurityError } from '../errors.js';

/**
 * Whether a person is enrolled, and not erased, in an organisation. The directory answers it;
 * security only defines the question, so that it depends on no context.
 */
export interface PersonLookup {
  isEnrolled(personId: string, organisationId: string): Promise<boolean>;
}

/** The Nest token a context provides its PersonLookup under (the directory does). */
export const PERSON_LOOKUP = Symbol('PERSON_LOOKUP');

/** A valid token naming a person the directory does not know in the token's organisation. */
export class UnknownPersonError extends SecurityError {
  readonly status = 401;
  readonly code = 'unknown-person';
  constructor(personId: string, organisationId: string) {
    super(
      `The token is valid, but ${personId} is not an enrolled person of ${organisationId} in the directory (never enrolled, enrolled elsewhere, or erased): ask an administrator of ${organisationId} to enrol them`,
    );
  }
}

export interface PersonLookupCacheOptions {
  /** How long a "yes" is believed: an erasure takes at most this long to shut the person out. */
  enrolledTtlMs?: number;
  /** How long a "no" is believed: a new enrolment takes at most this long to be let in. */
  unknownTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_ENROLLED_TTL_MS = 30_000;
export const DEFAULT_UNKNOWN_TTL_MS = 5_000;
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Remembers each answer for a short while, so that a caller's requests do not each cost a
 * query; lookups of the same person at the same time share one. Failures are not remembered.
 */
export function cachedPersonLookup(
  lookup: PersonLookup,
  options: PersonLookupCacheOptions = {},
): PersonLookup {
  const enrolledTtl = options.enrolledTtlMs ?? DEFAULT_ENROLLED_TTL_MS;
  const unknownTtl = options.unknownTtlMs ?? DEFAULT_UNKNOWN_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { enrolled: Promise<boolean>; until: number }>();

  return {
    isEnrolled(personId, organisationId) {
      const key = JSON.stringify([personId, organisationId]);
      const cached = answers.get(key);
      if (cached && cached.until > now()) return cached.enrolled;
      answers.delete(key);
      if (answers.size >= maxEntries) answers.delete(answers.keys().next().value as string);
      const entry = { enrolled: lookup.isEnrolled(personId, organisationId), until: Infinity };
      answers.set(key, entry);
      entry.enrolled.then(
        (enrolled) => (entry.until = now() + (enrolled ? enrolledTtl : unknownTtl)),
        () => answers.get(key) === entry && answers.delete(key),
      );
      return entry.enrolled;
    },
  };
}
