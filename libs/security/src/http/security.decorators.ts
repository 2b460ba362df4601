import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { PurposeMalformedError } from '../errors.js';
import { disclosesPersonalData, PERMISSIONS, type Permission } from '../policy/permissions.js';
import type { Principal } from '../principal.js';

export const ROUTE_PERMISSION = 'soc:route-permission';
export const PURPOSE_HEADER = 'x-purpose';

/** Characters a stated purpose may not hold: controls, surrogates, private use, unassigned, bidi overrides. */
const NOT_IN_PURPOSE = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}\u202A-\u202E\u2066-\u2069]/u;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The X-Purpose header as the caller wrote it, trimmed; null when absent. Node hands header
 * values over with each byte as one character (latin-1), so a UTF-8 purpose arrives as mojibake:
 * its bytes are decoded as UTF-8 when they are valid UTF-8, and read as latin-1 otherwise. Throws
 * PurposeMalformedError unless it is 3 to 500 characters of printable text.
 */
export function parsePurpose(header: string | readonly string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string') throw new PurposeMalformedError();
  const purpose = decodeHeader(header).trim();
  const length = [...purpose].length;
  if (length < 3 || length > 500 || NOT_IN_PURPOSE.test(purpose)) {
    throw new PurposeMalformedError();
  }
  return purpose;
}

function decodeHeader(value: string): string {
  if (BEYOND_LATIN1.test(value)) return value;
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** What a request carries once the security guard has let it through. */
export interface AccessContext {
  readonly principal: Principal;
  /** Why the caller reads personal data (X-Purpose), on routes that disclose it. */
  readonly purpose: string | null;
  readonly requestId: string | null;
}

export type SecuredRequest = Request & { principal?: Principal; access?: AccessContext };

/**
 * The permission a route needs; the guard refuses any route that names none. Routes that
 * disclose personal data also need an X-Purpose header, and the read is logged.
 */
export function Authorize(permission: Permission) {
  const rule = PERMISSIONS[permission];
  const decorators = [
    SetMetadata(ROUTE_PERMISSION, permission),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: `Needs ${permission}: ${rule.description}` }),
  ];
  if (disclosesPersonalData(permission)) {
    decorators.push(
      ApiHeader({
        name: 'X-Purpose',
        required: true,
        description:
          'Why you consult this personal data, 3 to 500 characters of text in any language sent as UTF-8 (kept in the access log as written, Data Protection Act 2018 s. 62)',
        example: 'MARSOC meeting preparation, threat OCG-17',
      }),
    );
  }
  return applyDecorators(...decorators);
}

/** The caller's principal, purpose and request id. */
export const Access = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<SecuredRequest>();
  if (!request.access) throw new Error('Access context missing: is the SecurityGuard installed?');
  return request.access;
});
