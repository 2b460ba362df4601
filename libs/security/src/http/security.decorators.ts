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
import { disclosesPersonalData, PERMISSIONS, type Permission } from '../policy/permissions.js';
import type { Principal } from '../principal.js';

export const ROUTE_PERMISSION = 'soc:route-permission';
export const PURPOSE_HEADER = 'x-purpose';

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
          'Why you consult this personal data (kept in the access log, Data Protection Act 2018 s. 62)',
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
