import { ProblemError } from '@soc/event-store';

/** Errors the security layer raises. */
export abstract class SecurityError extends ProblemError {}

/** The caller may know the record exists but may not do this with it. */
export class AccessDeniedError extends SecurityError {
  readonly status = 403;
  readonly code = 'access-denied';
}

/**
 * The caller may not read the record, but its owner allows signposting: the answer names the
 * organisation that holds it, so the caller can ask for access.
 */
export class SignpostedRecordError extends SecurityError {
  readonly status = 403;
  readonly code = 'signposted';
  constructor(
    readonly recordType: string,
    readonly recordId: string,
    readonly holderOrganisationId: string,
  ) {
    super(
      `This ${recordType} exists but is not shared with your organisation; ask ${holderOrganisationId} for access`,
    );
  }
}

/** Said for records that do not exist and for records the caller may not learn exist alike. */
export class RecordNotFoundError extends SecurityError {
  readonly status = 404;
  readonly code = 'not-found';
  constructor(recordType: string, recordId: string) {
    super(`No ${recordType} ${recordId}`);
  }
}

/** A read of personal data without a stated purpose (Data Protection Act 2018, s. 62). */
export class PurposeRequiredError extends SecurityError {
  readonly status = 400;
  readonly code = 'purpose-required';
  constructor() {
    super(
      'This request discloses personal data: state why in the X-Purpose header (3 to 500 characters)',
    );
  }
}

/** An X-Purpose that is not a short printable text. */
export class PurposeMalformedError extends SecurityError {
  readonly status = 400;
  readonly code = 'purpose-malformed';
  constructor() {
    super(
      'X-Purpose must be 3 to 500 characters of text (UTF-8), without control, unassigned, private-use or bidirectional-override characters',
    );
  }
}

/** Authentication failed; the answer says no more than that. */
export class UnauthenticatedError extends SecurityError {
  readonly status = 401;
  readonly code = 'unauthenticated';
  constructor() {
    super('Invalid or missing bearer token');
  }
}
