import { InvalidEnvironmentError, validateEnv } from './env.js';

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
});
