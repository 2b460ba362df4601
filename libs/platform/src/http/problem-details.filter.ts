import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  databaseConnectionFailures,
  type DatabaseOutages,
  isDatabaseUnavailable,
} from '../database/database-outages.js';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** RFC 9457 problem details: `application/problem+json`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** An error that knows how the API should answer it; domain and store errors take this shape. */
interface ErrorWithStatus extends Error {
  status: number;
  code: string;
}

function hasStatus(error: unknown): error is ErrorWithStatus {
  if (!(error instanceof Error)) return false;
  const candidate = error as Partial<ErrorWithStatus>;
  return (
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 600 &&
    typeof candidate.code === 'string'
  );
}

/** Raised by the validation pipe: one entry per offending field. */
export class ValidationProblem extends HttpException {
  constructor(readonly errors: FieldError[]) {
    super('The request is not valid', HttpStatus.BAD_REQUEST);
  }
}

/**
 * An error the HTTP layer raises itself, rendered as `/problems/<code>`; `headers` go on the
 * answer (e.g. `Retry-After`) and stay out of the document.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const PROBLEM_BASE = '/problems/';
const NOT_EXTENSIONS = ['status', 'code', 'name', 'message', 'stack', 'headers'];

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Seconds a client is asked to wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

const databaseUnavailable = (instance?: string): ProblemDocument => ({
  type: `${PROBLEM_BASE}database-unavailable`,
  title: titles[503],
  status: 503,
  detail:
    'The database cannot be reached just now; try again in a few seconds. A command that got ' +
    'this answer may or may not have been recorded: retry it with the same Idempotency-Key, or ' +
    'check before repeating one that creates a record.',
  instance,
});

/** What a caller may learn from an error: never a stack, never an internal message for a 5xx. */
export function toProblem(error: unknown, instance?: string): ProblemDocument {
  if (error instanceof ValidationProblem) {
    return {
      type: `${PROBLEM_BASE}validation`,
      title: 'Validation failed',
      status: 400,
      detail: 'One or more fields are not valid',
      instance,
      errors: error.errors,
    };
  }
  if (hasStatus(error)) {
    const extensions = Object.fromEntries(
      Object.entries(error).filter(([key]) => !NOT_EXTENSIONS.includes(key)),
    );
    return {
      ...extensions,
      type: `${PROBLEM_BASE}${error.code}`,
      title: titles[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      instance,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail =
      typeof body === 'string'
        ? body
        : String((body as { message?: unknown }).message ?? error.message);
    return { type: 'about:blank', title: titles[status] ?? error.name, status, detail, instance };
  }
  if (isDatabaseUnavailable(error)) return databaseUnavailable(instance);
  return {
    type: 'about:blank',
    title: titles[500],
    status: 500,
    detail: 'An unexpected error occurred; it has been logged',
    instance,
  };
}

/** Headers an error asks for; those already set on the response (CORS, rate limits) are kept. */
function headersOf(error: unknown, problem: ProblemDocument): [string, string][] {
  if (problem.type === `${PROBLEM_BASE}database-unavailable`) {
    return [['Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)]];
  }
  const headers = error instanceof HttpProblem ? error.headers : {};
  return Object.entries(headers);
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  /** `outages` hears of requests that failed for want of the database (logged once per outage). */
  constructor(private readonly outages?: DatabaseOutages) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = toProblem(error, request.originalUrl);
    if (problem.status === 503 && isDatabaseUnavailable(error)) this.reportOutage(error);
    else if (problem.status >= 500) this.logger.error(error);
    for (const [name, value] of headersOf(error, problem)) response.setHeader(name, value);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private reportOutage(error: unknown): void {
    if (this.outages) this.outages.report('http', error);
    else databaseConnectionFailures.inc({ component: 'http' });
  }
}
