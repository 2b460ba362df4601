import { ProblemError } from './errors.js';

/** Refusals a decider raises. Outcomes the business cares about are events, not errors. */
export abstract class DomainError extends ProblemError {}

/** The command does not apply to the record in its current state. */
export class InvalidTransitionError extends DomainError {
  readonly status = 409;
  readonly code = 'invalid-transition';
}

export class AlreadyExistsError extends DomainError {
  readonly status = 409;
  readonly code = 'already-exists';
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'not-found';
}

/** Well-formed but against a business rule (a due date before the plan began...). */
export class RuleViolationError extends DomainError {
  readonly status = 422;
  readonly code = 'rule-violation';
}
