import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import { EVENT_STORE_POOL } from '@soc/event-store';
import type { Pool } from 'pg';
import { AccessLogController } from './access-log/access-log.controller.js';
import { PersonalDataAccessLog } from './access-log/personal-data-access-log.js';
import {
  loadOrCreateLocalIssuer,
  PERSON_LOOKUP,
  type PersonLookup,
  TokenVerifier,
} from './authentication/index.js';
import { FeedTokens } from './feed-tokens/feed-tokens.js';
import { REQUIRE_ENROLLED_PERSON, SecurityGuard, TOKEN_VERIFIER } from './http/security.guard.js';
import {
  loadOrCreateDevelopmentMasterKey,
  parseMasterKey,
  PersonalDataCipher,
  SubjectKeyStore,
} from './personal-data/index.js';
import { ScopedReader } from './scoped-reads/scoped-reader.js';

export interface SecuritySettings {
  /** Where the development issuer key and master key live when none is configured. */
  readonly dataDir: string;
  /**
   * An OIDC issuer whose tokens are accepted; unset: the system's own local development issuer.
   * Set, each token's person must also be enrolled (not erased) in the token's organisation, as
   * the PERSON_LOOKUP a context provides says. Tokens of the local issuer are not checked: whoever
   * holds its key can sign for anyone anyway, and development and tests act as people at will.
   */
  readonly oidcIssuerUrl?: string;
  readonly audience: string;
  /** The OIDC issuer's claim naming the acting person; default `sub` (the local issuer's). */
  readonly personClaim?: string;
  readonly organisationClaim?: string;
  readonly rolesClaim?: string;
  /** Base64 of 32 bytes wrapping every subject key; unset: a development key under dataDir. */
  readonly masterKey?: string;
}

async function tokenVerifier(settings: SecuritySettings): Promise<TokenVerifier> {
  const claims = { organisationClaim: settings.organisationClaim, rolesClaim: settings.rolesClaim };
  if (settings.oidcIssuerUrl) {
    return TokenVerifier.create({
      issuer: settings.oidcIssuerUrl,
      audience: settings.audience,
      discover: true,
      personClaim: settings.personClaim,
      ...claims,
    });
  }
  const local = await loadOrCreateLocalIssuer(settings.dataDir);
  new Logger('Security').log(
    `accepting tokens of the local development issuer (npm run token); set OIDC_ISSUER_URL for a real one`,
  );
  return TokenVerifier.create({
    issuer: local.issuer,
    audience: settings.audience,
    keys: local.publicKeys(),
    ...claims,
  });
}

/**
 * Authentication, the need-to-know policy, personal-data sealing and the access log: every
 * route of every context goes through the guard installed here.
 */
@Module({})
export class SecurityModule {
  static forRoot(settings: SecuritySettings): DynamicModule {
    return {
      module: SecurityModule,
      global: true,
      controllers: [AccessLogController],
      providers: [
        { provide: TOKEN_VERIFIER, useFactory: () => tokenVerifier(settings) },
        { provide: REQUIRE_ENROLLED_PERSON, useValue: Boolean(settings.oidcIssuerUrl) },
        { provide: APP_GUARD, useClass: SecurityGuard },
        {
          provide: SubjectKeyStore,
          useFactory: async (pool: Pool) =>
            new SubjectKeyStore(
              pool,
              settings.masterKey
                ? parseMasterKey(settings.masterKey)
                : await loadOrCreateDevelopmentMasterKey(settings.dataDir),
            ),
          inject: [EVENT_STORE_POOL],
        },
        {
          provide: PersonalDataCipher,
          useFactory: (keys: SubjectKeyStore) => new PersonalDataCipher(keys),
          inject: [SubjectKeyStore],
        },
        {
          provide: PersonalDataAccessLog,
          useFactory: (pool: Pool) => new PersonalDataAccessLog(pool),
          inject: [EVENT_STORE_POOL],
        },
        {
          provide: ScopedReader,
          useFactory: (pool: Pool, log: PersonalDataAccessLog) => new ScopedReader(pool, log),
          inject: [EVENT_STORE_POOL, PersonalDataAccessLog],
        },
        {
          provide: FeedTokens,
          useFactory: (pool: Pool, moduleRef: ModuleRef) =>
            new FeedTokens(pool, () =>
              settings.oidcIssuerUrl
                ? moduleRef.get<PersonLookup>(PERSON_LOOKUP, { strict: false })
                : undefined,
            ),
          inject: [EVENT_STORE_POOL, ModuleRef],
        },
      ],
      exports: [
        SubjectKeyStore,
        PersonalDataCipher,
        PersonalDataAccessLog,
        ScopedReader,
        FeedTokens,
      ],
    };
  }
}
