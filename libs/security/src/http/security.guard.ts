import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Response } from 'express';
import {
  AuthenticationError,
  bearerToken,
  PERSON_LOOKUP,
  type PersonLookup,
  UnknownPersonError,
} from '../authentication/index.js';
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
/** Whether each token's person must be found in the directory (see `SecurityModule`). */
export const REQUIRE_ENROLLED_PERSON = Symbol('REQUIRE_ENROLLED_PERSON');

export interface PrincipalVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * Deny by default: every route needs a valid bearer token and names the permission it needs,
 * unless it is marked @Public(). Reads of personal data also need a stated purpose. When told
 * to, the token's person must be enrolled in its organisation, as the PERSON_LOOKUP some context
 * provides (the directory) says.
 */
@Injectable()
export class SecurityGuard implements CanActivate, OnModuleInit {
  private readonly logger = new Logger('Security');
  private people?: PersonLookup;

  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: PrincipalVerifier,
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(REQUIRE_ENROLLED_PERSON) private readonly requireEnrolled = false,
  ) {}

  /** The lookup lives in another module; every provider exists by now, so it is found here. */
  onModuleInit(): void {
    if (!this.requireEnrolled) return;
    try {
      this.people = this.moduleRef.get<PersonLookup>(PERSON_LOOKUP, { strict: false });
    } catch {
      this.logger.warn(
        'no directory provides PERSON_LOOKUP: the people that tokens name are not checked',
      );
    }
  }

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
    let principal: Principal;
    try {
      principal = await this.verifier.verify(bearerToken(request.headers.authorization));
    } catch (error) {
      const reason = error instanceof AuthenticationError ? error.reason : 'verifier failed';
      this.logger.warn({ reason, requestId: requestIdOf(request) }, 'token refused');
      response.setHeader('WWW-Authenticate', CHALLENGE);
      throw new UnauthenticatedError();
    }
    await this.requireKnownPerson(principal, request, response);
    request.principal = principal;
    return principal;
  }

  /** Errors of the lookup itself (the database) are not the caller's: they pass as they are. */
  private async requireKnownPerson(
    { personId, organisationId }: Principal,
    request: SecuredRequest,
    response: Response,
  ): Promise<void> {
    if (!this.people || (await this.people.isEnrolled(personId, organisationId))) return;
    this.logger.warn(
      { personId, organisationId, requestId: requestIdOf(request) },
      'token refused: person not enrolled in the organisation',
    );
    response.setHeader('WWW-Authenticate', `${CHALLENGE}, error="invalid_token"`);
    throw new UnknownPersonError(personId, organisationId);
  }

  private purposeOf(request: SecuredRequest): string {
    const purpose = parsePurpose(request.headers[PURPOSE_HEADER]);
    if (purpose === null) throw new PurposeRequiredError();
    return purpose;
  }
}

const CHALLENGE = 'Bearer realm="soc-partnership"';

function requestIdOf(request: SecuredRequest): string | null {
  const id = (request as { id?: unknown }).id ?? request.headers['x-request-id'];
  return typeof id === 'string' ? id : null;
}
