import { trustProxyOf, corsOriginsOf, InvalidEnvironmentError, validateEnv } from './env.js';

describe('validateEnv', () => {
  it('fills defaults for an empty environment', () => {
    expect(validateEnv({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: '.data',
      EVENT_MAX_PAYLOAD_BYTES: 262144,
      DATABASE_URL: undefined,
    });
  });

  it('converts numbers and ignores variables it does not own', () => {
    const env = validateEnv({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@h:5432/db',
      PATH: '/usr/bin',
    });
    expect(env.PORT).toBe(8080);
    expect(env.DATABASE_URL).toBe('postgres://u@h:5432/db');
  });

  it('reports every bad variable by name, at once', () => {
    let error: unknown;
    try {
      validateEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const problems = (error as InvalidEnvironmentError).problems.join('\n');
    expect(problems).toMatch(/PORT="eighty"/);
    expect(problems).toMatch(/LOG_LEVEL="loud"/);
    expect(problems).toMatch(/DATABASE_URL/);
  });

  describe('API limits and CORS', () => {
    const problemsOf = (raw: Record<string, unknown>): string => {
      try {
        validateEnv(raw);
      } catch (error) {
        return (error as InvalidEnvironmentError).problems.join('\n');
      }
      return '';
    };

    it('defaults to 600 a minute, bursts of 50 a second and no cross-origin callers', () => {
      const env = validateEnv({});
      expect(env).toMatchObject({
        RATE_LIMIT_PER_MINUTE: 600,
        RATE_LIMIT_BURST_PER_SECOND: 50,
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 1200,
        RATE_LIMIT_STORE: 'memory',
      });
      expect(env.CORS_ORIGINS).toBeUndefined();
      expect(corsOriginsOf(env)).toEqual([]);
    });

    it('reads the limits as numbers', () => {
      expect(
        validateEnv({ RATE_LIMIT_PER_MINUTE: '120', RATE_LIMIT_BURST_PER_SECOND: '5' }),
      ).toMatchObject({ RATE_LIMIT_PER_MINUTE: 120, RATE_LIMIT_BURST_PER_SECOND: 5 });
    });

    it.each([['0'], ['-1'], ['1.5'], ['lots']])('refuses a limit of %s', (value) => {
      const problems = problemsOf({
        RATE_LIMIT_PER_MINUTE: value,
        RATE_LIMIT_BURST_PER_SECOND: value,
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: value,
      });
      expect(problems).toMatch(/RATE_LIMIT_PER_MINUTE=/);
      expect(problems).toMatch(/RATE_LIMIT_BURST_PER_SECOND=/);
      expect(problems).toMatch(/RATE_LIMIT_PER_ADDRESS_PER_MINUTE=/);
    });

    it('keeps the counters in memory or in PostgreSQL, nowhere else', () => {
      expect(
        validateEnv({ RATE_LIMIT_STORE: 'postgres', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '300' }),
      ).toMatchObject({ RATE_LIMIT_STORE: 'postgres', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 300 });
      expect(problemsOf({ RATE_LIMIT_STORE: 'redis' })).toMatch(/RATE_LIMIT_STORE="redis"/);
    });

    it('lists exact origins, in the lower case browsers send', () => {
      const env = validateEnv({
        CORS_ORIGINS: 'https://App.example.org, http://localhost:5173,http://[::1]:8080',
      });
      expect(corsOriginsOf(env)).toEqual([
        'https://app.example.org',
        'http://localhost:5173',
        'http://[::1]:8080',
      ]);
    });

    it.each([
      ['*'],
      ['https://app.example.org/'],
      ['https://app.example.org/path'],
      ['app.example.org'],
      ['ftp://app.example.org'],
      ['https://a.example.org,,https://b.example.org'],
      ['https://app.example.org;https://b.example.org'],
    ])('refuses CORS_ORIGINS=%s', (value) => {
      expect(problemsOf({ CORS_ORIGINS: value })).toMatch(/CORS_ORIGINS=.*must be origins/);
    });
  });

  describe('referral acknowledgement deadlines', () => {
    it('defaults to 4 hours immediate, 24 urgent, 72 standard', () => {
      expect(validateEnv({})).toMatchObject({
        REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE: 4,
        REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT: 24,
        REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD: 72,
      });
    });

    it('reads whole hours, and refuses anything else naming each variable', () => {
      expect(
        validateEnv({ REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE: '1' })
          .REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE,
      ).toBe(1);
      expect(() =>
        validateEnv({
          REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE: '0',
          REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT: '1.5',
          REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD: 'three days',
        }),
      ).toThrow(/IMMEDIATE="0".*\n.*URGENT="1.5".*\n.*STANDARD="three days"/);
    });

    it('refuses a more urgent referral more time than a less urgent one', () => {
      expect(() =>
        validateEnv({
          REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE: '48',
          REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT: '24',
        }),
      ).toThrow(/IMMEDIATE=48, _URGENT=24, _STANDARD=72: a more urgent referral cannot/);
      expect(
        validateEnv({
          REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE: '24',
          REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT: '24',
          REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD: '24',
        }).REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD,
      ).toBe(24);
    });
  });

  describe('proxies', () => {
    it('takes a hop count or a list of addresses, subnets and names', () => {
      expect(trustProxyOf(validateEnv({}))).toBeUndefined();
      expect(trustProxyOf(validateEnv({ TRUST_PROXY: '1' }))).toBe(1);
      expect(trustProxyOf(validateEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }))).toEqual([
        'loopback',
        '10.0.0.0/8',
      ]);
    });

    it('refuses anything else, naming the variable', () => {
      expect(() => validateEnv({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
      expect(() => validateEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    });
  });

  describe('tokens', () => {
    it('expects an absolute URI as audience and the person in `sub` by default', () => {
      const env = validateEnv({});
      expect(env.OIDC_AUDIENCE).toBe('https://soc-partnership.local/api');
      expect(new URL(env.OIDC_AUDIENCE).protocol).toBe('https:');
      expect(env).toMatchObject({
        OIDC_PERSON_CLAIM: 'sub',
        OIDC_ORGANISATION_CLAIM: 'org',
        OIDC_ROLES_CLAIM: 'roles',
      });
    });

    it('takes another person claim, and refuses one that is not a claim name', () => {
      expect(validateEnv({ OIDC_PERSON_CLAIM: 'employee_id' }).OIDC_PERSON_CLAIM).toBe(
        'employee_id',
      );
      expect(() => validateEnv({ OIDC_PERSON_CLAIM: 'the person' })).toThrow(
        /OIDC_PERSON_CLAIM="the person": OIDC_PERSON_CLAIM must be a claim name/,
      );
    });
  });

  describe('production', () => {
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const issuer = 'https://login.example.org/realms/soc';
    const problemsIn = (raw: Record<string, unknown>): string[] => {
      try {
        validateEnv({ NODE_ENV: 'production', ...raw });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidEnvironmentError);
        return (error as InvalidEnvironmentError).problems;
      }
      return [];
    };

    it('requires a real OIDC issuer and master key, naming both at once', () => {
      const problems = problemsIn({});
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^OIDC_ISSUER_URL is required when NODE_ENV=production/);
      expect(problems[0]).toMatch(/local development issuer/);
      expect(problems[1]).toMatch(/^MASTER_KEY is required when NODE_ENV=production/);
      expect(problems[1]).toMatch(/development master key/);
    });

    it('names the one missing', () => {
      expect(problemsIn({ OIDC_ISSUER_URL: issuer })).toEqual([
        expect.stringMatching(/^MASTER_KEY is required/),
      ]);
      expect(problemsIn({ MASTER_KEY: masterKey })).toEqual([
        expect.stringMatching(/^OIDC_ISSUER_URL is required/),
      ]);
    });

    it('counts an empty variable as missing', () => {
      expect(problemsIn({ OIDC_ISSUER_URL: '', MASTER_KEY: masterKey }).join('\n')).toMatch(
        /OIDC_ISSUER_URL is required/,
      );
    });

    it('reports them with the other bad variables', () => {
      const problems = problemsIn({ PORT: 'eighty', MASTER_KEY: 'short' }).join('\n');
      expect(problems).toMatch(/PORT="eighty"/);
      expect(problems).toMatch(/MASTER_KEY="short": MASTER_KEY must be 32 bytes/);
      expect(problems).toMatch(/OIDC_ISSUER_URL is required/);
      expect(problems).not.toMatch(/MASTER_KEY is required/);
    });

    it('starts with both set', () => {
      expect(
        validateEnv({ NODE_ENV: 'production', OIDC_ISSUER_URL: issuer, MASTER_KEY: masterKey }),
      ).toMatchObject({ NODE_ENV: 'production', OIDC_ISSUER_URL: issuer, MASTER_KEY: masterKey });
    });

    it.each([['development'], ['test']])('lets %s use the development issuer and key', (mode) => {
      expect(validateEnv({ NODE_ENV: mode })).toMatchObject({
        NODE_ENV: mode,
        OIDC_ISSUER_URL: undefined,
        MASTER_KEY: undefined,
      });
    });
  });
});
