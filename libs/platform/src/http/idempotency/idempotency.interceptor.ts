import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { catchError, mergeMap, type Observable, of } from 'rxjs';
import { HttpProblem } from '../problem-details.filter.js';
import { principalKey, type RequestWithPrincipal } from '../principal.js';
import {
  type Claim,
  type IdempotencyKeyOptions,
  IdempotencyKeys,
  type IdempotentRequest,
  type StoredKey,
  type StoredResponse,
} from './idempotency-keys.js';
import { requestHash } from './request-hash.js';

/** The pg pool holding `api.idempotency_keys`. */
export const IDEMPOTENCY_POOL = Symbol('IDEMPOTENCY_POOL');
export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

const COMMANDS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;
/** Response headers worth replaying; the rest are recomputed or belong to the first answer. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-location'];

/** The `Idempotency-Key` header of a command, if it sent one; a malformed one is refused. */
export function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key === 'string' && KEY.test(key)) return key;
  throw new HttpProblem(
    400,
    'idempotency-key-malformed',
    'Idempotency-Key must be 1 to 200 characters of A-Z, a-z, 0-9, _ . : -',
  );
}

function idempotentRequest(
  request: Request & RequestWithPrincipal,
  key: string,
): IdempotentRequest {
  const path = request.originalUrl;
  return {
    principal: principalKey(request) ?? 'anonymous',
    key,
    method: request.method,
    path,
    requestHash: requestHash(request.method, path, request.body),
  };
}

function isClaim(outcome: Claim | StoredKey): outcome is Claim {
  return 'claimedAt' in outcome;
}

function replayedHeaders(response: Response): Record<string, string> {
  return Object.fromEntries(
    REPLAYED_HEADERS.flatMap((name) => {
      const value = response.getHeader(name);
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
}

/**
 * Commands sent with an `Idempotency-Key` run once per principal and key: a retry of the same
 * request gets the first answer again (`Idempotent-Replayed: true`), a different request under
 * the same key a 422, a retry while the first is still running a 409. A command that fails
 * frees its key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  private readonly keys: IdempotencyKeys;

  constructor(
    @Inject(IDEMPOTENCY_POOL) pool: Pool,
    @Optional() @Inject(IDEMPOTENCY_OPTIONS) options: IdempotencyKeyOptions = {},
  ) {
    this.keys = new IdempotencyKeys(pool, options);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    if (!COMMANDS.has(request.method)) return next.handle();
    const key = idempotencyKeyOf(request);
    if (key === undefined) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    const sent = idempotentRequest(request, key);
    const outcome = await this.keys.claim(sent);
    if (isClaim(outcome)) return this.run(next, response, outcome);
    return this.answerAgain(response, sent, outcome);
  }

  private run(next: CallHandler, response: Response, claim: Claim): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) =>
        this.quietly('release', this.keys.release(claim)).then(() => {
          throw error;
        }),
      ),
      mergeMap(async (body: unknown) => {
        const answer = { status: response.statusCode, body, headers: replayedHeaders(response) };
        await this.quietly('complete', this.keys.complete(claim, answer));
        return body;
      }),
    );
  }

  private answerAgain(response: Response, sent: IdempotentRequest, stored: StoredKey) {
    if (stored.requestHash !== sent.requestHash) {
      throw new HttpProblem(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was already used for a different request',
      );
    }
    if (stored.state === 'in-progress') {
      throw new HttpProblem(
        409,
        'idempotency-key-in-progress',
        'A request with this Idempotency-Key is still being processed',
        { 'Retry-After': '1' },
      );
    }
    return of(this.replay(response, stored.response));
  }

  private replay(response: Response, stored: StoredResponse): unknown {
    response.status(stored.status);
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.setHeader('Idempotent-Replayed', 'true');
    return stored.body;
  }

  /**
   * The command's own outcome matters more than the bookkeeping: a key that could not be
   * completed or released stays in progress until it counts as abandoned.
   */
  private async quietly(step: string, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.logger.error(error, `Could not ${step} an idempotency key`);
    }
  }
}
