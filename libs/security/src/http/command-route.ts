import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { HttpProblem } from '@soc/platform';
import type { Request } from 'express';
import type { Permission } from '../policy/permissions.js';
import { Authorize, parsePurpose, PURPOSE_HEADER } from './security.decorators.js';

/** The stream version a caller last saw, when it sent one: the command applies only at it. */
export interface ExpectedVersion {
  readonly ifVersion?: number;
}

const VERSION = /^(?:(\d{1,9})|"(\d{1,9})")$/;

/** `If-Match: <stream version>` (bare or quoted, as an ETag would be); a malformed one is refused. */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ExpectedVersion => {
    const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
    if (header === undefined) return {};
    const match = typeof header === 'string' ? VERSION.exec(header.trim()) : null;
    if (!match) {
      throw new HttpProblem(
        400,
        'if-match-malformed',
        'If-Match must be the stream version you last saw, a whole number (e.g. 3)',
      );
    }
    return { ifVersion: Number(match[1] ?? match[2]) };
  },
);

/** The optional X-Purpose of a command that collects personal data; a malformed one is refused. */
export const StatedPurpose = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | null =>
    parsePurpose(context.switchToHttp().getRequest<Request>().headers[PURPOSE_HEADER]),
);

/**
 * A command route: who may run it, its summary, the If-Match header it honours and the refusals
 * every command may answer (documented once for OpenAPI).
 */
export function CommandRoute(
  permission: Permission,
  summary: string,
  { notFound = 'No such record, or one your organisation may not know of' } = {},
) {
  return applyDecorators(
    Authorize(permission),
    ApiOperation({ summary }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The stream version you last saw (streamVersion of an answer): 409 if it moved',
      example: '3',
    }),
    ApiBadRequestResponse({ description: 'Malformed body, path or If-Match' }),
    ApiNotFoundResponse({ description: notFound }),
    ApiConflictResponse({
      description: 'The record is not in a state for this command, or If-Match is stale',
    }),
    ApiUnprocessableEntityResponse({ description: 'Against a business rule' }),
  );
}
