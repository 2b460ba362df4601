import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EVENT_STORE_POOL } from '@soc/event-store';
import type { Pool } from 'pg';
import { AccessLogController } from './access-log/access-log.controller.js';
import { PersonalDataAccessLog } from './access-log/personal-data-access-log.js';
import { loadOrCreateLocalIssuer, TokenVerifier } from './authentication/index.js';
import { SecurityGuard, TOKEN_VERIFIER } from './http/security.guard.js';
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
  /** An OIDC issuer whose tokens are accepted; unset: the system's own local development issuer. */
  readonly oidcIssuerUrl?: string;
  readonly audience: string;
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
      ],
      exports: [SubjectKeyStore, PersonalDataCipher, PersonalDataAccessLog, ScopedReader],
    };
  }
}
