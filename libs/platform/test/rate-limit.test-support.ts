import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Module,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Request } from 'express';
import type { RequestWithPrincipal } from '../src/http/principal.js';

/** How many requests the stand-in authentication guard has seen. */
export const authentications = { count: 0 };

/**
 * Stands in for the authentication guard in the rate-limit tests: the principal comes from a
 * test header (`person@organisation`), and `x-test-principal: refused` is refused as a bad token
 * would be.
 */
@Injectable()
class TestPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    authentications.count++;
    const req = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const caller = req.headers['x-test-principal'];
    if (caller === 'refused') throw new UnauthorizedException();
    if (typeof caller === 'string') {
      const [personId, organisationId] = caller.split('@');
      req.principal = { personId, organisationId };
    }
    return true;
  }
}

/** Imported before the rate limits, as the security module is: its guard runs first. */
@Module({ providers: [{ provide: APP_GUARD, useClass: TestPrincipalGuard }] })
export class TestAuthenticationModule {}
