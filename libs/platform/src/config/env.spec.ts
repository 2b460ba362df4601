import { corsOriginsOf, InvalidEnvironmentError, validateEnv } from './env.js';

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
      expect(env).toMatchObject({ RATE_LIMIT_PER_MINUTE: 600, RATE_LIMIT_BURST_PER_SECOND: 50 });
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
      });
      expect(problems).toMatch(/RATE_LIMIT_PER_MINUTE=/);
      expect(problems).toMatch(/RATE_LIMIT_BURST_PER_SECOND=/);
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
});
