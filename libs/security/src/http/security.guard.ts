import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AuthenticationError, bearerToken } from '../authentication/index.js';
import { AccessDeniedError, PurposeRequiredError, UnauthenticatedError } from '../errors.js';
import { mayUse } from '../policy/access-policy.js';
import { disclosesPersonalData, isPermission } from '../policy/permissions.js';
import type { Principal } from '../principal.js';
import { PUBLIC_ROUTE } from '@soc/platform';
import {
  parsePurpose,
  PURPOSE_HEADER,
  ROUTE_PERMISSION,
  type SecuredRequest,
} from './security.decorators.js';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export interface PrincipalVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * Deny by default: every route needs a valid bearer token and names the permission it needs,
 * unless it is marked @Public(). Reads of personal data also need a stated purpose.
 */
@Injectable()
export class SecurityGuard implements CanActivate {
  private readonly logger = new Logger('Security');

  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: PrincipalVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<SecuredRequest>();
    const principal = await this.authenticate(request, context.switchToHttp().getResponse());

    const permission = this.reflector.getAllAndOverride<unknown>(ROUTE_PERMISSION, targets);
    if (!isPermission(permission)) {
      throw new AccessDeniedError('This route has no access policy, so it is refused');
    }
    if (!mayUse(principal, permission)) {
      throw new AccessDeniedError(`None of your roles grants ${permission}`);
    }
    const purpose = disclosesPersonalData(permission) ? this.purposeOf(request) : null;
    request.access = { principal, purpose, requestId: requestIdOf(request) };
    return true;
  }

  private async authenticate(request: SecuredRequest, response: Response): Promise<Principal> {
    try {
      const principal = await this.verifier.verify(bearerToken(request.headers.authorization));
      request.principal = principal;
      return principal;
    } catch (error) {
      const reason = error instanceof AuthenticationError ? error.reason : 'verifier failed';
      this.logger.warn({ reason, requestId: requestIdOf(request) }, 'token refused');
      response.setHeader('WWW-Authenticate', 'Bearer realm="soc-partnership"');
      throw new UnauthenticatedError();
    }
  }

  private purposeOf(request: SecuredRequest): string {
    const purpose = parsePurpose(request.headers[PURPOSE_HEADER]);
    if (purpose === null) throw new PurposeRequiredError();
    return purpose;
  }
}

function requestIdOf(request: SecuredRequest): string | null {
  const id = (request as { id?: unknown }).id ?? request.headers['x-request-id'];
  return typeof id === 'string' ? id : null;
}
